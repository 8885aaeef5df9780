from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .organisations import Organisation
from .rounds import Round


class Invitation(db.Model):
    """A single-use answering link (``/i/<token>``) for one invited person.

    Only the token's sha256 is stored. ``used`` is set in the transaction that stores the
    answers, but nothing links the invitation to the response: the list of invitations
    tells how many answered, never who answered what.
    """

    __tablename__ = "invitations"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 (hex) of the link's random token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the round answered through the link
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    #: the organisation the answer counts for
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the invited person's role (staff questionnaires); else asked on the form
    role: Mapped[str | None] = mapped_column(String(50))
    #: when the link was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: True when the link was sent by e-mail (the address is not kept)
    emailed: Mapped[bool] = mapped_column(default=False)
    #: True once answers were stored through the link
    used: Mapped[bool] = mapped_column(default=False)

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
