from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .organisations import Organisation


class ParticipantCode(db.Model):
    """A pseudonymous participant code such as ``K7M4-X``: it pairs a participant's
    progressionskort ratings, avslut and uppföljning. No personal data is kept with it;
    only the samordnare knows who holds which code."""

    __tablename__ = "participant_codes"
    __table_args__ = (
        CheckConstraint("followup_consent IS NULL OR exited_on IS NOT NULL", name="consent_at_exit"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the code, four characters and a check character; unique across all organisations
    code: Mapped[str] = mapped_column(String(20), unique=True)
    #: the organisation whose samordnare gave out the code
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: when the code was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the day the avslut form was filled in for the code
    exited_on: Mapped[date | None]
    #: the consent to follow-up six months after exit (from the avslut form); empty until then
    followup_consent: Mapped[bool | None]

    organisation: Mapped[Organisation] = relationship()
