"""The login and PIN throttle counts in the database, so every server process sees the same count."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import FailedAttempt
from surveyapp.models._time import utcnow
from surveyapp.services.throttle import GrowingDelay, LoginAttempt, LoginThrottle, Refused, Throttle
from tests import factories

SECRET = "test secret"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(FailedAttempt))


def test_failures_within_the_window_refuse_the_next_attempt_and_older_ones_do_not(app):
    throttle = Throttle("account", 3, 900, SECRET)
    now = utcnow()
    for minutes in (20, 10, 5):
        assert throttle.begin("pl@example.org", now=now - timedelta(minutes=minutes)) is not None
    # the one 20 minutes ago is forgotten: two failures, and this third attempt may go on
    assert throttle.begin("pl@example.org", now=now) is not None
    assert throttle.begin("pl@example.org", now=now) is None
    assert throttle.begin("other@example.org", now=now) is not None
    # the failure 10 minutes ago counts for 5 more minutes
    assert throttle.begin("pl@example.org", now=now + timedelta(minutes=4)) is None
    assert throttle.begin("pl@example.org", now=now + timedelta(minutes=6)) is not None


def test_a_refused_or_successful_attempt_does_not_count(app):
    throttle = Throttle("pin", 2, 900, SECRET)
    first, second = throttle.begin("kiosk:1"), throttle.begin("kiosk:1")
    assert first is not None and second is not None
    assert throttle.begin("kiosk:1") is None
    assert _count() == 2  # the refused one left no row
    throttle.discard(second)  # the second one succeeded after all
    db.session.commit()
    assert throttle.begin("kiosk:1") is not None


def test_two_server_processes_count_the_same_failures(app):
    """Each gunicorn worker makes its own throttle object; the count is shared."""
    first, second = LoginThrottle(SECRET), LoginThrottle(SECRET)
    for i in range(3):
        assert isinstance((first if i % 2 else second).begin("pl@example.org", "10.0.0.1"), LoginAttempt)
    assert isinstance(first.begin("pl@example.org", "10.0.0.1"), Refused)
    assert isinstance(second.begin("pl@example.org", "10.0.0.1"), Refused)
    # another address is not slowed by these failures
    assert isinstance(second.begin("pl@example.org", "10.0.0.2"), LoginAttempt)


def test_delays_grow_with_each_failure_up_to_a_cap(app):
    throttle = GrowingDelay("account_address", SECRET, free=3, base=5, cap=900)
    assert [throttle.delay(n) for n in (0, 2, 3, 4, 5, 12, 20)] == [0, 0, 5, 10, 20, 900, 900]
    now = utcnow()
    for seconds in (30, 20, 10):
        assert isinstance(throttle.begin("x", now=now - timedelta(seconds=seconds)), FailedAttempt)
    refused = throttle.begin("x", now=now - timedelta(seconds=7))
    assert isinstance(refused, Refused) and refused.wait_seconds == 3
    assert isinstance(throttle.begin("x", now=now), FailedAttempt)  # 10 s after the latest


def test_a_successful_login_clears_the_account_and_drops_itself_from_the_address(app):
    throttle = LoginThrottle(SECRET, free=3, per_address=3)
    for _ in range(2):
        throttle.begin("pl@example.org", "192.0.2.1")
    attempt = throttle.begin("pl@example.org", "192.0.2.1")
    throttle.succeed(attempt)
    db.session.commit()
    # the account starts afresh; the address keeps its two failures but not the success
    assert isinstance(throttle.begin("pl@example.org", "192.0.2.1"), LoginAttempt)
    assert isinstance(throttle.begin("other@example.org", "192.0.2.1"), Refused)


def test_only_keyed_hashes_are_stored_and_old_rows_are_deleted(app):
    throttle = Throttle("address", 20, 900, SECRET)
    now = utcnow()
    throttle.begin("192.0.2.7", now=now - timedelta(hours=2))
    throttle.begin("192.0.2.8", now=now)
    keys = db.session.scalars(select(FailedAttempt.key)).all()
    assert len(keys) == 1  # the two-hour-old failure went when the new attempt came
    assert "192.0.2" not in keys[0] and len(keys[0]) == 64
    # another secret (another installation) gives another key
    assert Throttle("address", 20, 900, "other")._key("192.0.2.8") != keys[0]


def test_wrong_passwords_sent_at_once_get_at_most_three_guesses(committed_postgres):
    """Ten wrong passwords for one account from one address at the same moment, on a database
    where each request really commits: at most three are checked (401), the others are refused
    unchecked (429). Attempts that overlap may refuse each other, never let each other through."""
    app = committed_postgres
    with app.app_context():
        factories.user("pl@example.org", "projektledning", password="rätt lösenord 2026")
        db.session.remove()

    attempts = 10
    barrier = threading.Barrier(attempts)
    statuses = []

    def guess(i: int):
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/login", data={"email": "pl@example.org", "password": f"fel {i}"},
                                    environ_base={"REMOTE_ADDR": "10.1.0.1"}).status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    checked = statuses.count(401)
    assert len(statuses) == attempts and checked <= 3
    assert statuses.count(429) == attempts - checked
    with app.app_context():
        assert _count() == 2 * checked  # each failure counted per account and address, and per address
        db.session.remove()
        db.engine.dispose()
