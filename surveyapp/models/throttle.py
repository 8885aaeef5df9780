from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class FailedAttempt(db.Model):
    """One failed login or wrong kiosk PIN (or one answer stored through an open link), kept
    for the throttle's window and then deleted.

    Kept in the database so every server process counts the same attempts. ``key`` is a keyed
    hash of what was tried (an e-mail, an address, a kiosk), never the value itself.
    """

    __tablename__ = "failed_attempts"
    __table_args__ = (Index("ix_failed_attempts_scope_key_at", "scope", "key", "at"),)

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: what was throttled: "account_address", "address", "pin" or "open_link"
    scope: Mapped[str] = mapped_column(String(20))
    #: HMAC-SHA256 (hex) of the account and address, address, kiosk or link and address, keyed
    #: with the app's secret
    key: Mapped[str] = mapped_column(String(64))
    #: when it failed (UTC)
    at: Mapped[datetime] = mapped_column(default=utcnow)
