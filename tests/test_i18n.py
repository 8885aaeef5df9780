"""Locale formatting, and which languages a questionnaire offers as its catalogs change."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from flask import g

from surveyapp import create_app
from surveyapp.i18n import format_day, format_number, format_pct, native_digits, qtext
from surveyapp.questionnaire import load_directory
from surveyapp.translations import complete_languages, missing_languages, missing_texts
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parent.parent
PYBABEL = str(Path(sys.executable).parent / "pybabel")


@pytest.fixture
def plain_app():
    """The app without a database: formatting and catalogs need none."""
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _in(app, language):
    context = app.test_request_context("/")
    context.push()
    g.language = language
    return context


def test_swedish_formats_numbers_percentages_and_dates(plain_app):
    context = _in(plain_app, "sv")
    try:
        assert format_number(2.92, 2) == "2,92"
        assert format_number(2.925, 2) == "2,93"  # half-up, as on every page
        assert format_number(1234) == "1\xa0234"
        assert format_pct(99) == "99\xa0%"
        assert format_pct(12.5) == "13\xa0%"
        assert format_pct(None) == "–"
        assert format_day(date(2026, 11, 23)) == "23 nov. 2026"
    finally:
        context.pop()


def test_templates_format_through_the_same_filters(plain_app):
    context = _in(plain_app, "sv")
    try:
        rendered = plain_app.jinja_env.from_string(
            "{{ 2.917|decimal }} {{ 99.4|pct }} {{ day|date }} {{ none|decimal }}"
        ).render(day=date(2026, 11, 23))
        assert rendered == "2,92 99\xa0% 23 nov. 2026 –"
    finally:
        context.pop()


def test_english_and_persian_format_in_their_own_way(plain_app):
    context = _in(plain_app, "en")
    try:
        assert (format_number(2.92, 2), format_pct(99), format_day(date(2026, 11, 23))) == (
            "2.92", "99%", "Nov 23, 2026"
        )
    finally:
        context.pop()
    context = _in(plain_app, "fa")
    try:
        # Persian is written with its own digits and decimal separator
        assert format_number(2.92, 2) == "۲٫۹۲"
        assert native_digits("1–5") == "۱–۵"
    finally:
        context.pop()


def test_questionnaire_texts_are_translated_in_the_chosen_language(plain_app):
    for language, expected in (("sv", "Var är du född?"), ("en", "Where were you born?"),
                               ("ar", "أين وُلدت؟"), ("ti", "ኣበይ ኢኹም ተወሊድኩም?")):
        context = _in(plain_app, language)
        try:
            assert qtext("Var är du född?") == expected
        finally:
            context.pop()


def _questionnaire(directory: Path, key: str = "avslutningsenkat"):
    return load_directory(directory)[key][0]


def test_every_shipped_language_is_offered_for_participant_questionnaires():
    for key in ("avslutningsenkat", "progressionskort"):
        assert complete_languages(ROOT / "translations", _questionnaire(ROOT / "questionnaires", key)) == [
            "sv", "en", "ar", "fa", "so", "ti", "uk"
        ]


def test_staff_questionnaires_are_offered_in_swedish_and_english_and_say_why_not_others():
    samverkan = _questionnaire(ROOT / "questionnaires", "samverkan")
    assert complete_languages(ROOT / "translations", samverkan) == ["sv", "en"]
    missing = missing_languages(ROOT / "translations", samverkan)
    assert set(missing) == {"ar", "fa", "so", "ti", "uk"}
    assert "not translated" in missing["ar"]


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A copy of the questionnaires and catalogs to edit, as a project would."""
    shutil.copytree(ROOT / "questionnaires", tmp_path / "questionnaires")
    shutil.copytree(ROOT / "translations", tmp_path / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    return tmp_path


def _pybabel(workspace: Path, *args: str) -> None:
    subprocess.run([PYBABEL, "-q", *args], cwd=workspace, check=True, capture_output=True)


def test_a_changed_question_is_fuzzy_and_its_language_withdrawn_until_translated(workspace):
    path = workspace / "questionnaires" / "avslutningsenkat.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Hur mår du nu jämfört med innan du började i projektet?",
        "Hur mår du nu jämfört med när du började i projektet?",
    ), encoding="utf-8")
    # the documented update: extract with the registered method, then update every catalog
    _pybabel(workspace, "extract", "-F", "translations/questionnaires.cfg", "--add-location=file",
             "--no-wrap", "-o", "translations/questionnaires.pot", ".")
    _pybabel(workspace, "update", "-D", "questionnaires", "-i", "translations/questionnaires.pot",
             "-d", "translations", "--no-wrap", "--previous")
    _pybabel(workspace, "compile", "-D", "questionnaires", "-d", "translations")

    translations = workspace / "translations"
    questionnaire = _questionnaire(workspace / "questionnaires")
    changed = "Hur mår du nu jämfört med när du började i projektet?"
    assert missing_texts(translations, "ar", questionnaire) == {changed: "fuzzy"}
    assert complete_languages(translations, questionnaire) == ["sv"]
    reason = missing_languages(translations, questionnaire)["ti"]
    assert reason == "1 of 46 texts changed since they were translated (fuzzy)"

    # a translator checks the Arabic entry: Arabic is offered again, the others still not
    po = translations / "ar" / "LC_MESSAGES" / "questionnaires.po"
    with po.open("rb") as fileobj:
        catalog = read_po(fileobj, locale="ar")
    entry = catalog[changed]
    entry.string = "كيف تشعر الآن مقارنةً بوقت بدايتك في المشروع؟"
    entry.flags.discard("fuzzy")
    with po.open("wb") as fileobj:
        write_po(fileobj, catalog, width=0)
    _pybabel(workspace, "compile", "-D", "questionnaires", "-d", "translations")
    assert complete_languages(translations, questionnaire) == ["sv", "ar"]


def test_a_language_without_a_compiled_catalog_is_not_offered(workspace):
    translations = workspace / "translations"
    questionnaire = _questionnaire(workspace / "questionnaires")
    assert complete_languages(translations, questionnaire) == ["sv"]
    assert missing_languages(translations, questionnaire)["en"] == "catalog not compiled (run make catalogs)"
    shutil.rmtree(translations / "so")
    assert missing_languages(translations, questionnaire)["so"] == "no translation catalog"


def test_the_app_compiles_missing_catalogs_when_it_starts(workspace):
    translations = workspace / "translations"
    assert not list(translations.glob("*/LC_MESSAGES/*.mo"))
    create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "BABEL_TRANSLATION_DIRECTORIES": str(translations)})
    assert len(list(translations.glob("*/LC_MESSAGES/*.mo"))) == 12
    questionnaire = _questionnaire(workspace / "questionnaires")
    assert complete_languages(translations, questionnaire) == ["sv", "en", "ar", "fa", "so", "ti", "uk"]


def test_stored_utc_times_show_in_swedish_time(plain_app):
    from datetime import datetime

    context = _in(plain_app, "sv")
    try:
        template = plain_app.jinja_env.from_string("{{ at|datetime }}")
        rendered = template.render(at=datetime(2026, 11, 23, 13, 5))
        assert rendered == "23 nov. 2026 14:05:00"  # UTC+1 in winter
    finally:
        context.pop()
