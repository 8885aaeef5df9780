"""Sessions held on the server: a copied cookie stops working when the session ends."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from surveyapp.extensions import db
from surveyapp.models import StoredSession
from surveyapp.models._time import utcnow
from surveyapp.services.accounts import set_pin
from tests import factories
from tests.factories import AVSLUTNINGSENKAT

PASSWORD = "ett långt lösenord"


def _cookie(client) -> str:
    return client.get_cookie("session", domain="surveyapp.test").value


def _copy(client, token: str | None = None):
    """A second browser holding a copy of ``client``'s session cookie (or of ``token``)."""
    other = client.application.test_client()
    other.set_cookie("session", token or _cookie(client), domain="surveyapp.test")
    return other


def _login(client, email="pl@example.org", password=PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302
    return response


def _rows() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredSession))


def test_the_cookie_holds_only_a_random_id_whose_hash_is_stored(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    _login(client)
    token = _cookie(client)
    assert "." not in token and len(token) >= 40
    row = db.session.get(StoredSession, hashlib.sha256(token.encode()).hexdigest())
    assert row is not None and "_user_id" in row.data and token not in row.data


def test_a_page_that_writes_nothing_stores_no_session(client):
    assert client.get("/").status_code in (200, 302)
    with client.get("/static/app.css") as css:
        assert css.status_code == 200
    assert _rows() == 0
    assert client.get_cookie("session", domain="surveyapp.test") is None


def test_logging_in_gives_a_new_session_id(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    with client.session_transaction() as session:  # as the login form's token would
        session["csrf_token"] = "x"
    before = _cookie(client)
    _login(client)
    assert _cookie(client) != before
    assert _copy(client, before).get("/staff/mattillfallen").status_code == 302


def test_a_cookie_copied_before_logout_opens_nothing_after_it(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    factories.round_("avslutningsenkat")
    _login(client)
    thief = _copy(client)
    assert thief.get("/staff/mattillfallen").status_code == 200
    assert client.post("/logout").status_code == 302
    assert thief.get("/staff/mattillfallen").status_code == 302
    assert thief.get("/reports/avslutningsenkat.xlsx").status_code == 302
    assert client.get("/staff/mattillfallen").status_code == 302


def test_a_new_password_ends_every_other_session_at_once_and_keeps_this_one(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    _login(client)
    elsewhere = client.application.test_client()
    _login(elsewhere)
    copied = _copy(client)
    new = "ett nytt lösenord"
    changed = client.post("/konto", data={"action": "password", "pw-current_password": PASSWORD,
                                          "pw-new_password": new, "pw-repeat": new})
    assert changed.status_code == 302
    assert client.get("/staff/mattillfallen").status_code == 200
    assert elsewhere.get("/staff/mattillfallen").status_code == 302
    assert copied.get("/staff/mattillfallen").status_code == 302  # the old id of this browser too


def test_disabling_an_account_ends_its_sessions(client):
    account = factories.user("pl@example.org", "projektledning", password=PASSWORD)
    _login(client)
    assert _rows() == 1
    admin = client.application.test_client()
    factories.login(admin, factories.user("admin@example.org", "admin"))
    admin.post(f"/staff/anvandare/{account.id}/inaktivera")
    assert db.session.scalar(select(func.count()).select_from(StoredSession)
                             .where(StoredSession.account_id == account.id)) == 0
    assert client.get("/staff/mattillfallen").status_code == 302


def test_a_staff_session_ends_after_its_absolute_limit_even_when_used(app, client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    _login(client)
    row = db.session.scalar(select(StoredSession))
    assert timedelta(hours=9.9) < row.expires_at - utcnow() <= timedelta(hours=10)
    for _ in range(3):
        assert client.get("/staff/mattillfallen").status_code == 200
    # the end does not move with use
    assert db.session.scalar(select(StoredSession.expires_at)) == row.expires_at
    db.session.execute(update(StoredSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    expired = client.get("/staff/mattillfallen")
    assert expired.status_code == 302 and "expired=1" in expired.headers["Location"]
    assert _rows() == 0  # the ended row is gone


def test_the_staff_limit_is_configurable(app, client):
    app.config["STAFF_SESSION_HOURS"] = 2
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    _login(client)
    row = db.session.scalar(select(StoredSession))
    assert row.expires_at - utcnow() <= timedelta(hours=2)


def test_expired_rows_are_deleted_when_new_sessions_are_stored(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    _login(client)
    db.session.execute(update(StoredSession).values(expires_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    other = client.application.test_client()
    _login(other)
    assert _rows() == 1


def test_kiosk_pin_exit_ends_the_tablets_session(client):
    round_ = factories.round_("avslutningsenkat")
    account = factories.user("s@mariestad.example", "samordnare")
    set_pin(account, "2468")
    db.session.commit()
    mariestad = factories.organisation("Mariestad")
    factories.login(client, account)
    started = client.post("/kiosk/starta", data={"round": round_.id, "organisation": mariestad.id})
    assert started.status_code == 302
    copied = _copy(client)
    assert copied.get("/kiosk/").status_code == 200
    assert client.post("/kiosk/avsluta", data={"pin": "2468"}).status_code == 302
    assert copied.get("/kiosk/").status_code == 302
    assert copied.post("/kiosk/sv", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT}
                       ).status_code == 302
    assert client.get("/kiosk/").status_code == 302
