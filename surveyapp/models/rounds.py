from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .organisations import Organisation
from .projects import sole_project_id


class RoundStateError(Exception):
    """A round was asked to move to a state it cannot reach from where it is."""


class RoundState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


#: the moves a round may make; everything else is refused
TRANSITIONS = {
    RoundState.OPEN: {RoundState.CLOSED},
    RoundState.CLOSED: {RoundState.OPEN},
}


#: the organisations a round covers; a round without any covers every organisation
round_organisations = Table(
    "round_organisations",
    db.Model.metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class Round(db.Model):
    """A measurement round (mättillfälle) of one questionnaire."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("project_id", "questionnaire_key", "name"),
        CheckConstraint("state IN ('open', 'closed')", name="state"),
        CheckConstraint("closes_on IS NULL OR opens_on IS NULL OR closes_on >= opens_on", name="dates"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the project the round measures; its answers belong to that project
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True, default=sole_project_id)
    #: the questionnaire answered in this round
    questionnaire_key: Mapped[str] = mapped_column(String(100), index=True)
    #: e.g. "Mättillfälle 1"; unique per project and questionnaire
    name: Mapped[str] = mapped_column(String(200))
    #: first day answers are taken (optional)
    opens_on: Mapped[date | None]
    #: last day answers are taken (optional)
    closes_on: Mapped[date | None]
    #: open or closed; changed only through :meth:`open` and :meth:`close`
    state: Mapped[str] = mapped_column(String(10), default=RoundState.OPEN.value)
    #: when the round was created
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=round_organisations, order_by=Organisation.name
    )
    roles: Mapped[list[RoundRole]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="RoundRole.role"
    )
    expectations: Mapped[list[RoundExpectation]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    def covers(self, organisation_id: int) -> bool:
        """True when answers for this organisation belong in the round."""
        return not self.organisations or any(o.id == organisation_id for o in self.organisations)

    @property
    def role_codes(self) -> list[str]:
        return [r.role for r in self.roles]

    @property
    def round_state(self) -> RoundState:
        return RoundState(self.state)

    def _move(self, target: RoundState) -> None:
        if target not in TRANSITIONS[self.round_state]:
            raise RoundStateError(f"round {self.name!r} is {self.state}, cannot become {target.value}")
        self.state = target.value

    def close(self) -> None:
        self._move(RoundState.CLOSED)

    def open(self) -> None:
        self._move(RoundState.OPEN)

    def status(self, today: date) -> str:
        """What staff see: "closed" (closed by hand), "ended" (open, but its last day has been),
        "upcoming" (open, its first day is still to come) or "open"."""
        if self.round_state is not RoundState.OPEN:
            return "closed"
        if self.closes_on and today > self.closes_on:
            return "ended"
        if self.opens_on and today < self.opens_on:
            return "upcoming"
        return "open"

    def accepts_answers(self, today: date) -> bool:
        """Open, and today lies within its dates."""
        if self.round_state is not RoundState.OPEN:
            return False
        if self.opens_on and today < self.opens_on:
            return False
        return not (self.closes_on and today > self.closes_on)

    def __repr__(self) -> str:
        return f"<Round {self.questionnaire_key}/{self.name!r} {self.state}>"


class RoundRole(db.Model):
    """A staff role invited to answer in a round (staff questionnaires)."""

    __tablename__ = "round_roles"

    #: the round
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    #: a role code of the questionnaire, e.g. "samordnare"
    role: Mapped[str] = mapped_column(String(50), primary_key=True)


class RoundExpectation(db.Model):
    """How many respondents a round expects from one organisation (and role): the response
    rate's denominator."""

    __tablename__ = "round_expectations"
    __table_args__ = (
        UniqueConstraint("round_id", "organisation_id", "role"),
        CheckConstraint("expected >= 0", name="expected"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the round
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: the organisation expected to answer
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    #: the role expected (staff questionnaires); empty for participant questionnaires
    role: Mapped[str] = mapped_column(String(50), default="")
    #: the number of respondents expected
    expected: Mapped[int]

    organisation: Mapped[Organisation] = relationship()
