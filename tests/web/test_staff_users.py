"""Admin: adding, disabling and resetting staff accounts; the audit log."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Account, AuditEvent
from tests import factories


def _admin(client):
    factories.login(client, factories.user("admin@example.org", "admin"))


def _link(page) -> str:
    return re.search(r'<code class="secret-link">http://surveyapp\.test(/losenord/[^<]+)</code>',
                     page.text).group(1)


def test_admin_adds_a_samordnare_who_sets_a_password_and_logs_in(client):
    mariestad = factories.organisation("Mariestad")
    _admin(client)
    page = client.post("/staff/anvandare", data={"email": "ny@mariestad.se", "role": "samordnare",
                                                 "organisations": [mariestad.id]})
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    path = _link(page)
    account = db.session.scalar(select(Account).filter_by(email="ny@mariestad.se"))
    assert [o.name for o in account.organisations] == ["Mariestad"]
    assert path.split("/")[-1] not in account.reset_token_hash  # only the hash is kept
    event = db.session.scalar(select(AuditEvent).filter_by(action="user.add"))
    assert path.split("/")[-1] not in event.detail

    other = client.application.test_client()
    short = other.post(path, data={"new_password": "kort", "repeat": "kort"})
    assert short.status_code == 400 and "minst 10 tecken" in short.text
    assert other.post(path, data={"new_password": "ett bra lösenord", "repeat": "ett bra lösenord"}
                      ).status_code == 302
    assert other.post("/login", data={"email": "ny@mariestad.se", "password": "ett bra lösenord"}
                      ).status_code == 302
    assert "Kioskläge" in other.get("/staff/mattillfallen").text


def test_samordnare_without_organisation_is_refused(client):
    _admin(client)
    page = client.post("/staff/anvandare", data={"email": "ny@mariestad.se", "role": "samordnare"})
    assert page.status_code == 400
    assert "En samordnare måste höra till minst en organisation." in page.text
    bad = client.post("/staff/anvandare", data={"email": "inte en adress", "role": "admin"})
    assert bad.status_code == 400 and "Skriv en giltig e-postadress." in bad.text
    assert db.session.scalar(select(func.count()).select_from(Account)) == 1


def test_disable_enable_and_reset(client):
    account = factories.user("pl@example.org", "projektledning", password="gammalt lösenord")
    _admin(client)
    client.post(f"/staff/anvandare/{account.id}/inaktivera")
    assert account.active is False
    other = client.application.test_client()
    assert other.post("/login", data={"email": "pl@example.org", "password": "gammalt lösenord"}
                      ).status_code == 401
    client.post(f"/staff/anvandare/{account.id}/aktivera")
    reset = client.post(f"/staff/anvandare/{account.id}/aterstall")
    path = _link(reset)
    other.post(path, data={"new_password": "nytt lösenord!", "repeat": "nytt lösenord!"})
    assert other.post("/login", data={"email": "pl@example.org", "password": "nytt lösenord!"}
                      ).status_code == 302
    assert other.get(path).status_code == 404


def test_admin_cannot_disable_themself(client):
    _admin(client)
    me = db.session.scalar(select(Account))
    page = client.post(f"/staff/anvandare/{me.id}/inaktivera", follow_redirects=True)
    assert "Du kan inte inaktivera ditt eget konto." in page.text
    assert me.active is True


def test_audit_log_shows_logins_and_user_changes_to_admins(client):
    factories.user("pl@example.org", "projektledning", password="ett långt lösenord")
    client.post("/login", data={"email": "pl@example.org", "password": "fel fel fel"})
    _admin(client)
    client.post("/staff/anvandare", data={"email": "x@example.org", "role": "projektledning"})
    page = client.get("/staff/logg")
    assert "login.failed" in page.text and "user.add" in page.text and "x@example.org" in page.text
    only_logins = client.get("/staff/logg?action=login")
    assert "login.failed" in only_logins.text and "user.add" not in only_logins.text
