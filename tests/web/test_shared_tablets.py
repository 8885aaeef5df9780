"""A tablet handed from one person to the next: no answers in history, none thanked and dropped."""

from __future__ import annotations

import re
import time
import uuid

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, AnswerDraft, KioskTally, Response
from surveyapp.services.accounts import set_pin
from tests import factories
from tests.factories import AVSLUTNINGSENKAT

SECRET = "Min hemliga kommentar 4711"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _hidden(page, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page.text) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page.text)
    assert match, f"no {name} field"
    return match.group(1)


def _form_fields(page) -> dict:
    return {name: _hidden(page, name) for name in ("response_uuid", "turn")}


def _start_kiosk(client):
    """A samordnare starts the kiosk on this client; returns the round."""
    round_ = factories.round_("avslutningsenkat")
    account = factories.user("s@mariestad.example", "samordnare", organisations=["Mariestad"])
    set_pin(account, "2468")
    db.session.commit()
    factories.login(client, account)
    client.post("/kiosk/starta", data={"round": round_.id, "organisation": factories.organisation().id})
    return round_


def test_change_of_language_redirects_to_a_draft_that_reloads_without_resending(client):
    link = factories.link()
    form = client.get(f"/s/{link.token}/sv")
    data = {**_form_fields(form), "kon": "kvinna", "kommentar": SECRET, "change_language": "en"}
    switched = client.post(f"/s/{link.token}/en", data=data)
    assert switched.status_code == 302
    assert re.search(rf"/s/{link.token}/en\?utkast=", switched.location)
    for _reload in range(2):  # a reload is a GET: the same page, nothing sent again
        page = client.get(switched.location)
        assert page.status_code == 200
        assert SECRET in page.text and 'value="kvinna" checked' in page.text
        assert "How has your coordinator treated you?" in page.text
    assert _count(Response) == 0


def test_after_thanks_no_earlier_page_shows_the_answers_and_an_old_form_is_refused(client):
    link = factories.link()
    form = client.get(f"/s/{link.token}/sv")
    fields = _form_fields(form)
    # participant 1 first leaves an answer out, then completes
    incomplete = {**fields, **AVSLUTNINGSENKAT, "kommentar": SECRET}
    del incomplete["mar_battre"]
    refused = client.post(f"/s/{link.token}/sv", data=incomplete)
    draft_url = refused.location
    assert SECRET in client.get(draft_url).text
    done = client.post(f"/s/{link.token}/sv", data={**fields, **AVSLUTNINGSENKAT, "kommentar": SECRET})
    assert done.status_code == 302 and done.location.endswith("/tack")
    assert _count(Response) == 1
    assert _count(AnswerDraft) == 0  # the draft ended with the turn

    # participant 2: Back to the error page, and the form, shows an empty form
    for url in (draft_url, f"/s/{link.token}/sv"):
        page = client.get(url)
        assert page.status_code == 200
        assert SECRET not in page.text and "checked" not in page.text
        assert _hidden(page, "turn") != fields["turn"]
        assert _hidden(page, "response_uuid") != fields["response_uuid"]
    # the browser resends participant 1's form unchanged (a retry): thanked again, stored once
    again = client.post(f"/s/{link.token}/sv", data={**fields, **AVSLUTNINGSENKAT, "kommentar": SECRET})
    assert again.status_code == 302 and again.location.endswith("/tack")
    # changed by participant 2: refused, not echoed, not stored
    for body in ({**fields, **AVSLUTNINGSENKAT, "mar_battre": "1", "kommentar": SECRET},
                 {**fields, "kommentar": SECRET}):
        again = client.post(f"/s/{link.token}/sv", data=body)
        assert again.status_code == 409
        assert "Den här sidan hör till en tidigare person" in again.text
        assert SECRET not in again.text and "checked" not in again.text
    assert _count(Response) == 1


def test_starting_a_new_survey_ends_the_turn_of_the_person_before(client):
    link = factories.link()
    form = client.get(f"/s/{link.token}/sv")
    fields = _form_fields(form)
    refused = client.post(f"/s/{link.token}/sv", data={**fields, "kommentar": SECRET})
    client.get(f"/s/{link.token}")  # "Starta en ny enkät": the language picker
    assert SECRET not in client.get(refused.location).text
    assert client.post(f"/s/{link.token}/sv", data={**fields, **AVSLUTNINGSENKAT}).status_code == 409
    assert _count(Response) == 0


def test_a_draft_belongs_to_the_browser_that_made_it(app, client):
    link = factories.link()
    fields = _form_fields(client.get(f"/s/{link.token}/sv"))
    refused = client.post(f"/s/{link.token}/sv", data={**fields, "kommentar": SECRET})
    other = app.test_client()
    page = other.get(refused.location)
    assert page.status_code == 200 and SECRET not in page.text


def test_kiosk_reset_ends_the_turn_and_a_form_from_before_it_is_refused(client):
    _start_kiosk(client)
    form = client.get("/kiosk/sv")
    assert 'id="idle-warning"' in form.text and "Jag är kvar" in form.text
    fields = _form_fields(form)
    switched = client.post("/kiosk/ar", data={**fields, "kommentar": SECRET, "change_language": "ar"})
    assert SECRET in client.get(switched.location).text
    client.get("/kiosk/")  # the idle reset (or "Nästa deltagare") goes to the picker
    assert SECRET not in client.get(switched.location).text
    stale = client.post("/kiosk/sv", data={**fields, **AVSLUTNINGSENKAT})
    assert stale.status_code == 409 and "Den här sidan hör till en tidigare person" in stale.text
    assert _count(Response) == 0 and _count(KioskTally) == 0


def test_offline_copy_of_a_form_holds_no_turn_and_is_accepted_later(client):
    link = factories.link()
    own = client.get(f"/s/{link.token}/sv")
    turn = _hidden(own, "turn")
    copy = client.get(f"/s/{link.token}/sv", headers={"X-Surveyapp-Offline-Copy": "1"})
    client.get(f"/s/{link.token}", headers={"X-Surveyapp-Offline-Copy": "1"})
    assert _hidden(copy, "turn") == "offline"
    assert _hidden(client.get(f"/s/{link.token}/sv"), "turn") == turn  # the copies ended nothing
    result = client.post(f"/s/{link.token}/sv", data={**_form_fields(copy), **AVSLUTNINGSENKAT})
    assert result.status_code == 302 and result.location.endswith("/tack")
    assert _count(Response) == 1


def _queued(client, page, answers, **extra):
    body = {"ticket": _hidden(page, "ticket"), "response_uuid": _hidden(page, "response_uuid"),
            "turn": "offline", **answers, **extra}
    return client.post("/s/-/ko", data=body)


def test_queued_answers_are_stored_exactly_once_without_a_session(app, client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/sv", headers={"X-Surveyapp-Offline-Copy": "1"})
    fresh = app.test_client()  # days later, the browser's session long gone
    first = _queued(fresh, page, AVSLUTNINGSENKAT)
    assert first.status_code == 200 and first.json == {"status": "stored"}
    again = _queued(fresh, page, AVSLUTNINGSENKAT)
    assert again.status_code == 200 and again.json == {"status": "duplicate"}
    assert _count(Response) == 1
    response = db.session.scalar(select(Response))
    assert response.uuid == _hidden(page, "response_uuid") and response.language == "sv"
    assert response.organisation.name == "Mariestad"


def test_queued_answers_that_can_never_be_stored_are_refused_with_nothing_stored(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/sv")
    incomplete = dict(AVSLUTNINGSENKAT)
    del incomplete["kon"]
    invalid = _queued(client, page, incomplete)
    assert invalid.status_code == 422 and invalid.json["fields"] == ["kon"]
    forged = client.post("/s/-/ko", data={"ticket": "x" + _hidden(page, "ticket"), **AVSLUTNINGSENKAT,
                                          "response_uuid": str(uuid.uuid4())})
    assert forged.status_code == 403
    assert _count(Response) == 0 and _count(Answer) == 0


def test_queued_kiosk_answers_count_in_the_kiosk_tally(client):
    round_ = _start_kiosk(client)
    page = client.get("/kiosk/sv", headers={"X-Surveyapp-Offline-Copy": "1"})
    given_at = str(int(time.time() * 1000))
    client.post("/kiosk/avsluta", data={"pin": "2468"})  # the kiosk ends before the network returns
    assert _queued(client, page, AVSLUTNINGSENKAT, given_at=given_at).json == {"status": "stored"}
    assert db.session.scalar(select(KioskTally.answers)) == 1
    assert db.session.scalar(select(Response.round_id)) == round_.id


def test_service_worker_and_saved_page_are_served(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.headers["Content-Type"].startswith("text/javascript")
    assert "surveyapp-queue" in worker.text
    saved = client.get("/s/-/sparat/en")
    assert saved.status_code == 200 and "Your answers are saved on this device" in saved.text


def test_conditional_question_names_the_answers_it_depends_on(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/sv")
    note = page.text[page.text.index("condition-note"):]
    note = note[: note.index("</div>")]
    assert "Hur har du blivit bemött av din samordnare?" in note
    assert "Varken bra eller dåligt" in note and "Dåligt" in note


def _database_reachable(url: str, reachable: bool) -> None:
    """Lets the database refuse every connection (as while the server restarts), or not."""
    from sqlalchemy import create_engine, text

    from tests.conftest import PG_SERVER

    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if reachable else "false"}'))
        if not reachable:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
    admin.dispose()


def test_database_outage_keeps_the_answers_in_the_page_and_the_app_recovers(committed_postgres):
    app = committed_postgres
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    client, staff = app.test_client(), app.test_client()
    with app.app_context():
        link = factories.link()
        factories.login(staff, factories.user("pl@demo.example", "projektledning"))
        token = link.token
        form = client.get(f"/s/{token}/sv")
        body = {**_form_fields(form), **AVSLUTNINGSENKAT, "kommentar": SECRET}
        _database_reachable(url, False)
        try:
            failed = client.post(f"/s/{token}/sv", data=body)
            assert failed.status_code == 503
            assert failed.headers["Retry-After"] == "30"
            assert "Det går inte att nå servern just nu" in failed.text and "Försök igen" in failed.text
            assert f'name="kommentar" value="{SECRET}"' in failed.text
            assert f'action="/s/{token}/sv"' in failed.text
            page = staff.get("/staff/mattillfallen")
            assert page.status_code == 503 and "Tjänsten går inte att nå just nu" in page.text
        finally:
            _database_reachable(url, True)
        # "Försök igen" sends the same fields: stored once; the app recovered by itself
        retried = client.post(f"/s/{token}/sv", data=body)
        assert retried.status_code == 302 and retried.location.endswith("/tack")
        assert staff.get("/staff/mattillfallen").status_code == 200
        db.session.remove()
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(Answer.text).filter_by(question_key="kommentar")) == SECRET
        db.session.remove()
        db.engine.dispose()


def test_a_retry_after_the_turn_ended_is_thanked_again_and_stored_once(client):
    link = factories.link()
    fields = _form_fields(client.get(f"/s/{link.token}/sv"))
    body = {**fields, **AVSLUTNINGSENKAT}
    first = client.post(f"/s/{link.token}/sv", data=body)
    retry = client.post(f"/s/{link.token}/sv", data=body)  # the turn ended with the first
    assert first.location.endswith("/tack") and retry.location.endswith("/tack")
    assert _count(Response) == 1


def test_queued_answers_of_an_open_link_count_against_its_per_address_limit(app, client):
    app.config["OPEN_LINK_POSTS_PER_HOUR"] = 1
    link = factories.link()
    page = client.get(f"/s/{link.token}/sv", headers={"X-Surveyapp-Offline-Copy": "1"})
    assert _queued(client, page, AVSLUTNINGSENKAT).json == {"status": "stored"}
    other = client.get(f"/s/{link.token}/sv", headers={"X-Surveyapp-Offline-Copy": "1"})
    waits = _queued(client, other, AVSLUTNINGSENKAT)
    assert waits.status_code == 429  # the service worker keeps it and sends it later
    assert _count(Response) == 1
