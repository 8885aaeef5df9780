"""Slows down password guessing: failed attempts counted per account and per address.

Counts live in the process's memory (addresses only as a keyed hash) and are forgotten
after the window; with several server processes each counts its own attempts.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import defaultdict, deque


class Throttle:
    def __init__(self, limit: int, window_seconds: int, secret: str = ""):
        self.limit = limit
        self.window = window_seconds
        self._secret = secret.encode()
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _key(self, value: str) -> str:
        return hmac.new(self._secret, value.encode(), hashlib.sha256).hexdigest()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, value: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            return len(self._recent(self._key(value), now)) >= self.limit

    def fail(self, value: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(self._key(value), now).append(now)

    def reset(self, value: str) -> None:
        with self._lock:
            self._failures.pop(self._key(value), None)


class LoginThrottle:
    """At most 5 failed logins per account and 20 per address in 15 minutes."""

    def __init__(self, secret: str, per_account: int = 5, per_address: int = 20, window: int = 900):
        self.accounts = Throttle(per_account, window, secret)
        self.addresses = Throttle(per_address, window, secret)

    def blocked(self, email: str, address: str) -> bool:
        return self.accounts.blocked(email) or self.addresses.blocked(address)

    def fail(self, email: str, address: str) -> None:
        self.accounts.fail(email)
        self.addresses.fail(address)

    def succeed(self, email: str) -> None:
        self.accounts.reset(email)


def login_throttle(app) -> LoginThrottle:
    """The app's login throttle, made on first use."""
    if "surveyapp.login_throttle" not in app.extensions:
        app.extensions["surveyapp.login_throttle"] = LoginThrottle(app.config["SECRET_KEY"])
    return app.extensions["surveyapp.login_throttle"]
