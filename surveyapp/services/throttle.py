"""Slows down guessing: failed logins per account and address, per address, wrong PINs per kiosk.

Logins are slowed per account *and* address with growing delays, so someone who knows a
staff member's e-mail slows down only their own guesses, never the staff member's login from
another computer.

Every attempt is a row in ``failed_attempts`` (see :class:`FailedAttempt`) from before it is
checked, so every server process, and every one of several attempts sent at once, counts the
others. A refused or successful attempt's row goes again; a failed one stays for the window.
What was tried is stored only as a keyed hash, and rows older than the window are deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, insert, select

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
class Refused:
    """The attempt was not checked; another may be made after ``wait_seconds``."""

    wait_seconds: int


class GrowingDelay(Throttle):
    """The first ``free`` failures of a value within the window cost nothing; after them each
    attempt must wait ``base`` seconds after the latest failure, doubled with every further
    failure, at most ``cap`` seconds."""

    def __init__(self, scope: str, secret: str, free: int = 3, base: int = 5, cap: int = 900,
                 window_seconds: int = 3600):
        super().__init__(scope, free, window_seconds, secret)
        self.base = base
        self.cap = cap

    def delay(self, failures: int) -> int:
        if failures < self.limit:
            return 0
        return min(self.cap, self.base * 2 ** (failures - self.limit))

    def begin(self, value: str, now: datetime | None = None) -> FailedAttempt | Refused:
        """Counts an attempt before it is checked (committed, so that attempts sent at once
        see each other and at most ``free`` of them get past); a :class:`Refused` when it
        comes too soon after the latest failure."""
        now = now or utcnow()
        since = now - self.window
        db.session.execute(
            delete(FailedAttempt).where(FailedAttempt.scope == self.scope, FailedAttempt.at <= since)
        )
        attempt = FailedAttempt(scope=self.scope, key=self._key(value), at=now)
        db.session.add(attempt)
        db.session.commit()
        failures, latest = db.session.execute(
            select(func.count(), func.max(FailedAttempt.at))
            .where(*self._where(value), FailedAttempt.at > since, FailedAttempt.id != attempt.id)
        ).one()
        wait = self.delay(failures)
        if wait and latest is not None:
            remaining = wait - (now - latest).total_seconds()
            if remaining > 0:
                self.discard(attempt)
                return Refused(int(remaining) + 1)
        return attempt


@dataclass(frozen=True)
class LoginAttempt:
    email: str
    pair: FailedAttempt
    address: FailedAttempt


class LoginThrottle:
    """Growing delays per account and address; at most 20 failed logins per address (whatever
    the account) in 15 minutes."""

    def __init__(self, secret: str, free: int = 3, per_address: int = 20, window: int = 900):
        self.pairs = GrowingDelay("account_address", secret, free=free)
        self.addresses = Throttle("address", per_address, window, secret)

    def begin(self, email: str, address: str) -> LoginAttempt | Refused:
        """The attempt, counted; :class:`Refused` when this address must wait."""
        pair = f"{email}\n{address}"
        by_pair = self.pairs.begin(pair)
        if isinstance(by_pair, Refused):
            return by_pair
        by_address = self.addresses.begin(address)
        if by_address is None:
            self.pairs.discard(by_pair)
            return Refused(int(self.addresses.window.total_seconds()))
        return LoginAttempt(pair, by_pair, by_address)

    def succeed(self, attempt: LoginAttempt) -> None:
        """A successful login: the account starts afresh on this address, and the address's
        count drops this one."""
        self.pairs.reset(attempt.email)
        self.addresses.discard(attempt.address)


#: a rate limit deletes its scope's expired rows (which count no more) at most this often per
#: process, not with every event
PURGE_SECONDS = 60
_purged_at: dict[str, float] = {}


class RateLimit(Throttle):
    """At most ``limit`` events per value within the window; an event is added only once it
    has happened (a stored answer), in the caller's transaction."""

    def exceeded(self, value: str, now: datetime | None = None) -> bool:
        since = (now or utcnow()) - self.window
        count = db.session.connection().execute(_RECENT, {"scope": self.scope, "key": self._key(value),
                                                          "since": since, "limit": self.limit}).scalar()
        return count >= self.limit

    def add(self, value: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        last = _purged_at.get(self.scope)
        if last is None or time.monotonic() - last >= PURGE_SECONDS:
            db.session.execute(delete(FailedAttempt).where(FailedAttempt.scope == self.scope,
                                                           FailedAttempt.at <= now - self.window))
            _purged_at[self.scope] = time.monotonic()
        db.session.connection().execute(_ADD, {"scope": self.scope, "key": self._key(value), "at": now})


#: a rate limit's statements, built once (asked with every answer through an open link); the
#: count stops at the limit, however many rows there are
_RECENT = select(func.count()).select_from(
    select(FailedAttempt.id)
    .where(FailedAttempt.scope == bindparam("scope"), FailedAttempt.key == bindparam("key"),
           FailedAttempt.at > bindparam("since"))
    .limit(bindparam("limit")).subquery())
_ADD = insert(FailedAttempt.__table__)


def pin_throttle(secret: str) -> Throttle:
    """At most 5 wrong PINs per kiosk in 15 minutes."""
    return Throttle("pin", 5, 900, secret)
