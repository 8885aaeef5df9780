from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .organisations import Organisation
from .rounds import Round


class SurveyLink(db.Model):
    """An open answering link (``/s/<token>``): one round, one organisation, maybe one role.

    Anyone with the link can answer, any number of times; it says nothing about who did.
    """

    __tablename__ = "survey_links"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the random part of the URL
    token: Mapped[str] = mapped_column(String(64), unique=True)
    #: the round answered through this link
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: the organisation the answers count for
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: for staff questionnaires: the role every answer through this link has (else asked)
    role: Mapped[str | None] = mapped_column(String(50))
    #: when the link was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
