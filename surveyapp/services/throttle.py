"""Slows down guessing: failed logins per account and per address, wrong PINs per kiosk.

Every attempt is a row in ``failed_attempts`` (see :class:`FailedAttempt`) from before it is
checked, so every server process, and every one of several attempts sent at once, counts the
others. A refused or successful attempt's row goes again; a failed one stays for the window.
What was tried is stored only as a keyed hash, and rows older than the window are deleted.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
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

    def begin(self, value: str, now: datetime | None = None) -> FailedAttempt | None:
        """Counts an attempt before it is checked; None when it must be refused unchecked.

        Commits the attempt, so that attempts running at the same time see each other: of
        any number sent at once, at most ``limit`` get past. Until :meth:`discard` removes
        it, the attempt counts as failed.
        """
        now = now or utcnow()
        since = now - self.window
        db.session.execute(
            delete(FailedAttempt).where(FailedAttempt.scope == self.scope, FailedAttempt.at <= since)
        )
        attempt = FailedAttempt(scope=self.scope, key=self._key(value), at=now)
        db.session.add(attempt)
        db.session.commit()
        recent = select(func.count()).select_from(FailedAttempt)
        if db.session.scalar(recent.where(*self._where(value), FailedAttempt.at > since)) > self.limit:
            self.discard(attempt)  # a refused attempt guessed nothing
            return None
        return attempt

    def discard(self, attempt: FailedAttempt) -> None:
        """The attempt does not count: it was refused unchecked, or it succeeded."""
        db.session.execute(delete(FailedAttempt).where(FailedAttempt.id == attempt.id))

    def reset(self, value: str) -> None:
        """Forgets every failure of ``value`` (after a successful login)."""
        db.session.execute(delete(FailedAttempt).where(*self._where(value)))


@dataclass(frozen=True)
class LoginAttempt:
    email: str
    account: FailedAttempt
    address: FailedAttempt


class LoginThrottle:
    """At most 5 failed logins per account and 20 per address in 15 minutes."""

    def __init__(self, secret: str, per_account: int = 5, per_address: int = 20, window: int = 900):
        self.accounts = Throttle("account", per_account, window, secret)
        self.addresses = Throttle("address", per_address, window, secret)

    def begin(self, email: str, address: str) -> LoginAttempt | None:
        """The attempt, counted; None when the account or the address has failed too often."""
        by_account = self.accounts.begin(email)
        if by_account is None:
            return None
        by_address = self.addresses.begin(address)
        if by_address is None:
            self.accounts.discard(by_account)
            return None
        return LoginAttempt(email, by_account, by_address)

    def succeed(self, attempt: LoginAttempt) -> None:
        """A successful login: the account starts afresh, and the address's count drops this one."""
        self.accounts.reset(attempt.email)
        self.addresses.discard(attempt.address)


def pin_throttle(secret: str) -> Throttle:
    """At most 5 wrong PINs per kiosk in 15 minutes."""
    return Throttle("pin", 5, 900, secret)
