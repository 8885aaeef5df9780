"""Logging in and out, sessions, throttling, and the access rules of web/access.py."""

from __future__ import annotations

import time

from flask import Blueprint
from sqlalchemy import select

from surveyapp.app import trust_proxies
from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from surveyapp.web.access import (
    check_organisation,
    require_roles,
    visible_organisation_ids,
)
from tests import factories

PASSWORD = "ett långt lösenord"


def _login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_login_with_right_password_opens_staff_pages_and_is_logged(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    result = _login(client, "PL@example.org ")
    assert result.status_code == 302
    assert result.headers["Location"].endswith("/staff/")
    page = client.get("/staff/mattillfallen")
    assert page.status_code == 200
    assert "pl@example.org" in page.text
    assert _actions() == ["login"]


def test_wrong_password_is_refused_with_a_clear_message_and_logged(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    result = _login(client, "pl@example.org", "fel lösenord!!")
    assert result.status_code == 401
    assert "Fel e-post eller lösenord." in result.text
    assert client.get("/staff/mattillfallen").status_code == 302
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.actor, event.actor_id) == ("login.failed", "pl@example.org", None)


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client):
    result = _login(client, "nobody@example.org")
    assert result.status_code == 401
    assert "Fel e-post eller lösenord." in result.text


def _age_failures(seconds: int) -> None:
    """As if the failures so far had happened ``seconds`` earlier."""
    from datetime import timedelta

    from surveyapp.models import FailedAttempt

    for attempt in db.session.scalars(select(FailedAttempt)):
        attempt.at -= timedelta(seconds=seconds)
    db.session.commit()


def test_failed_logins_slow_down_this_address_with_growing_delays(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    for _ in range(3):
        assert _login(client, "pl@example.org", "wrong password").status_code == 401
    blocked = _login(client, "pl@example.org")  # even the right password waits here
    assert blocked.status_code == 429
    assert "Vänta 5 sekunder" in blocked.text
    assert _actions()[-1] == "login.throttled"
    _age_failures(6)
    assert _login(client, "pl@example.org", "wrong password").status_code == 401
    assert "Vänta 10 sekunder" in _login(client, "pl@example.org").text  # the delay doubles
    _age_failures(11)
    assert _login(client, "pl@example.org").status_code == 302


def test_someone_elses_failures_do_not_lock_the_user_out(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    attacker = client.application.test_client()
    for _ in range(10):
        attacker.post("/login", data={"email": "pl@example.org", "password": "wrong password"},
                      environ_base={"REMOTE_ADDR": "198.51.100.66"})
    assert attacker.post("/login", data={"email": "pl@example.org", "password": PASSWORD},
                         environ_base={"REMOTE_ADDR": "198.51.100.66"}).status_code == 429
    # the real user, at their own computer, logs in at once
    assert client.post("/login", data={"email": "pl@example.org", "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 302


def test_logins_are_throttled_per_address(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    for i in range(20):
        _login(client, f"guess{i}@example.org", "wrong password")
    assert _login(client, "pl@example.org").status_code == 429


def _fail_from(client, address: str, times: int = 1):
    for i in range(times):
        client.post("/login", data={"email": f"guess{i}@example.org", "password": "wrong password"},
                    headers={"X-Forwarded-For": address})
    return client.post("/login", data={"email": "pl@example.org", "password": PASSWORD},
                       headers={"X-Forwarded-For": address})


def test_behind_a_proxy_failed_logins_count_per_forwarded_address(app, client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    app.config["PROXIES"] = 1
    trust_proxies(app)
    assert _fail_from(client, "198.51.100.7", times=20).status_code == 429
    assert _fail_from(client, "198.51.100.8").status_code == 302  # another client behind the proxy


def test_without_a_proxy_a_forwarded_address_is_not_believed(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    for i in range(20):
        client.post("/login", data={"email": f"guess{i}@example.org", "password": "wrong password"},
                    headers={"X-Forwarded-For": f"198.51.100.{i}"})
    assert _fail_from(client, "203.0.113.1", times=0).status_code == 429


def test_disabled_account_cannot_log_in_and_its_session_ends(client):
    account = factories.user("pl@example.org", "projektledning", password=PASSWORD)
    factories.login(client, account)
    assert client.get("/staff/mattillfallen").status_code == 200
    account.active = False
    db.session.commit()
    assert client.get("/staff/mattillfallen").status_code == 302
    assert _login(client, "pl@example.org").status_code == 401


def test_logout_ends_the_session(client):
    account = factories.user("pl@example.org", "projektledning")
    factories.login(client, account)
    assert client.post("/logout").status_code == 302
    assert client.get("/staff/mattillfallen").status_code == 302


def test_session_expires_after_inactivity_but_keeps_other_session_data(app, client):
    account = factories.user("pl@example.org", "projektledning")
    factories.login(client, account)
    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - app.config["STAFF_IDLE_MINUTES"] * 60 - 5
        session["kiosk"] = {"round": 1}
    result = client.get("/staff/mattillfallen")
    assert result.status_code == 302
    assert "/login" in result.headers["Location"] and "expired=1" in result.headers["Location"]
    assert "Du var inaktiv en stund och har loggats ut." in client.get(result.headers["Location"]).text
    with client.session_transaction() as session:
        assert "_user_id" not in session
        assert session["kiosk"] == {"round": 1}


def test_login_redirects_only_to_paths_on_this_site(client):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    result = client.post("/login", data={"email": "pl@example.org", "password": PASSWORD,
                                         "next": "https://evil.example/"})
    assert result.headers["Location"].endswith("/staff/")


def test_anonymous_user_is_sent_to_login_with_the_page_to_return_to(client):
    result = client.get("/staff/mattillfallen")
    assert result.status_code == 302
    assert "/login?next=" in result.headers["Location"]


NEW = {"pw-new_password": "ett nytt lösenord", "pw-repeat": "ett nytt lösenord"}


def test_change_own_password(client):
    account = factories.user("pl@example.org", "projektledning", password=PASSWORD)
    factories.login(client, account)
    refused = client.post("/konto", data={"action": "password", "pw-current_password": "not it at all",
                                          **NEW})
    assert refused.status_code == 400
    assert "Fel lösenord." in refused.text
    short = client.post("/konto", data={"action": "password", "pw-current_password": PASSWORD,
                                        "pw-new_password": "kort", "pw-repeat": "kort"})
    assert "minst 10 tecken" in short.text
    done = client.post("/konto", data={"action": "password", "pw-current_password": PASSWORD, **NEW})
    assert done.status_code == 302
    assert client.get("/konto").status_code == 200  # the login that changed it goes on
    client.post("/logout")
    assert _login(client, "pl@example.org").status_code == 401
    assert _login(client, "pl@example.org", "ett nytt lösenord").status_code == 302


def test_a_new_password_ends_logins_elsewhere(app):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    office, copied = app.test_client(), app.test_client()
    assert _login(office, "pl@example.org").status_code == 302
    with office.session_transaction() as session:
        cookie = dict(session)
    with copied.session_transaction() as session:
        session.update(cookie)
    assert copied.get("/staff/mattillfallen").status_code == 200
    done = office.post("/konto", data={"action": "password", "pw-current_password": PASSWORD, **NEW})
    assert done.status_code == 302
    assert office.get("/staff/mattillfallen").status_code == 200
    assert copied.get("/staff/mattillfallen").status_code == 302


def test_visible_organisations_per_role(app):
    mariestad = factories.organisation("Mariestad")
    skovde = factories.organisation("Skövde")
    samordnare = factories.user("s@example.org", "samordnare", organisations=["Mariestad"])
    pl = factories.user("pl@example.org", "projektledning")
    client = app.test_client()
    seen = {}
    bp = Blueprint("probe", __name__)
    bp.before_request(require_roles("samordnare", "projektledning"))

    @bp.get("/probe/<int:org_id>")
    def probe(org_id):
        seen["visible"] = visible_organisation_ids()
        check_organisation(org_id)
        return "ok"

    app.register_blueprint(bp)
    assert client.get(f"/probe/{mariestad.id}").status_code == 302
    factories.login(client, samordnare)
    assert client.get(f"/probe/{mariestad.id}").status_code == 200
    assert seen["visible"] == {mariestad.id}
    assert client.get(f"/probe/{skovde.id}").status_code == 404
    factories.login(client, pl)
    assert client.get(f"/probe/{skovde.id}").status_code == 200
    assert seen["visible"] is None
    admin = factories.user("admin@example.org", "admin")
    factories.login(client, admin)
    assert client.get(f"/probe/{skovde.id}").status_code == 403


def test_a_staff_member_chooses_the_language_of_the_staff_pages(client):
    account = factories.user("pl@example.org", "projektledning")
    factories.login(client, account)
    swedish_browser = {"Accept-Language": "sv-SE"}
    assert "Mättillfällen" in client.get("/staff/mattillfallen", headers=swedish_browser).text

    saved = client.post("/konto", data={"action": "language", "lang-language": "en"}, headers=swedish_browser)
    assert saved.status_code == 302
    assert account.language == "en"
    page = client.get(saved.headers["Location"], headers=swedish_browser)
    assert "The language has been saved." in page.text
    assert '<html lang="en"' in page.text
    assert "Measurement rounds" in client.get("/staff/mattillfallen", headers=swedish_browser).text
    # participants' pages still follow the participant's choice
    link = factories.link()
    assert '<html lang="ar"' in client.get(f"/s/{link.token}/ar", headers=swedish_browser).text

    client.post("/konto", data={"action": "language", "lang-language": ""}, headers=swedish_browser)
    assert account.language is None
    assert "Mättillfällen" in client.get("/staff/mattillfallen", headers=swedish_browser).text
    bad = client.post("/konto", data={"action": "language", "lang-language": "de"}, headers=swedish_browser)
    assert bad.status_code == 400 and account.language is None
