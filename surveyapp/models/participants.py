from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .organisations import Organisation
from .projects import sole_project_id


class ParticipantCode(db.Model):
    """A pseudonymous participant code such as ``K7M4-X`` and the participant register's
    entry for it: kommun, inskrivning and avslut dates and the background codes. It pairs a
    participant's progressionskort ratings, avslut and uppföljning and gives forms about the
    participant their groups. Nothing more personal is kept; only the samordnare knows who
    holds which code."""

    __tablename__ = "participant_codes"
    __table_args__ = (
        CheckConstraint("followup_consent IS NULL OR exited_on IS NOT NULL", name="consent_at_exit"),
        CheckConstraint("exited_on IS NULL OR enrolled_on IS NULL OR exited_on >= enrolled_on",
                        name="enrolment_dates"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the code, four characters and a check character; unique across all organisations and
    #: projects, so a code belongs to one project
    code: Mapped[str] = mapped_column(String(20), unique=True)
    #: the project the participant takes part in
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True, default=sole_project_id)
    #: the organisation whose samordnare gave out the code
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: when the code was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the day of avslut: set by the avslut form, or imported as ``ended_on``
    exited_on: Mapped[date | None]
    #: the day of inskrivning (registered by the samordnare or imported); empty for codes made
    #: before the register
    enrolled_on: Mapped[date | None]
    #: the participant's kön (option code of the background question ``kon``)
    kon: Mapped[str | None] = mapped_column(String(20))
    #: åldersgrupp (option code of ``aldersgrupp``)
    aldersgrupp: Mapped[str | None] = mapped_column(String(20))
    #: födelseregion (option code of ``fodelseregion``)
    fodelseregion: Mapped[str | None] = mapped_column(String(20))
    #: the consent to follow-up six months after exit (from the avslut form); empty until then
    followup_consent: Mapped[bool | None]

    organisation: Mapped[Organisation] = relationship()
    insatser: Mapped[list[ParticipantInsats]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", passive_deletes=True)


class GoalAssessment(db.Model):
    """What projektledning wrote about one goal of the project's goal table: the motivering
    and the bedömning (e.g. "troligen uppnått"). The computed status is kept apart."""

    __tablename__ = "goal_assessments"
    __table_args__ = (UniqueConstraint("project_id", "goal_key"),)

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the project whose goal table it belongs to
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True, default=sole_project_id)
    #: the goal's stable key in the goal table, e.g. "avslut.utfall.0" or "participants"
    goal_key: Mapped[str] = mapped_column(String(200))
    #: why the goal is judged as it is
    motivering: Mapped[str] = mapped_column(Text, default="")
    #: projektledning's judgement, free text such as "troligen uppnått"
    assessment: Mapped[str] = mapped_column(String(200), default="")
    #: the e-mail of who wrote it last
    updated_by: Mapped[str] = mapped_column(String(254), default="")
    #: when it was written last
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ParticipantInsats(db.Model):
    """An insats a participant took part in: one of the samverkan matrix's rows (hantering_vardag
    … social_mentor) or ``jobbinriktade``, with its dates."""

    __tablename__ = "participant_insatser"
    __table_args__ = (
        UniqueConstraint("participant_code_id", "insats", "started_on"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the participant
    participant_code_id: Mapped[int] = mapped_column(
        ForeignKey("participant_codes.id", ondelete="CASCADE"), index=True)
    #: the insats's code
    insats: Mapped[str] = mapped_column(String(50))
    #: its first day
    started_on: Mapped[date]
    #: its last day (empty while it goes on)
    ended_on: Mapped[date | None]

    participant: Mapped[ParticipantCode] = relationship(back_populates="insatser")
