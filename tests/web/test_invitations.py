"""Single-use invitation links: made in a batch, answered once, counted without telling who."""

from __future__ import annotations

import base64
import re
import socket
import threading
import uuid
from email import message_from_bytes
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.i18n import available_languages
from surveyapp.models import AuditEvent, Invitation, Response
from surveyapp.services.invitations import create_invitations, digest
from tests import factories

SAMVERKAN = {
    "samverkan_forsorjningsstod_vard": "4",
    "samverkan_ame_vard": "3",
    "samverkan_ame_fk": "vet_ej",
    "samverkan_ame_af": "5",
    "forbattra_samverkan": "Fler gemensamma möten.",
}


def _samverkan_round():
    round_ = factories.round_("samverkan")
    factories.organisation("Mariestad")
    return round_


def _issue(client, round_, count=3, role="kommunchef", org="Mariestad"):
    organisation = factories.organisation(org)
    page = client.post(f"/staff/mattillfallen/{round_.id}/inbjudningar",
                       data={"organisation": organisation.id, "role": role, "count": count})
    assert page.status_code == 200, page.text[:500]
    return page, re.findall(r"<code>(http://surveyapp\.test/i/[^<]+)</code>", page.text)


def test_batch_shows_links_once_with_csv_and_qr_and_stores_only_hashes(client):
    round_ = _samverkan_round()
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    page, links = _issue(client, round_, 3)
    assert len(links) == 3
    assert page.headers["Cache-Control"] == "no-store"
    assert page.text.count('class="qr"') == 3
    tokens = [link.rsplit("/", 1)[1] for link in links]
    assert all(len(base64.urlsafe_b64decode(t + "==")) >= 16 for t in tokens)  # ≥ 128 bits
    stored = db.session.scalars(select(Invitation)).all()
    assert {i.token_hash for i in stored} == {digest(t) for t in tokens}
    assert not any(t in i.token_hash for t in tokens for i in stored)

    csv_uri = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page.text).group(1)
    csv_text = base64.b64decode(unquote(csv_uri)).decode("utf-8-sig")
    rows = csv_text.strip().splitlines()
    assert rows[0] == "organisation,roll,länk"
    assert sorted(r.split(",")[2] for r in rows[1:]) == sorted(links)
    assert all(r.startswith("Mariestad,kommunchef,") for r in rows[1:])


def test_invitation_link_answers_once_then_says_already_answered(client):
    round_ = _samverkan_round()
    issued = create_invitations(round_, factories.organisation("Mariestad"), "kommunchef", 1)[0]
    db.session.commit()
    token = issued.token
    assert "Svenska" in client.get(f"/i/{token}").text
    form = client.get(f"/i/{token}/sv")
    assert form.status_code == 200 and 'name="role"' not in form.text
    result = client.post(f"/i/{token}/sv", data={"response_uuid": str(uuid.uuid4()), **SAMVERKAN})
    assert result.status_code == 302 and result.headers["Location"].endswith(f"/i/{token}/sv/tack")
    assert "Tack för dina svar!" in client.get(result.headers["Location"]).text

    response = db.session.scalar(select(Response))
    assert (response.role, response.organisation.name) == ("kommunchef", "Mariestad")
    assert response.channel == "self"
    again = client.get(f"/i/{token}")
    assert again.status_code == 410 and "Du har redan svarat" in again.text
    second = client.post(f"/i/{token}/sv", data={"response_uuid": str(uuid.uuid4()), **SAMVERKAN})
    assert second.status_code == 410 and "Du har redan svarat" in second.text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_used_mark_and_response_have_nothing_in_common(app):
    columns = {c.name for c in Invitation.__table__.columns}
    assert columns == {"id", "token_hash", "round_id", "organisation_id", "role", "created_at",
                       "emailed", "used"}
    assert not any(fk.column.table.name == "responses" for fk in Invitation.__table__.foreign_keys)
    assert not any(fk.column.table.name == "invitations" for fk in Response.__table__.foreign_keys)


def test_invalid_answers_leave_the_link_unused(client):
    round_ = _samverkan_round()
    issued = create_invitations(round_, factories.organisation("Mariestad"), "kommunchef", 1)[0]
    db.session.commit()
    bad = client.post(f"/i/{issued.token}/sv", data={"response_uuid": str(uuid.uuid4())})
    assert bad.status_code == 302 and "utkast=" in bad.location
    assert "Svara på frågan." in client.get(bad.location).text
    db.session.refresh(issued.invitation)
    assert issued.invitation.used is False


def test_unknown_and_closed_links(client):
    round_ = _samverkan_round()
    issued = create_invitations(round_, factories.organisation("Mariestad"), None, 1)[0]
    db.session.commit()
    assert client.get("/i/not-a-token").status_code == 404
    round_.close()
    db.session.commit()
    assert client.get(f"/i/{issued.token}").status_code == 410


def test_invitation_rates_show_used_of_sent_on_the_round_page(client):
    round_ = _samverkan_round()
    issued = create_invitations(round_, factories.organisation("Mariestad"), "kommunchef", 4)
    db.session.commit()
    posted = client.post(f"/i/{issued[0].token}/sv", data={"response_uuid": str(uuid.uuid4()), **SAMVERKAN})
    assert posted.status_code == 302
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    page = client.get(f"/staff/mattillfallen/{round_.id}")
    assert "1 / 4" in page.text


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.messages = []
            self.quit_reply = "221 Bye"

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
            if address.startswith("okand"):
                return "550 5.1.1 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_QUIT(self, server, session, envelope):  # noqa: N802
            return self.quit_reply

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, port
    controller.stop()


def _email(app, client, port: int, emails: str):
    """Pastes ``emails`` into the invitation form of a samverkan round, SMTP on ``port``."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="enkat@example.org")
    round_ = _samverkan_round()
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    organisation = factories.organisation("Mariestad")
    return client.post(f"/staff/mattillfallen/{round_.id}/inbjudningar", data={
        "organisation": organisation.id, "role": "region", "emails": emails})


def _tokens(sink) -> set[str]:
    bodies = [m.get_payload(decode=True).decode() for _, m in sink.messages]
    return {re.search(r"http://surveyapp\.test/i/(\S+)", b).group(1) for b in bodies}


def test_invitations_are_emailed_when_smtp_is_configured(app, client, smtp_sink):
    sink, port = smtp_sink
    result = _email(app, client, port, "a@example.org\nb@example.org")
    assert result.status_code == 302
    assert sorted(r[0][0] for r in sink.messages) == ["a@example.org", "b@example.org"]
    tokens = _tokens(sink)
    assert len(tokens) == 2
    stored = db.session.scalars(select(Invitation)).all()
    assert {i.token_hash for i in stored} == {digest(t) for t in tokens}
    assert all(i.emailed for i in stored)
    assert "a@example.org" not in str([(i.token_hash, i.role) for i in stored])


def test_an_address_the_mail_server_refuses_gets_no_link_and_is_named(app, client, smtp_sink):
    sink, port = smtp_sink
    result = _email(app, client, port, "a@example.org\nokand@example.org\nb@example.org")
    page = client.get(result.headers["Location"])
    assert sorted(r[0][0] for r in sink.messages) == ["a@example.org", "b@example.org"]
    assert "2 inbjudningar är skickade med e-post." in page.text
    assert "okand@example.org (550 5.1.1 No such user)" in page.text
    # the two links that arrived work; none was kept for the refused address
    stored = {i.token_hash for i in db.session.scalars(select(Invitation))}
    assert stored == {digest(t) for t in _tokens(sink)}
    event = db.session.scalar(select(AuditEvent).filter_by(action="invitations.email"))
    assert event.detail.endswith("– 2")


def test_a_server_that_says_goodbye_badly_still_took_the_messages(app, client, smtp_sink):
    sink, port = smtp_sink
    sink.quit_reply = "451 Local error"
    result = _email(app, client, port, "a@example.org\nb@example.org")
    assert "2 inbjudningar är skickade med e-post." in client.get(result.headers["Location"]).text
    assert len(sink.messages) == 2
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 2


def test_no_mail_server_creates_nothing(app, client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    result = _email(app, client, closed_port, "a@example.org")
    page = client.get(result.headers["Location"])
    assert "E-posten kunde inte skickas (ConnectionRefusedError). Inga inbjudningar skapades." in page.text
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_bad_email_address_creates_nothing(app, client, smtp_sink):
    sink, port = smtp_sink
    _email(app, client, port, "a@example.org\nnot an address")
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert sink.messages == []


def test_simultaneous_submits_through_one_link_store_one_response(committed_postgres):
    app = committed_postgres
    with app.app_context():
        round_ = _samverkan_round()
        token = create_invitations(round_, factories.organisation("Mariestad"), "kommunchef", 1)[0].token
        db.session.commit()
        db.session.remove()

    attempts = 8
    barrier = threading.Barrier(attempts)
    statuses = []

    def submit():
        client = app.test_client()
        body = {"response_uuid": str(uuid.uuid4()), **SAMVERKAN}
        barrier.wait()
        statuses.append(client.post(f"/i/{token}/sv", data=body).status_code)

    threads = [threading.Thread(target=submit) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(Invitation.used)) is True
        db.session.remove()
        db.engine.dispose()
    assert sorted(statuses) == [302] + [410] * (attempts - 1)


def test_sending_the_same_invitation_form_twice_makes_one_batch(client):
    round_ = _samverkan_round()
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    organisation = factories.organisation("Mariestad")
    page = client.get(f"/staff/mattillfallen/{round_.id}").text
    batch = re.search(r'name="batch" type="hidden" value="([0-9a-f]+)"', page).group(1)
    form = {"organisation": organisation.id, "role": "region", "count": "5", "batch": batch}
    first = client.post(f"/staff/mattillfallen/{round_.id}/inbjudningar", data=form)
    assert first.status_code == 200 and first.text.count("/i/") >= 5
    again = client.post(f"/staff/mattillfallen/{round_.id}/inbjudningar", data=form)  # a reload
    assert again.status_code == 302
    assert "redan skapade" in client.get(again.headers["Location"]).text
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 5
    # a new form (a new batch) makes new links
    fresh = re.search(r'name="batch" type="hidden" value="([0-9a-f]+)"',
                      client.get(f"/staff/mattillfallen/{round_.id}").text).group(1)
    assert fresh != batch
    client.post(f"/staff/mattillfallen/{round_.id}/inbjudningar", data={**form, "batch": fresh})
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 10


def test_an_organisation_name_that_looks_like_a_formula_is_text_in_the_csv(client):
    import csv
    import io

    round_ = _samverkan_round()
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    name = '=HYPERLINK("http://example.org","x")'
    page, links = _issue(client, round_, 1, org=name)
    csv_uri = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page.text).group(1)
    rows = list(csv.reader(io.StringIO(base64.b64decode(unquote(csv_uri)).decode("utf-8-sig"))))
    assert rows[1][0] == "'" + name
    assert rows[1][2] == links[0]


def test_invitation_pages_turning_away_follow_the_browsers_language_else_swedish_with_english(client):
    round_ = _samverkan_round()
    issued = create_invitations(round_, factories.organisation("Mariestad"), "kommunchef", 1)[0]
    db.session.commit()
    arabic = client.get("/i/not-a-token", headers={"Accept-Language": "ar-SE,ar;q=0.9"})
    assert arabic.status_code == 404
    assert '<html lang="ar" dir="rtl">' in arabic.text
    assert "الرابط غير موجود. تأكّد أنك كتبته بشكل صحيح." in arabic.text
    assert "Länken finns inte" not in arabic.text
    german = client.get("/i/not-a-token", headers={"Accept-Language": "de"})
    assert german.status_code == 404 and '<html lang="sv"' in german.text
    assert "Länken finns inte. Kontrollera att du har skrivit av den rätt." in german.text
    assert '<div lang="en" dir="ltr">' in german.text
    assert "The link does not exist. Check that you copied it correctly." in german.text
    # one h1: the English beside the Swedish is a section under it
    assert german.text.count("<h1") == 1 and "<h2>The link does not exist." in german.text

    client.post(f"/i/{issued.token}/sv", data={"response_uuid": str(uuid.uuid4()), **SAMVERKAN})
    english = client.get(f"/i/{issued.token}", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert english.status_code == 410 and '<html lang="en"' in english.text
    assert "You have already answered" in english.text and "Du har redan svarat" not in english.text
    offered = available_languages("samverkan")
    unoffered = next(code for code in ("ti", "so", "ar", "fa", "uk") if code not in offered)
    other = client.get(f"/i/{issued.token}", headers={"Accept-Language": unoffered})
    assert other.status_code == 410 and '<html lang="sv"' in other.text
    assert "Du har redan svarat" in other.text and "You have already answered" in other.text
    assert other.text.count("<h1") == 1 and "<h2>You have already answered</h2>" in other.text
    swedish = client.get(f"/i/{issued.token}", headers={"Accept-Language": "sv"})
    assert "Du har redan svarat" in swedish.text and "You have already answered" not in swedish.text

    round_.close()
    db.session.commit()
    closed = client.get(f"/i/{issued.token}", headers={"Accept-Language": "en"})
    assert closed.status_code == 410 and "The survey is closed" in closed.text
