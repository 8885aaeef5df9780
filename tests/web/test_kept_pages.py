"""Answering pages kept per process (web/survey/pagecache.py): every participant still gets
their own CSRF token, turn, response id and nonce, and a changed version, language or
recording is never answered with a kept page of before."""

from __future__ import annotations

import copy
import re
import shutil
import uuid

from sqlalchemy import func, select, update

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import QuestionnaireVersion, Response
from surveyapp.web.survey import pagecache
from tests import factories
from tests.conftest import BASE_CONFIG
from tests.factories import AVSLUTNINGSENKAT

HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|response_uuid|turn|ticket)"[^>]*value="([^"]*)"')
NONCE = re.compile(r'nonce="([^"]*)"')


def _hidden(page: str) -> dict[str, str]:
    return dict(HIDDEN.findall(page))


def _without_own_values(page: str) -> str:
    """The page with its per-request values taken out."""
    for value in [*_hidden(page).values(), *NONCE.findall(page)]:
        page = page.replace(value, "")
    return page


def test_two_participants_get_their_own_token_turn_and_response_id_from_one_kept_form(
        sqlite_template, tmp_path):
    path = tmp_path / "csrf.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        token = factories.link().token
        db.session.remove()
    # each request in an app context of its own, as on a server
    first, second = app.test_client(), app.test_client()
    pages = [browser.get(f"/s/{token}/sv").text for browser in (first, second)]
    one, two = (_hidden(page) for page in pages)
    assert set(one) == set(two) == {"csrf_token", "response_uuid", "turn", "ticket"}
    for name in ("csrf_token", "response_uuid", "turn"):
        assert one[name] and two[name] and one[name] != two[name]
    # the rest of the page is the same: it was rendered once
    assert _without_own_values(pages[0]) == _without_own_values(pages[1])
    assert "splice" not in pages[0]

    # one person's token is no good in another's browser
    assert first.post(f"/s/{token}/sv", data={**two, **AVSLUTNINGSENKAT}).status_code == 400
    for browser, fields in ((first, one), (second, two)):
        posted = browser.post(f"/s/{token}/sv", data={**fields, **AVSLUTNINGSENKAT})
        assert posted.status_code == 302 and posted.location.endswith("/tack")
    with app.app_context():
        stored = set(db.session.scalars(select(Response.uuid)))
        assert stored == {one["response_uuid"], two["response_uuid"]}
        db.session.remove()
        db.engine.dispose()


def test_the_nonce_of_a_kept_page_is_the_one_of_its_header_and_new_each_time(client):
    link = factories.link()
    nonces = []
    for url in (f"/s/{link.token}", f"/s/{link.token}", f"/s/{link.token}/sv", f"/s/{link.token}/sv"):
        page = client.get(url)
        (nonce,) = set(NONCE.findall(page.text))
        assert f"'nonce-{nonce}'" in page.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(set(nonces)) == 4


def test_a_new_questionnaire_version_is_never_answered_with_the_kept_form_of_the_old(client):
    link = factories.link()
    assert "Avslutningsenkät" in client.get(f"/s/{link.token}/sv").text
    assert client.get(f"/s/{link.token}/en").status_code == 200

    old = db.session.scalar(select(QuestionnaireVersion).filter_by(questionnaire_key="avslutningsenkat",
                                                                   is_current=True))
    definition = copy.deepcopy(old.definition)
    definition["title"] = "Avslutningsenkät, ny version"
    db.session.execute(update(QuestionnaireVersion).where(QuestionnaireVersion.id == old.id)
                       .values(is_current=False))
    new = QuestionnaireVersion(questionnaire_key="avslutningsenkat", content_hash="new-version",
                               definition=definition, is_current=True)
    db.session.add(new)
    db.session.commit()

    # the new title is not translated yet: English is no longer offered
    assert client.get(f"/s/{link.token}/en").status_code == 302
    assert "ny version" in client.get(f"/s/{link.token}").text
    page = client.get(f"/s/{link.token}/sv").text
    assert "Avslutningsenkät, ny version" in page
    posted = client.post(f"/s/{link.token}/sv", data={**_hidden(page), **AVSLUTNINGSENKAT})
    assert posted.status_code == 302
    assert db.session.scalar(select(Response.version_id)) == new.id


def test_each_language_has_its_own_kept_form_and_picker(client):
    link = factories.link()
    swedish = client.get(f"/s/{link.token}/sv").text
    english = client.get(f"/s/{link.token}/en").text
    assert '<html lang="sv"' in swedish and "Skicka svaren" in swedish
    assert '<html lang="en"' in english and "Skicka svaren" not in english
    assert client.get(f"/s/{link.token}/sv").text.count("Skicka svaren") == swedish.count("Skicka svaren")

    def first_choice(accept: str) -> str:
        page = client.get(f"/s/{link.token}", headers={"Accept-Language": accept}).text
        return re.search(r'class="language-choice is-preferred" href="[^"]*/(\w+)"', page).group(1)

    assert first_choice("en-GB,en;q=0.8") == "en"
    assert first_choice("sv-SE") == "sv"
    assert first_choice("ar") == "ar"


def test_a_picker_with_no_turn_to_end_stores_no_session(client):
    link = factories.link()
    from surveyapp.models import StoredSession

    picker = client.get(f"/s/{link.token}")
    assert picker.status_code == 200 and "Set-Cookie" not in picker.headers
    assert db.session.scalar(select(func.count()).select_from(StoredSession)) == 0
    form = client.get(f"/s/{link.token}/sv")
    assert "Set-Cookie" in form.headers  # the turn and token of the form shown
    fields = _hidden(form.text)
    # the next person starts at the picker: the form shown before is refused
    client.get(f"/s/{link.token}")
    refused = client.post(f"/s/{link.token}/sv", data={**fields, **AVSLUTNINGSENKAT})
    assert refused.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_spliced_values_are_escaped_and_the_page_is_rendered_once(app):
    calls = []

    def render() -> str:
        calls.append(1)
        return (f'<input name="csrf_token" value="{pagecache.PLACEHOLDERS["csrf"]}">'
                f'<script nonce="{pagecache.PLACEHOLDERS["nonce"]}"></script>')

    hostile = '"><script>alert(1)</script>&'
    with app.test_request_context("/"):
        key = ("test", uuid.uuid4())
        page = pagecache.render_cached(key, render, {"csrf": hostile})
        assert '<script>alert' not in page
        assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;"' in page
    with app.test_request_context("/"):
        again = pagecache.render_cached(key, render, {"csrf": "plain"})
        assert 'value="plain"' in again
    assert len(calls) == 1


def test_a_page_whose_placeholder_does_not_come_out_intact_is_not_kept(app):
    def render() -> str:
        return f'<p>{pagecache.PLACEHOLDERS["turn"][:-2]}</p>'

    with app.test_request_context("/"):
        assert pagecache.render_cached(("test", "altered"), render, {"turn": "x"}) is None
    assert ("test", "altered") not in pagecache._pages


def test_a_changed_translation_is_shown_once_the_app_reads_it(sqlite_template, tmp_path):
    path = tmp_path / "kept.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        token = factories.link().token
        db.session.remove()
    client = app.test_client()
    english = client.get(f"/s/{token}/en").text
    assert "Exit survey" in english
    # saved through another server process: this one reads the counter the change moved once
    # it reads the counter again (GENERATION_SECONDS later)
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with other.app_context():
        factories.set_translation("avslutningsenkat", "en", "Avslutningsenkät", "Exit survey, new words")
        db.session.remove()
        db.engine.dispose()
    assert "Exit survey, new words" not in client.get(f"/s/{token}/en").text
    app.extensions.pop("surveyapp.text_generation")
    changed = client.get(f"/s/{token}/en").text
    assert "Exit survey, new words" in changed and ">Exit survey<" not in changed
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
