"""Text that cannot be stored (control characters, undecodable bytes) gets a clear message."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from surveyapp.extensions import db
from surveyapp.models import Answer, Organisation, Response
from tests import factories
from tests.factories import AVSLUTNINGSENKAT

SWEDISH = "Texten innehåller ett osynligt styrtecken som inte kan sparas."
ENGLISH = "The text contains an invisible control character"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b"])
def test_a_control_character_in_an_answer_is_named_and_nothing_is_stored(client, character):
    link = factories.link()
    data = {**AVSLUTNINGSENKAT, "kommentar": f"Bra{character}stöd", "response_uuid": str(uuid.uuid4())}
    page = client.post(f"/s/{link.token}/sv", data=data, follow_redirects=True)
    assert page.status_code == 200 and page.request.args.get("utkast")  # the form again, with a draft
    assert SWEDISH in page.text
    assert 'value="kvinna" checked' in page.text or "checked" in page.text  # the answers stay
    assert _count(Response) == 0 and _count(Answer) == 0


def test_the_message_speaks_the_participants_language(client):
    link = factories.link()
    data = {**AVSLUTNINGSENKAT, "kommentar": "a\x00b", "response_uuid": str(uuid.uuid4())}
    page = client.post(f"/s/{link.token}/en", data=data, follow_redirects=True)
    assert page.status_code == 200 and ENGLISH in page.text
    assert _count(Response) == 0


def test_line_breaks_and_tabs_are_ordinary_text(client):
    link = factories.link()
    data = {**AVSLUTNINGSENKAT, "kommentar": "rad ett\r\nrad\ttvå", "response_uuid": str(uuid.uuid4())}
    assert client.post(f"/s/{link.token}/sv", data=data).status_code == 302
    assert db.session.scalar(select(Answer.text).filter_by(question_key="kommentar")) == "rad ett\nrad\ttvå"


def test_undecodable_bytes_get_their_own_message(client):
    link = factories.link()
    body = b"response_uuid=" + str(uuid.uuid4()).encode() + b"&kon=kvinna&kommentar=\xff\xfe"
    page = client.post(f"/s/{link.token}/sv", data=body, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400
    assert "tecken som inte går att läsa" in page.text
    assert "Sidan hade gått ut" not in page.text
    escaped = client.post(f"/s/{link.token}/en", data=b"kommentar=%C3%28",
                          content_type="application/x-www-form-urlencoded")
    assert escaped.status_code == 400 and "could not be read" in escaped.text
    assert _count(Response) == 0


def test_a_control_character_in_a_staff_form_is_refused_and_nothing_stored(client):
    factories.login(client, factories.user("admin@example.org", "admin"))
    page = client.post("/staff/organisationer", data={"name": "Nykommun\x00", "kind": "kommun"})
    assert page.status_code == 400 and SWEDISH in page.text
    assert _count(Organisation) == 0


def test_control_characters_in_a_query_or_a_path_reach_no_database(client):
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    assert client.get("/reports/avslutningsenkat", query_string={"round": "a\x00"}).status_code == 400
    assert client.get("/s/abc%00def/sv").status_code == 404


def test_the_database_never_puts_values_in_its_error_messages(app):
    organisation = factories.organisation("Mariestad")
    with pytest.raises(IntegrityError) as raised, db.session.begin_nested():
        db.session.execute(
            text("INSERT INTO organisations (id, name, kind, created_at) VALUES (:id, :name, :kind, :at)"),
            {"id": organisation.id, "name": "ett hemligt svar", "kind": "kommun",
             "at": organisation.created_at},
        )
    assert "ett hemligt svar" not in str(raised.value)
    assert "hidden" in str(raised.value)


def test_undecodable_bytes_are_named_before_the_form_token_is_checked(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    link = factories.link()
    page = client.post(f"/s/{link.token}/sv", data=b"csrf_token=x&kommentar=\xff\xfe",
                       content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400
    assert "tecken som inte går att läsa" in page.text and "Sidan hade gått ut" not in page.text
