"""Kiosk mode on a tablet: started by a samordnare, answered by one participant after another."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, KioskTally, Response
from surveyapp.services.accounts import set_pin
from tests import factories
from tests.factories import AVSLUTNINGSENKAT


def _samordnare(pin: str | None = "2468", organisations=("Mariestad",)):
    account = factories.user("s@mariestad.example", "samordnare", organisations=list(organisations))
    if pin:
        set_pin(account, pin)
        db.session.commit()
    return account


def _start(client, round_, organisation, assisted=False):
    data = {"round": round_.id, "organisation": organisation.id}
    if assisted:
        data["assisted"] = "y"
    return client.post("/kiosk/starta", data=data)


def _answer(client, data=AVSLUTNINGSENKAT):
    return client.post("/kiosk/sv", data={"response_uuid": str(uuid.uuid4()), **data})


def test_samordnare_starts_kiosk_and_two_participants_answer_in_a_row(client):
    round_ = factories.round_("avslutningsenkat")
    account = _samordnare()
    mariestad = factories.organisation("Mariestad")
    factories.login(client, account)
    started = _start(client, round_, mariestad)
    assert started.status_code == 302
    assert started.headers["Location"].endswith("/kiosk/")

    # the tablet no longer has a staff login: staff pages ask for one
    assert client.get("/staff/mattillfallen").status_code == 302
    picker = client.get("/kiosk/")
    assert picker.status_code == 200
    assert "Svenska" in picker.text
    assert "Mättillfällen" not in picker.text  # no staff navigation
    assert picker.headers["Cache-Control"] == "no-store"

    for _ in range(2):
        form = client.get("/kiosk/sv")
        assert form.headers["Cache-Control"] == "no-store"
        assert 'autocomplete="off"' in form.text
        assert "Bra stöd hela vägen." not in form.text
        result = _answer(client)
        assert result.status_code == 302 and result.headers["Location"].endswith("/kiosk/tack")
        thanks = client.get("/kiosk/tack")
        assert "Nästa deltagare" in thanks.text

    responses = db.session.scalars(select(Response)).all()
    assert [(r.channel, r.organisation.name) for r in responses] == [("self", "Mariestad")] * 2
    tally = db.session.scalar(select(KioskTally))
    assert (tally.answers, tally.day) == (2, date.today())


def test_thanks_page_speaks_the_language_the_participant_answered_in(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    result = client.post("/kiosk/en", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT})
    assert result.headers["Location"].endswith("/kiosk/tack")
    thanks = client.get("/kiosk/tack")
    assert "Next participant" in thanks.text
    assert "Nästa deltagare" not in thanks.text
    assert db.session.scalar(select(Response.language)) == "en"


def test_staff_assisted_switch_records_assisted(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"), assisted=True)
    assert "Med stöd av personal eller tolk" in client.get("/kiosk/sv").text
    _answer(client)
    client.post("/kiosk/stod", data={"assisted": "0"})
    _answer(client)
    channels = db.session.scalars(select(Response.channel).order_by(Response.id)).all()
    assert channels == ["assisted", "self"]


def test_bad_answers_in_kiosk_mode_store_nothing(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    result = _answer(client, {"kon": "kvinna"})
    assert result.status_code == 302 and "utkast=" in result.location
    assert "Svara på frågan." in client.get(result.location).text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(KioskTally)) == 0


def test_kiosk_ends_only_with_the_samordnares_pin(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    wrong = client.post("/kiosk/avsluta", data={"pin": "1111"})
    assert wrong.status_code == 401
    assert "Fel PIN-kod." in wrong.text
    assert client.get("/kiosk/").status_code == 200
    right = client.post("/kiosk/avsluta", data={"pin": "2468"})
    assert right.status_code == 302 and "/login" in right.headers["Location"]
    assert client.get("/kiosk/").status_code == 302
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["kiosk.start", "kiosk.end"]


def test_wrong_pins_are_throttled(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    for _ in range(5):
        client.post("/kiosk/avsluta", data={"pin": "0000"})
    assert client.post("/kiosk/avsluta", data={"pin": "2468"}).status_code == 429


def test_kiosk_keeps_working_when_the_staff_session_would_have_expired(app, client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - 24 * 3600
    assert client.get("/kiosk/sv").status_code == 200
    assert _answer(client).status_code == 302


def test_starting_needs_a_pin_first(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare(pin=None))
    result = _start(client, round_, factories.organisation("Mariestad"))
    assert "/konto" in result.headers["Location"]
    assert client.get("/kiosk/").status_code == 302


def test_samordnare_cannot_start_a_kiosk_for_another_kommun(client):
    round_ = factories.round_("avslutningsenkat")
    skovde = factories.organisation("Skövde")
    factories.login(client, _samordnare())
    assert _start(client, round_, skovde).status_code == 400  # not among the choices
    assert client.get("/kiosk/").status_code == 302


def test_closed_round_stops_the_kiosk_with_a_clear_page(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    round_.close()
    db.session.commit()
    page = client.get("/kiosk/sv")
    assert page.status_code == 410
    assert "Enkäten är stängd" in page.text


def test_disabled_samordnare_ends_the_kiosk(client):
    round_ = factories.round_("avslutningsenkat")
    account = _samordnare()
    factories.login(client, account)
    _start(client, round_, factories.organisation("Mariestad"))
    account.active = False
    db.session.commit()
    assert client.get("/kiosk/").status_code == 302


# ---- tickets of queued answers live as long as their kiosk --------------------------------


def _ticket(client) -> str:
    page = client.get("/kiosk/sv", headers={"X-Surveyapp-Offline-Copy": "1"})
    match = re.search(r'name="ticket"[^>]*value="([^"]*)"', page.text)
    assert match, "no ticket in the kiosk's form"
    return match.group(1)


def _queue(client, ticket: str, given_at: float | None = None, **extra):
    data = {"ticket": ticket, "response_uuid": str(uuid.uuid4()), "turn": "offline",
            **AVSLUTNINGSENKAT, **extra}
    if given_at is not None:
        data["given_at"] = str(int(given_at * 1000))
    return client.post("/s/-/ko", data=data)


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_an_ended_kiosks_ticket_replayed_from_another_client_stores_nothing(app, client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    ticket = _ticket(client)
    assert client.post("/kiosk/avsluta", data={"pin": "2468"}).status_code == 302
    stranger = app.test_client()
    for _ in range(40):
        replay = _queue(stranger, ticket, given_at=time.time())
        assert replay.status_code == 410 and replay.json == {"status": "refused", "reason": "ended"}
    assert _queue(stranger, ticket).status_code == 410  # no time given: as after the end
    assert _stored() == 0
    assert db.session.scalar(select(func.count()).select_from(KioskTally)) == 0


def test_answers_given_before_the_kiosk_ended_are_stored_after_its_end(app, client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    ticket = _ticket(client)
    given = time.time() - 60
    client.post("/kiosk/avsluta", data={"pin": "2468"})
    stored = _queue(app.test_client(), ticket, given_at=given)
    assert stored.status_code == 200 and stored.json == {"status": "stored"}
    assert _stored() == 1


def test_a_running_kiosks_ticket_takes_queued_answers(app, client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    assert _queue(app.test_client(), _ticket(client)).json == {"status": "stored"}
    assert _stored() == 1


def test_a_new_kiosk_on_the_tablet_ends_the_old_kiosks_tickets(app, client):
    round_ = factories.round_("avslutningsenkat")
    account = _samordnare()
    mariestad = factories.organisation("Mariestad")
    factories.login(client, account)
    _start(client, round_, mariestad)
    old = _ticket(client)
    factories.login(client, account)  # the samordnare logs in on the tablet again
    _start(client, round_, mariestad)
    assert _queue(app.test_client(), old, given_at=time.time()).status_code == 410
    assert _queue(app.test_client(), _ticket(client), given_at=time.time()).status_code == 200
    assert _stored() == 1


def test_a_new_password_elsewhere_ends_the_samordnares_kiosks(app, client):
    from surveyapp.services.accounts import set_password

    round_ = factories.round_("avslutningsenkat")
    account = _samordnare()
    factories.login(client, account)
    _start(client, round_, factories.organisation("Mariestad"))
    ticket = _ticket(client)
    set_password(account, "ett-helt-nytt-lösenord")
    db.session.commit()
    assert client.get("/kiosk/").status_code == 302  # the tablet goes to the login page
    assert _queue(app.test_client(), ticket, given_at=time.time()).status_code == 410
    assert _stored() == 0


def test_queued_kiosk_answers_are_rate_limited_like_open_links(app, client):
    app.config["OPEN_LINK_POSTS_PER_HOUR"] = 3
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    ticket = _ticket(client)
    stranger = app.test_client()
    statuses = [_queue(stranger, ticket).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert _stored() == 3


def test_pin_lockout_does_not_keep_the_samordnare_out_their_login_ends_the_kiosk(app, client):
    round_ = factories.round_("avslutningsenkat")
    account = factories.user("s@mariestad.example", "samordnare", organisations=["Mariestad"],
                             password="samordnare-lösen")
    set_pin(account, "2468")
    db.session.commit()
    factories.login(client, account)
    _start(client, round_, factories.organisation("Mariestad"))
    ticket = _ticket(client)
    for _ in range(5):
        client.post("/kiosk/avsluta", data={"pin": "0000"})
    locked = client.post("/kiosk/avsluta", data={"pin": "2468"})
    assert locked.status_code == 429
    assert "Logga in med ditt lösenord" in locked.text
    login = client.post("/login", data={"email": "s@mariestad.example", "password": "samordnare-lösen"})
    assert login.status_code == 302 and "/staff" in login.location
    assert client.get("/kiosk/").status_code == 302  # the kiosk has ended with the login
    assert client.get("/staff/mattillfallen").status_code == 200
    assert _queue(app.test_client(), ticket, given_at=time.time()).status_code == 410
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "kiosk.end" in actions


def _held_page(client, held: int = 1):
    return client.post("/kiosk/avsluta", data={"pin": "2468", "held": str(held)})


def test_held_answers_of_a_closed_round_go_to_an_open_round_the_samordnare_chooses(app, client):
    round_ = factories.round_("avslutningsenkat")
    mariestad = factories.organisation("Mariestad")
    account = _samordnare()
    factories.login(client, account)
    _start(client, round_, mariestad)
    ticket = _ticket(client)
    given = time.time()
    round_.close()
    db.session.commit()
    tablet = app.test_client()
    closed = _queue(tablet, ticket, given_at=given)
    assert closed.status_code == 422 and closed.json["reason"] == "closed"
    second = factories.round_("avslutningsenkat", "Mättillfälle 2")
    page = _held_page(client)
    assert page.status_code == 200
    assert "Svar som servern inte tog emot" in page.text
    assert "Mättillfälle 2" in page.text
    resend = re.search(r'data-resend="([^"]+)"', page.text).group(1)
    assert client.get("/kiosk/").status_code == 302  # the kiosk has ended all the same
    answer_id = str(uuid.uuid4())
    sent = _queue(tablet, ticket, given_at=given, resend=resend, response_uuid=answer_id)
    assert sent.status_code == 200 and sent.json == {"status": "stored"}
    assert db.session.scalar(select(Response.round_id)) == second.id
    # a forged permission stores nothing, nor one of a samordnare who has been disabled
    forged = _queue(tablet, ticket, given_at=given, resend=resend[:-2] + "xx")
    assert forged.status_code == 403 and _stored() == 1
    account.active = False
    db.session.commit()
    assert _queue(tablet, ticket, given_at=given, resend=resend).status_code == 403
    assert _stored() == 1


def test_held_page_needs_the_pin(client):
    round_ = factories.round_("avslutningsenkat")
    factories.login(client, _samordnare())
    _start(client, round_, factories.organisation("Mariestad"))
    wrong = client.post("/kiosk/avsluta", data={"pin": "1111", "held": "3"})
    assert wrong.status_code == 401 and "data-resend" not in wrong.text
