"""Languages, locale selection and locale-aware formatting.

Interface texts live in the ``messages`` gettext domain under ``translations/`` (see
``translations/README.md``); questionnaire texts (questions, options, help) are translated in
the database, per questionnaire (:mod:`surveyapp.services.texts`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from babel import Locale
from babel import numbers as babel_numbers
from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from .questionnaire import Questionnaire

if TYPE_CHECKING:
    from .services.texts import LanguageGap

#: every language participants can answer in, by its own name in its own script
LANGUAGES: dict[str, str] = {
    "sv": "Svenska",
    "en": "English",
    "ar": "العربية",
    "fa": "دری",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "uk": "Українська",
}
RTL = frozenset({"ar", "fa"})
#: languages of the staff pages
STAFF_LANGUAGES = ("sv", "en")
DEFAULT = "sv"

#: digits of the numbering systems CLDR gives as a locale's default, where not 0–9
_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹"}


def select_locale() -> str:
    """The participant's chosen language, else the staff user's, else Accept-Language."""
    chosen = getattr(g, "language", None)
    if chosen in LANGUAGES:
        return chosen
    try:
        if current_user and current_user.is_authenticated and current_user.language in STAFF_LANGUAGES:
            return current_user.language
    except SQLAlchemyError:
        pass  # the database is away: the error page speaks the browser's language
    return request.accept_languages.best_match(STAFF_LANGUAGES, default=DEFAULT)


def preferred_language(offered: list[str] | tuple[str, ...] = tuple(LANGUAGES)) -> str:
    """The offered language the browser asks for first: it preselects, it never decides alone.

    ``ar-SE`` or ``fa-AF`` count as their language, and Dari (``prs``) as ``fa``; the
    browser's order decides, not whether a tag matched exactly.
    """
    found = browser_language(offered)
    if found is not None:
        return found
    return DEFAULT if DEFAULT in offered else offered[0]


def browser_language(offered: list[str] | tuple[str, ...] = tuple(LANGUAGES)) -> str | None:
    """The offered language the browser asks for first (as :func:`preferred_language`), or
    None when it asks for none of them."""
    for value, _quality in request.accept_languages:
        base = value.replace("_", "-").split("-")[0].lower()
        base = "fa" if base == "prs" else base
        if base in offered:
            return base
    return None


def qtext(text: str | None, questionnaire_key: str | None = None) -> str:
    """A questionnaire text (question, option, help) in the current language: as translated
    for ``questionnaire_key``, else for the questionnaire being answered on this page
    (:func:`use_questionnaire`), else for any questionnaire.

    A page may give its own texts for the request (``g.questionnaire_texts``: Swedish text ->
    translation), as the preview of an uploaded spreadsheet does with the spreadsheet's.
    """
    if not text:
        return ""
    own = g.get("questionnaire_texts") if has_app_context() else None
    if own is not None:
        return own.get(text, text)
    from .services.texts import translate

    if questionnaire_key is None and has_request_context():
        questionnaire_key = request.environ.get(_QUESTIONNAIRE)
    return translate(text, str(get_locale()), questionnaire_key)


_QUESTIONNAIRE = "surveyapp.questionnaire_key"


def use_questionnaire(key: str) -> None:
    """Names the questionnaire this request shows: its texts are translated as saved for it."""
    if has_request_context():
        request.environ[_QUESTIONNAIRE] = key


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or str(get_locale())) in RTL else "ltr"


def native_digits(text: str, language: str | None = None) -> str:
    """Writes the digits 0–9 of ``text`` in the locale's own digits (Persian: ۱۲۳)."""
    locale = Locale.parse(language or str(get_locale()))
    digits = _DIGITS.get(locale.default_numbering_system)
    if not digits:
        return text
    return text.translate(str.maketrans("0123456789", digits))


def round_half_up(value: float, digits: int = 0) -> float:
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def format_number(value: float | int | None, digits: int | None = None) -> str:
    """A number in the reader's locale (Swedish: 2,92); ``digits`` fixes the decimals."""
    if value is None:
        return "–"
    locale = str(get_locale())
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    if digits is not None:
        value = round_half_up(value, digits)
    text = babel_numbers.format_decimal(value, format=pattern, locale=locale, numbering_system="default")
    return native_digits(text, locale)


def format_pct(value: float | None) -> str:
    """A percentage 0–100, half-up to a whole number, in the reader's locale (Swedish: 99 %)."""
    if value is None:
        return "–"
    locale = str(get_locale())
    text = babel_numbers.format_percent(
        round_half_up(value, 0) / 100, locale=locale, numbering_system="default"
    )
    return native_digits(text, locale)


def format_day(value: date | datetime | None, format: str = "medium") -> str:
    """A date in the reader's locale (Swedish: 23 nov. 2026)."""
    if value is None:
        return "–"
    return native_digits(format_date(value, format=format))


def format_moment(value: datetime | None) -> str:
    """A stored (UTC) time in the reader's locale and the installation's time zone."""
    if value is None:
        return "–"
    return native_digits(format_datetime(value, format="medium"))


def init_app(app: Flask) -> None:
    _compile_catalogs(app)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        qtext=qtext,
        text_direction=text_direction,
        current_language=lambda: str(get_locale()),
    )
    app.jinja_env.filters.update(
        pct=format_pct,
        number=format_number,
        decimal=lambda v, digits=2: format_number(v, digits),
        date=format_day,
        datetime=format_moment,
    )


def _compile_catalogs(app: Flask) -> None:
    """Compiles catalogs whose .mo is missing or stale, so a fresh checkout serves every language.

    ``make catalogs`` does the same; a read-only installation must have run it.
    """
    from .translations import compile_catalogs

    try:
        compile_catalogs(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    except OSError as exc:
        app.logger.warning("translation catalogs not compiled (%s); run make catalogs", exc)


def available_languages(questionnaire: Questionnaire | str) -> list[str]:
    """The languages a questionnaire can be answered in: Swedish and every language with a
    translation of each of its texts."""
    from .services.texts import complete_languages

    if isinstance(questionnaire, str):
        from .services.questionnaires import current_version, definition_of

        version = current_version(questionnaire)
        if version is None:
            return [DEFAULT]
        questionnaire = definition_of(version)
    # asked several times per page: the catalogs are looked at once per request
    cache = request.environ.setdefault("surveyapp.available_languages", {}) if has_request_context() else {}
    cached = cache.get(id(questionnaire))
    if cached is None or cached[0] is not questionnaire:
        languages = complete_languages(questionnaire)
        cached = cache[id(questionnaire)] = (questionnaire, languages)
    return list(cached[1])


def language_gaps(questionnaire: Questionnaire) -> dict[str, LanguageGap]:
    """For staff pages: each language not offered for ``questionnaire``, with the reason why."""
    from .services.texts import language_gaps as gaps

    return gaps(questionnaire)
