"""Questionnaire translations in the database: seeded from the shipped catalogs, reviewed and
corrected through a translator's link, shown on the participant's form, and told per
questionnaire and language by ``surveyapp questionnaires status``."""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.i18n import LANGUAGES, available_languages
from surveyapp.models import AuditEvent, QuestionnaireText, RecordingLink, TranslationLink
from surveyapp.models._time import utcnow
from surveyapp.questionnaire.extract import text_hash
from surveyapp.readaloud import spoken_question
from surveyapp.services.questionnaires import (
    current_version,
    current_versions,
    definition_of,
    sync_questionnaires,
)
from surveyapp.services.texts import create_link, source_texts, translate
from surveyapp.translations import missing_texts, questionnaire_translations
from tests import factories
from tests.conftest import BASE_CONFIG, ROOT

TRANSLATIONS = ROOT / "translations"
QUESTION = "Hur mår du nu jämfört med innan du började i projektet?"
CHANGED = "Hur mår du nu jämfört med när du började i projektet?"


def _link(language: str = "ti", key: str | None = "avslutningsenkat", label: str = "Selam (tolk)",
          days: int = 7, may_record: bool = False) -> str:
    _link_row, token = create_link(label, key, language, None, days=days, may_record=may_record)
    db.session.commit()
    return token


def _row(text: str, language: str, key: str = "avslutningsenkat") -> QuestionnaireText | None:
    db.session.expire_all()
    return db.session.scalar(select(QuestionnaireText).filter_by(
        questionnaire_key=key, language=language, source_hash=text_hash(text)))


def _save(client, token: str, text: str, translation: str, action: str = "save",
          key: str = "avslutningsenkat"):
    return client.post(f"/oversattning/{token}", data={
        "enkat": key, "text": text_hash(text), "translation": translation, "action": action})


def _status(runner) -> dict:
    result = runner.invoke(args=["questionnaires", "status", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# ---- seeding from the shipped catalogs ---------------------------------------------------------


def test_seeding_keeps_every_language_offered_today_and_every_text_as_the_catalogs_translate_it(app):
    catalogs = questionnaire_translations(TRANSLATIONS)
    for key, version in current_versions().items():
        questionnaire = definition_of(version)
        offered_by_catalogs = [lang for lang in LANGUAGES
                               if lang == "sv" or not missing_texts(TRANSLATIONS, lang, questionnaire)]
        assert available_languages(questionnaire) == offered_by_catalogs, key
        for lang in LANGUAGES:
            for source in source_texts(questionnaire):
                expected = source.text if lang == "sv" else catalogs[lang].get(source.text, source.text)
                assert translate(source.text, lang, key) == expected, (key, lang, source.text)
    # the participant questionnaires are offered in every shipped language
    assert available_languages("avslutningsenkat") == list(LANGUAGES)
    assert available_languages("progressionskort") == list(LANGUAGES)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "sv"])
def test_the_participant_page_shows_each_text_as_the_catalog_translates_it(client, language):
    catalog = questionnaire_translations(TRANSLATIONS)[language]
    link = factories.link()
    page = client.get(f"/s/{link.token}/{language}")
    assert page.status_code == 200
    questionnaire = definition_of(current_version("avslutningsenkat"))
    shown = [questionnaire.title, questionnaire.intro]
    for q in questionnaire.questions:
        shown += [q.text] + [o.label for o in q.options]
    for text in shown:
        assert str(escape(catalog[text])) in page.text, text


def test_seeding_again_keeps_what_was_saved_since(app):
    factories.set_translation("avslutningsenkat", "en", QUESTION, "How are you now, in your own words?",
                              reviewed=True, by="Anna")
    sync_questionnaires(app.config["QUESTIONNAIRE_DIR"])
    db.session.commit()
    row = _row(QUESTION, "en")
    assert row.translation == "How are you now, in your own words?"
    assert row.reviewed_by == "Anna"


# ---- the translator's link ---------------------------------------------------------------------


def test_the_link_shows_each_swedish_text_beside_its_translation_and_state(client):
    token = _link("ti")
    page = client.get(f"/oversattning/{token}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    tigrinya = factories.translate_questionnaire("ti", QUESTION)
    assert html.escape(QUESTION, quote=False) in page.text
    assert html.escape(tigrinya, quote=False) in page.text
    texts = source_texts(definition_of(current_version("avslutningsenkat")))
    assert page.text.count("Inte granskad") + page.text.count("Inte översatt") == len(texts)
    assert page.text.count("Inte översatt") == 3  # the goals' labels, for reports only
    assert page.text.count("bara i rapporter") == 3
    assert "ትግርኛ" in page.text


@pytest.mark.parametrize("case", ["expired", "revoked", "unknown"])
def test_an_expired_revoked_or_unknown_link_opens_nothing_and_saves_nothing(client, case):
    token = _link("ti")
    link = db.session.scalar(select(TranslationLink))
    if case == "expired":
        link.expires_at = utcnow() - timedelta(seconds=1)
    elif case == "revoked":
        link.revoked_at = utcnow()
    else:
        token = "x" + token[1:]
    db.session.commit()
    assert client.get(f"/oversattning/{token}").status_code == 404
    assert _save(client, token, QUESTION, "ሓድሽ", "review").status_code == 404
    assert _row(QUESTION, "ti").reviewed_at is None
    assert _row(QUESTION, "ti").translation == factories.translate_questionnaire("ti", QUESTION)


def test_a_link_reaches_only_its_own_language_and_questionnaire(client):
    token = _link("ti", key="avslutningsenkat")
    assert client.get(f"/oversattning/{token}?enkat=samverkan").status_code == 404
    samverkan = definition_of(current_version("samverkan")).questions[0].text
    assert _save(client, token, samverkan, "ሓድሽ", key="samverkan").status_code == 404
    # a text of its own questionnaire: saved in its language only
    english = _row(QUESTION, "en").translation
    assert _save(client, token, QUESTION, "ሓድሽ ትርጉም").status_code == 302
    assert _row(QUESTION, "ti").translation == "ሓድሽ ትርጉም"
    assert _row(QUESTION, "en").translation == english
    # a link for every questionnaire lists them all
    every = _link("en", key=None)
    page = client.get(f"/oversattning/{every}?enkat=samverkan")
    assert page.status_code == 200 and "Samverkan" in page.text
    assert "?enkat=progressionskort" in page.text


def test_a_correction_shows_on_the_participant_form_and_the_audit_log_names_the_link(client):
    link = factories.link()
    token = _link("ti", label="Selam (tolk)")
    reviewed = _save(client, token, QUESTION, factories.translate_questionnaire("ti", QUESTION), "review")
    assert reviewed.status_code == 302 and reviewed.location.endswith(f"#t-{text_hash(QUESTION)[:12]}")
    row = _row(QUESTION, "ti")
    assert row.reviewed_by == "Selam (tolk)" and row.reviewed_at is not None
    assert "Granskad" in client.get(f"/oversattning/{token}").text

    corrected = _save(client, token, QUESTION, "ከመይ ኣለኹም ሕጂ?")
    assert corrected.status_code == 302
    row = _row(QUESTION, "ti")
    assert row.translation == "ከመይ ኣለኹም ሕጂ?" and row.reviewed_at is None and row.updated_by == "Selam (tolk)"
    events = {(e.actor, e.action) for e in db.session.scalars(select(AuditEvent))}
    assert ("översättarlänk #1 (Selam (tolk))", "translation.correct") in {
        (re.sub(r"#\d+", "#1", actor), action) for actor, action in events}
    assert any(action == "translation.review" for _actor, action in events)
    page = client.get(f"/s/{link.token}/ti").text
    assert "ከመይ ኣለኹም ሕጂ?" in page
    # the recording page reads the corrected words too
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    assert "ከመይ ኣለኹም ሕጂ?" in client.get("/staff/inlasning/avslutningsenkat/ti").text


def test_a_changed_swedish_text_is_stale_in_status_and_on_the_page_until_translated_anew(client, runner):
    token = _link("ar")
    arabic = factories.translate_questionnaire("ar", QUESTION)
    question = definition_of(current_version("avslutningsenkat")).question("mar_battre")
    factories.recording(factories.spoken("ar", spoken_question, question), "ar")
    before = _status(runner)["avslutningsenkat"]["ar"]
    assert before["stale"] == 0 and before["offered"] is True
    assert (before["recorded"], before["stale_recordings"]) == (1, 0)
    factories.new_version("avslutningsenkat", QUESTION, CHANGED)

    after = _status(runner)["avslutningsenkat"]["ar"]
    assert after["stale"] == 1 and after["offered"] is False
    assert (after["recorded"], after["stale_recordings"]) == (0, 1)  # the recording read the old words
    assert after["translated"] == after["texts"] - 1
    assert "ar" not in available_languages("avslutningsenkat")
    page = client.get(f"/oversattning/{token}").text
    row = re.search(rf'id="t-{text_hash(CHANGED)[:12]}"(.*?)</li>', page, re.S).group(1)
    assert "Ändrad sedan översättningen" in row
    assert html.escape(QUESTION, quote=False) in row  # what the Swedish text said before
    assert html.escape(arabic, quote=False) in row  # the old translation, to start from
    # a page opened before the change saves the old text: told, nothing stored
    old = _save(client, token, QUESTION, "قديم")
    assert old.status_code == 302
    assert "Texten finns inte längre i enkäten." in client.get(old.location).text
    assert _row(QUESTION, "ar").translation == arabic
    link = factories.link()
    assert client.get(f"/s/{link.token}/ar").status_code != 200
    assert "العربية" not in client.get(f"/s/{link.token}").text

    assert _save(client, token, CHANGED, arabic + " (ny)", "review").status_code == 302
    again = _status(runner)["avslutningsenkat"]["ar"]
    assert again["stale"] == 0 and again["offered"] is True and again["reviewed"] == 1
    assert "ar" in available_languages("avslutningsenkat")
    assert arabic + " (ny)" in client.get(f"/s/{link.token}/ar").text


def test_status_tells_texts_translated_reviewed_recorded_and_stale(runner):
    status = _status(runner)
    assert set(status) == set(current_versions())
    item = status["avslutningsenkat"]["ti"]
    texts = len([t for t in source_texts(definition_of(current_version("avslutningsenkat"))) if t.respondent])
    assert item["texts"] == item["translated"] == texts
    assert (item["reviewed"], item["stale"], item["recorded"]) == (0, 0, 0)
    assert item["offered"] is True
    assert status["samverkan"]["ar"]["offered"] is False
    assert status["avslut"]["en"]["recorded"] is None  # filled in by staff: not heard

    tigrinya = factories.translate_questionnaire("ti", QUESTION)
    factories.set_translation("avslutningsenkat", "ti", QUESTION, tigrinya, reviewed=True)
    factories.recording(factories.translate_questionnaire("ti", QUESTION), "ti")
    item = _status(runner)["avslutningsenkat"]["ti"]
    assert item["reviewed"] == 1 and item["recorded"] == 1
    plain = runner.invoke(args=["questionnaires", "status", "avslutningsenkat"]).output
    assert f"ti: {texts} of {texts} translated, 1 reviewed, 0 stale" in plain
    assert runner.invoke(args=["questionnaires", "status", "finns_inte"]).exit_code != 0


def test_odd_bytes_are_escaped_and_control_characters_refused_with_a_clear_message(client):
    link = factories.link()
    token = _link("en")
    odd = '<script>alert("x")</script> & “quotes” ‮'
    assert _save(client, token, QUESTION, odd).status_code == 302
    assert _row(QUESTION, "en").translation == odd.strip()
    page = client.get(f"/s/{link.token}/en").text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<script>alert" not in client.get(f"/oversattning/{token}").text

    refused = _save(client, token, QUESTION, "Bell\x07 here")
    assert refused.status_code == 400
    assert "osynligt styrtecken" in refused.text
    assert _row(QUESTION, "en").translation == odd.strip()
    empty = _save(client, token, QUESTION, "   ")
    assert empty.status_code == 400
    row = re.search(rf'id="t-{text_hash(QUESTION)[:12]}"(.*?)</li>', empty.text, re.S).group(1)
    assert "Skriv en översättning." in row and 'aria-invalid="true"' in row
    too_long = _save(client, token, QUESTION, "x" * 5001)
    assert too_long.status_code == 400 and "x" * 5001 in too_long.text
    assert "Översättningen är för lång: högst 5000 tecken." in too_long.text
    assert _row(QUESTION, "en").translation == odd.strip()


def test_a_post_without_the_csrf_token_is_refused(sqlite_template, tmp_path):
    path = tmp_path / "csrf.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "WTF_CSRF_ENABLED": True})
    with app.app_context():
        token = _link("ti")
        client = app.test_client()
        refused = _save(client, token, QUESTION, "ሓድሽ")
        assert refused.status_code == 400
        assert _row(QUESTION, "ti").translation != "ሓድሽ"
        page = client.get(f"/oversattning/{token}").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        accepted = client.post(f"/oversattning/{token}", data={
            "csrf_token": csrf, "enkat": "avslutningsenkat", "text": text_hash(QUESTION),
            "translation": "ሓድሽ", "action": "save"})
        assert accepted.status_code == 302
        assert _row(QUESTION, "ti").translation == "ሓድሽ"
        db.session.remove()
        db.engine.dispose()


def test_saves_through_one_link_are_limited_per_hour(client, app):
    app.config["TRANSLATOR_POSTS_PER_HOUR"] = 2
    token = _link("ti")
    assert _save(client, token, QUESTION, "ሓደ").status_code == 302
    assert _save(client, token, QUESTION, "ክልተ").status_code == 302
    refused = _save(client, token, QUESTION, "ሰለስተ")
    assert refused.status_code == 429
    assert _row(QUESTION, "ti").translation == "ክልተ"


def test_a_link_that_may_record_goes_on_to_the_interpreters_page(client):
    token = _link("ti", may_record=True)
    page = client.get(f"/oversattning/{token}").text
    assert f"/oversattning/{token}/inlasning" in page
    moved = client.post(f"/oversattning/{token}/inlasning", data={"enkat": "avslutningsenkat"})
    assert moved.status_code == 302 and "/tolk/" in moved.location
    recording_link = db.session.scalar(select(RecordingLink))
    assert (recording_link.questionnaire_key, recording_link.language) == ("avslutningsenkat", "ti")
    assert recording_link.expires_at <= db.session.scalar(select(TranslationLink.expires_at))
    assert client.get(moved.location).status_code == 200

    other = _link("ti", may_record=False)
    assert f"/oversattning/{other}/inlasning" not in client.get(f"/oversattning/{other}").text
    refused = client.post(f"/oversattning/{other}/inlasning", data={"enkat": "avslutningsenkat"})
    assert refused.status_code == 404


# ---- staff make and revoke links ---------------------------------------------------------------


def test_projektledning_makes_a_link_shown_once_and_revokes_it(client):
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    page = client.get("/staff/oversattning")
    assert page.status_code == 200 and "Länk för en översättare" in page.text
    made = client.post("/staff/oversattning/lankar", data={
        "label": "Selam", "questionnaire": "avslutningsenkat", "language": "ti", "days": "3"})
    assert made.status_code == 200
    url = re.search(r"<code[^>]*>(http://surveyapp\.test/oversattning/[^<]+)</code>", made.text).group(1)
    path = url.removeprefix("http://surveyapp.test")
    assert client.get(path).status_code == 200
    link = db.session.scalar(select(TranslationLink))
    assert (link.label, link.questionnaire_key, link.language) == ("Selam", "avslutningsenkat", "ti")
    assert timedelta(days=2, hours=23) < link.expires_at - link.created_at <= timedelta(days=3)
    assert path.rsplit("/", 1)[1] not in client.get("/staff/oversattning").text  # the token is shown once

    revoked = client.post(f"/staff/oversattning/lankar/{link.id}/aterkalla")
    assert revoked.status_code == 302
    assert client.get(path).status_code == 404
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"translation.link", "translation.revoke"} <= actions


def test_a_link_needs_a_name_a_language_and_days_within_bounds(client):
    factories.login(client, factories.user("pl@example.org", "projektledning"))
    page = client.post("/staff/oversattning/lankar", data={"label": " ", "language": "sv", "days": "400"})
    assert page.status_code == 400
    assert "Skriv vem länken är till" in page.text and "Välj ett språk." in page.text
    assert "Välj mellan 1 och 90 dagar." in page.text
    assert db.session.scalar(select(func.count()).select_from(TranslationLink)) == 0


def test_samordnare_cannot_make_or_revoke_links(client):
    factories.login(client, factories.user())
    assert client.get("/staff/oversattning").status_code == 403
    assert client.post("/staff/oversattning/lankar", data={"label": "x", "language": "ti"}).status_code == 403
    _link("ti")
    link = db.session.scalar(select(TranslationLink))
    assert client.post(f"/staff/oversattning/lankar/{link.id}/aterkalla").status_code == 403
    assert db.session.get(TranslationLink, link.id).revoked_at is None


# ---- XLSForm import stores the spreadsheet's translations --------------------------------------


def test_an_imported_spreadsheets_translations_are_stored_with_the_questionnaire(runner, tmp_path):
    from openpyxl import load_workbook

    folder = tmp_path / "questionnaires"
    folder.mkdir()
    shutil.copy(ROOT / "questionnaires" / "_background.yaml", folder)
    shutil.copytree(ROOT / "questionnaires" / "pictures", folder / "pictures")
    path = tmp_path / "avslutningsenkat.xlsx"
    assert runner.invoke(args=["questionnaires", "export", "avslutningsenkat", str(path)]).exit_code == 0
    book = load_workbook(path)
    sheet = book["survey"]
    header = [cell.value for cell in sheet[1]]
    label, english = header.index("label::Svenska (sv)"), header.index("label::English (en)")
    for row in sheet.iter_rows(min_row=2):
        if row[label].value == QUESTION:
            row[english].value = "How do you feel now, compared with when you started?"
    book.save(path)
    imported = runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder)])
    assert imported.exit_code == 0, imported.output
    assert "en: 46 of 46 texts translated in the spreadsheet (1 added or changed)" in imported.output
    row = _row(QUESTION, "en")
    assert row.translation == "How do you feel now, compared with when you started?"
    assert row.updated_by == "XLSForm avslutningsenkat.xlsx"
    assert "translation.import" in set(db.session.scalars(select(AuditEvent.action)))


def test_a_fresh_database_is_seeded_by_init(tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'init.db'}"})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["init"])
        assert result.exit_code == 0, result.output
        assert available_languages("avslutningsenkat") == list(LANGUAGES)
        count = db.session.scalar(select(func.count()).select_from(QuestionnaireText))
        assert count > 0
        db.session.remove()
        db.engine.dispose()


def test_a_correction_belongs_to_its_questionnaire(client):
    # "Kvinna" is a background question's option in both participant questionnaires
    catalog = questionnaire_translations(TRANSLATIONS)["ti"]["Kvinna"]
    factories.set_translation("avslutningsenkat", "ti", "Kvinna", "ኣንስተይቲ (ሓድሽ)")
    exit_survey = factories.link("avslutningsenkat")
    card = factories.link("progressionskort")
    assert "ኣንስተይቲ (ሓድሽ)" in client.get(f"/s/{exit_survey.token}/ti").text
    page = client.get(f"/s/{card.token}/ti").text
    assert "ኣንስተይቲ (ሓድሽ)" not in page and str(escape(catalog)) in page
