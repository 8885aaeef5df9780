"""Admin: adding, disabling and resetting staff accounts; the audit log."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Account, AuditEvent, Organisation
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
    assert "Misslyckad inloggning" in page.text and "Användare tillagd" in page.text
    assert "x@example.org" in page.text
    assert "login.failed" not in page.text and "user.add" not in page.text  # words, not event codes
    only_logins = client.get("/staff/logg?action=login")
    assert "Misslyckad inloggning" in only_logins.text and "Användare tillagd" not in only_logins.text


def test_audit_log_says_how_many_answers_a_kiosk_took_and_filters_kiosk_events(client):
    from surveyapp.services.audit import record_audit

    record_audit(None, "kiosk.end", "1")
    record_audit(None, "organisation.add", "Karlsborg")
    db.session.commit()
    _admin(client)
    page = client.get("/staff/logg?action=kiosk")
    assert "Kioskläge avslutat" in page.text and "1 svar under kioskläget" in page.text
    assert "Organisation tillagd" not in page.text


def test_admin_adds_an_organisation_and_a_name_twice_is_refused(client):
    factories.organisation("Mariestad")
    _admin(client)
    page = client.get("/staff/organisationer")
    assert page.status_code == 200 and "Mariestad" in page.text
    added = client.post("/staff/organisationer", data={"name": "  Karlsborg ", "kind": "kommun"})
    assert added.status_code == 302
    assert "Karlsborg är tillagd." in client.get(added.headers["Location"]).text
    twice = client.post("/staff/organisationer", data={"name": "mariestad", "kind": "kommun"})
    assert twice.status_code == 400
    assert "Det finns redan en organisation som heter Mariestad." in twice.text
    for blank in ("", "   "):
        empty = client.post("/staff/organisationer", data={"name": blank, "kind": "region"})
        assert empty.status_code == 400 and "Skriv organisationens namn" in empty.text
    too_long = client.post("/staff/organisationer", data={"name": "X" * 201, "kind": "kommun"})
    assert too_long.status_code == 400
    bad_kind = client.post("/staff/organisationer", data={"name": "Okänd", "kind": "stad"})
    assert bad_kind.status_code == 400
    assert client.post("/staff/organisationer", data={"name": "Åmål", "kind": "kommun"}).status_code == 302
    upper = client.post("/staff/organisationer", data={"name": "ÅMÅL", "kind": "kommun"})
    assert upper.status_code == 400 and "Det finns redan en organisation som heter Åmål." in upper.text
    names = db.session.scalars(select(Organisation.name).order_by(Organisation.name)).all()
    assert sorted(names) == ["Karlsborg", "Mariestad", "Åmål"]
    assert db.session.scalar(select(AuditEvent.detail).filter_by(action="organisation.add")) == (
        "Karlsborg (kommun)"
    )


def test_admin_changes_the_organisations_of_a_samordnare(client):
    mariestad, skovde = factories.organisation("Mariestad"), factories.organisation("Skövde")
    account = factories.user("s@example.org", "samordnare", organisations=["Mariestad"])
    _admin(client)
    form = client.get(f"/staff/anvandare/{account.id}/organisationer")
    assert form.status_code == 200
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', form.text)
    assert [box for box in boxes if "checked" in box] == [
        box for box in boxes if f'value="{mariestad.id}"' in box
    ]
    assert len(boxes) == 2

    saved = client.post(f"/staff/anvandare/{account.id}/organisationer", data={"organisations": [skovde.id]})
    assert saved.status_code == 302
    assert [o.name for o in account.organisations] == ["Skövde"]
    assert db.session.scalar(select(AuditEvent.detail).filter_by(action="user.organisations")) == (
        "s@example.org: Skövde"
    )
    # the samordnare now sees Skövde's participants and no longer Mariestad's
    samordnare = client.application.test_client()
    factories.login(samordnare, account)
    page = samordnare.get("/staff/deltagare").text
    assert "Skövde" in page and "Mariestad" not in page

    none = client.post(f"/staff/anvandare/{account.id}/organisationer", data={})
    assert none.status_code == 400
    assert "En samordnare måste höra till minst en organisation." in none.text
    assert [o.name for o in account.organisations] == ["Skövde"]


def test_only_a_samordnare_has_organisations_to_change(client):
    account = factories.user("pl@example.org", "projektledning")
    _admin(client)
    assert client.get(f"/staff/anvandare/{account.id}/organisationer").status_code == 404
    assert client.get("/staff/anvandare/9999/organisationer").status_code == 404


def test_reset_ends_the_old_password_and_every_login_at_once(client):
    account = factories.user("pl@example.org", "projektledning", password="gammalt lösenord")
    elsewhere = client.application.test_client()
    assert elsewhere.post("/login", data={"email": "pl@example.org", "password": "gammalt lösenord"}
                          ).status_code == 302
    assert elsewhere.get("/staff/mattillfallen").status_code == 200
    _admin(client)
    reset = client.post(f"/staff/anvandare/{account.id}/aterstall")
    assert "Det gamla lösenordet fungerar inte längre" in reset.text
    # before the link is used: the open login has ended and the old password is refused
    assert elsewhere.get("/staff/mattillfallen").status_code == 302
    third = client.application.test_client()
    assert third.post("/login", data={"email": "pl@example.org", "password": "gammalt lösenord"}
                      ).status_code == 401
    path = _link(reset)
    third.post(path, data={"new_password": "nytt lösenord!", "repeat": "nytt lösenord!"})
    assert third.post("/login", data={"email": "pl@example.org", "password": "nytt lösenord!"}
                      ).status_code == 302


def test_admin_cannot_reset_their_own_account_from_the_list(client):
    _admin(client)
    me = db.session.scalar(select(Account))
    page = client.post(f"/staff/anvandare/{me.id}/aterstall", follow_redirects=True)
    assert "Ditt eget lösenord byter du under Mitt konto." in page.text
    assert client.get("/staff/anvandare").status_code == 200
