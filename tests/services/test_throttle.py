"""The login and PIN throttle counts in the database, so every server process sees the same count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import FailedAttempt
from surveyapp.models._time import utcnow
from surveyapp.services.throttle import LoginThrottle, Throttle

SECRET = "test secret"


def test_failures_within_the_window_block_and_older_ones_do_not(app):
    throttle = Throttle("account", 3, 900, SECRET)
    now = utcnow()
    for minutes in (20, 10, 5):
        throttle.fail("pl@example.org", now=now - timedelta(minutes=minutes))
    db.session.commit()
    assert not throttle.blocked("pl@example.org", now=now)  # the one 20 minutes ago is forgotten
    throttle.fail("pl@example.org", now=now)
    db.session.commit()
    assert throttle.blocked("pl@example.org", now=now)
    assert not throttle.blocked("other@example.org", now=now)
    # the failure 10 minutes ago counts for 5 more minutes
    assert throttle.blocked("pl@example.org", now=now + timedelta(minutes=4))
    assert not throttle.blocked("pl@example.org", now=now + timedelta(minutes=6))


def test_two_server_processes_count_the_same_failures(app):
    """Each gunicorn worker makes its own throttle object; the count is shared."""
    first, second = LoginThrottle(SECRET), LoginThrottle(SECRET)
    for i in range(3):
        first.fail("pl@example.org", f"10.0.0.{i}")
        second.fail("pl@example.org", f"10.0.0.{i}")
    db.session.commit()
    assert first.blocked("pl@example.org", "10.0.0.99")
    assert second.blocked("pl@example.org", "10.0.0.99")
    first.succeed("pl@example.org")
    db.session.commit()
    assert not second.blocked("pl@example.org", "10.0.0.99")


def test_only_keyed_hashes_are_stored_and_old_rows_are_deleted(app):
    throttle = Throttle("address", 20, 900, SECRET)
    now = utcnow()
    throttle.fail("192.0.2.7", now=now - timedelta(hours=2))
    throttle.fail("192.0.2.8", now=now)
    db.session.commit()
    keys = db.session.scalars(select(FailedAttempt.key)).all()
    assert len(keys) == 1  # the two-hour-old failure went when the new one came
    assert "192.0.2" not in keys[0] and len(keys[0]) == 64
    # another secret (another installation) gives another key
    assert Throttle("address", 20, 900, "other")._key("192.0.2.8") != keys[0]


def test_checking_also_forgets_what_the_window_has_left_behind(app):
    throttle = Throttle("pin", 5, 900, SECRET)
    now = utcnow()
    throttle.fail("kiosk:1", now=now - timedelta(hours=1))
    db.session.commit()
    assert not throttle.blocked("kiosk:2", now=now)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(FailedAttempt)) == 0
