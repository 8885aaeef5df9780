"""Locale formatting, questionnaire texts in the chosen language, and compiling the catalogs."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from flask import g

from surveyapp import create_app
from surveyapp.i18n import format_day, format_number, format_pct, native_digits, qtext
from tests.conftest import BASE_CONFIG

ROOT = Path(__file__).resolve().parent.parent


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


def test_questionnaire_texts_are_translated_in_the_chosen_language(app):
    from flask_babel import force_locale

    for language, expected in (("sv", "Var är du född?"), ("en", "Where were you born?"),
                               ("ar", "أين وُلدت؟"), ("ti", "ኣበይ ኢኹም ተወሊድኩም?")):
        with app.test_request_context("/"), force_locale(language):
            assert qtext("Var är du född?") == expected


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A copy of the catalogs, as a fresh checkout has them (no .mo files)."""
    shutil.copytree(ROOT / "translations", tmp_path / "translations",
                    ignore=shutil.ignore_patterns("*.mo"))
    return tmp_path


def test_the_app_compiles_missing_catalogs_when_it_starts(workspace):
    translations = workspace / "translations"
    assert not list(translations.glob("*/LC_MESSAGES/*.mo"))
    create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "BABEL_TRANSLATION_DIRECTORIES": str(translations)})
    assert len(list(translations.glob("*/LC_MESSAGES/*.mo"))) == 12


def test_stored_utc_times_show_in_swedish_time(plain_app):
    from datetime import datetime

    context = _in(plain_app, "sv")
    try:
        template = plain_app.jinja_env.from_string("{{ at|datetime }}")
        rendered = template.render(at=datetime(2026, 11, 23, 13, 5))
        assert rendered == "23 nov. 2026 14:05:00"  # UTC+1 in winter
    finally:
        context.pop()
