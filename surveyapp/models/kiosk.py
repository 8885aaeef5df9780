from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class KioskTally(db.Model):
    """How many responses kiosk tablets took per round, organisation and day.

    A count only: it says nothing about which responses they were.
    """

    __tablename__ = "kiosk_tallies"
    __table_args__ = (CheckConstraint("answers >= 0", name="answers"),)

    #: the round answered
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    #: the organisation of the kiosk
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    #: the day (server's local date)
    day: Mapped[date] = mapped_column(primary_key=True)
    #: responses stored that day
    answers: Mapped[int] = mapped_column(default=0)


class KioskRun(db.Model):
    """One kiosk started on one tablet, from its start to its end.

    The signed tickets of its forms name it, so that answers that waited in the tablet are
    stored only while it runs, or, after its end, when they were given before it.
    """

    __tablename__ = "kiosk_runs"

    #: a random id, kept in the tablet's session and in the tickets of its forms
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the samordnare who started it (and whose PIN ends it)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: when it started
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when it ended (PIN, a login or a new kiosk on the tablet, the account's sessions ended);
    #: empty while it runs
    ended_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def running(self) -> bool:
        return self.ended_at is None
