from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class StoredSession(db.Model):
    """One browser's session, held on the server; the cookie carries only a random id.

    Deleting a row ends that session at once: logout, kiosk PIN exit, a new password and a
    disabled account do so. Rows past ``expires_at`` are refused and deleted.
    """

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_expires_at", "expires_at"),)

    #: sha256 (hex) of the cookie's random id, so the table holds no usable id
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: the staff account logged in with this session; empty for participants and kiosks
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    #: the session's values (tagged JSON, as Flask's cookie sessions hold them)
    data: Mapped[str] = mapped_column(Text)
    #: when the session was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when it ends whatever happens: a staff login's absolute limit, else an idle limit
    expires_at: Mapped[datetime]
