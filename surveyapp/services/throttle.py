"""Slows down guessing: failed logins per account and per address, wrong PINs per kiosk.

Failures are rows in ``failed_attempts`` (see :class:`FailedAttempt`), so every server process
counts the same attempts. What was tried is stored only as a keyed hash and deleted once it is
older than the window. The caller commits, as with every service.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import FailedAttempt
from ..models._time import utcnow


class Throttle:
    """At most ``limit`` failures per value within ``window_seconds``."""

    def __init__(self, scope: str, limit: int, window_seconds: int, secret: str):
        self.scope = scope
        self.limit = limit
        self.window = timedelta(seconds=window_seconds)
        self._secret = secret.encode()

    def _key(self, value: str) -> str:
        return hmac.new(self._secret, f"{self.scope}:{value}".encode(), hashlib.sha256).hexdigest()

    def _where(self, value: str):
        return (FailedAttempt.scope == self.scope, FailedAttempt.key == self._key(value))

    def blocked(self, value: str, now: datetime | None = None) -> bool:
        since = (now or utcnow()) - self.window
        self._forget(since)
        recent = select(func.count()).select_from(FailedAttempt)
        failures = db.session.scalar(recent.where(*self._where(value), FailedAttempt.at > since))
        return failures >= self.limit

    def _forget(self, since: datetime) -> None:
        """What the window has forgotten goes, for every value of this scope."""
        db.session.execute(
            delete(FailedAttempt).where(FailedAttempt.scope == self.scope, FailedAttempt.at <= since)
        )

    def fail(self, value: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        self._forget(now - self.window)
        db.session.add(FailedAttempt(scope=self.scope, key=self._key(value), at=now))
        db.session.flush()

    def reset(self, value: str) -> None:
        db.session.execute(delete(FailedAttempt).where(*self._where(value)))


class LoginThrottle:
    """At most 5 failed logins per account and 20 per address in 15 minutes."""

    def __init__(self, secret: str, per_account: int = 5, per_address: int = 20, window: int = 900):
        self.accounts = Throttle("account", per_account, window, secret)
        self.addresses = Throttle("address", per_address, window, secret)

    def blocked(self, email: str, address: str) -> bool:
        return self.accounts.blocked(email) or self.addresses.blocked(address)

    def fail(self, email: str, address: str) -> None:
        self.accounts.fail(email)
        self.addresses.fail(address)

    def succeed(self, email: str) -> None:
        self.accounts.reset(email)


def pin_throttle(secret: str) -> Throttle:
    """At most 5 wrong PINs per kiosk in 15 minutes."""
    return Throttle("pin", 5, 900, secret)
