from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class AuditEvent(db.Model):
    """Who did what, when: logins, account and round changes, exports, purges.

    Holds no answer content: ``detail`` names things (an e-mail, a round, a count).
    """

    __tablename__ = "audit_events"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: when it happened (UTC)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: the staff account that acted; empty for the command line and unknown logins
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    #: who acted, as shown in the log (kept when the account is gone)
    actor: Mapped[str] = mapped_column(String(254))
    #: what happened, a stable key such as "login" or "round.close"
    action: Mapped[str] = mapped_column(String(50), index=True)
    #: what it concerned, in words; never answer content
    detail: Mapped[str] = mapped_column(String(1000), default="")
    #: the project the event belongs to; empty for events of the installation (logins,
    #: accounts, questionnaires) and once the project is purged
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="SET NULL"), index=True)
