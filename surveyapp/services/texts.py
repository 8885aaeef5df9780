"""Questionnaire texts in every language: translations and their review, kept in the database.

A questionnaire's Swedish texts are its definition's; their translations are rows of
``questionnaire_texts``, one per questionnaire, language and Swedish text (by its hash), so
every version that has the same Swedish words shares the row. :func:`translate` gives the
text of a questionnaire in a language, and every page, export and report reads its
questionnaire texts through it.

A language is offered for a questionnaire while every text a respondent sees in its current
version has a translation. When a new version changes a Swedish text, the old translation is
kept (shown to translators as "changed since it was translated") and the language is not
offered until the new text has one. The shipped gettext catalogs
(``translations/<lang>/LC_MESSAGES/questionnaires.po``) seed the rows (:func:`seed_from_catalogs`,
run with every ``surveyapp init``); after that the database is where translations are changed.
Interface texts stay in the gettext catalogs.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import event, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Account, QuestionnaireText, QuestionnaireVersion, TextGeneration, TranslationLink
from ..models._time import utcnow
from ..questionnaire import Questionnaire
from ..questionnaire.characters import has_forbidden_character
from ..questionnaire.extract import text_hash
from ..questionnaire.messages import CONTROL_CHARACTER, N_
from .share_links import find_working, revoke, token_digest, working_links

SOURCE_LANGUAGE = "sv"
#: the longest translation stored
MAX_TRANSLATION = 5000
#: how long a translator's link works unless staff choose otherwise
LINK_DAYS = 14
#: who saved the translations read from the shipped catalogs
FROM_CATALOG = "katalog"


class TextError(ValueError):
    """A translation that cannot be saved; ``msgid`` is the Swedish message (translated by the page)."""

    def __init__(self, msgid: str, **params) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


# ---- the texts of a questionnaire ------------------------------------------------------------


@dataclass(frozen=True)
class SourceText:
    """One Swedish text of a questionnaire, with every place it is used."""

    text: str
    hash: str
    places: tuple[str, ...]
    #: shown to respondents (else only in reports: a goal's label)
    respondent: bool


def _places(questionnaire: Questionnaire) -> list[tuple[str, str, bool]]:
    """(place, text, seen by respondents) for every text, in the questionnaire's order."""
    found = [("title", questionnaire.title, True), ("intro", questionnaire.intro, True)]
    found += [(f"roll {role.code}", role.label, True) for role in questionnaire.roles]
    for q in questionnaire.questions:
        found += [(q.key, q.text, True), (f"{q.key} help", q.help, True)]
        found += [(f"{q.key} {row.key}", row.text, True) for row in q.rows]
        for option in q.options:
            found += [(f"{q.key} {option.code}", option.label, True),
                      (f"{q.key} {option.code} help", option.help, True)]
    found += [(f"mål {goal.question} {n}", goal.label, False)
              for n, goal in enumerate(questionnaire.goals, 1)]
    return [(place, text, respondent) for place, text, respondent in found if text and text.strip()]


_source_cache: dict[int, tuple[Questionnaire, list[SourceText]]] = {}


def source_texts(questionnaire: Questionnaire) -> list[SourceText]:
    """Every Swedish text of ``questionnaire`` once, in its order (a text used in several
    places is one entry). Worked out once per built questionnaire."""
    cached = _source_cache.get(id(questionnaire))
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    entries: dict[str, tuple[str, list[str], list[bool]]] = {}
    for place, text, respondent in _places(questionnaire):
        entry = entries.setdefault(text_hash(text), (text, [], []))
        entry[1].append(place)
        entry[2].append(respondent)
    found = [SourceText(text, digest, tuple(places), any(flags))
             for digest, (text, places, flags) in entries.items()]
    with _lock:
        if len(_source_cache) >= 256:
            _source_cache.clear()
        _source_cache[id(questionnaire)] = (questionnaire, found)
    return found


def respondent_hashes(questionnaire: Questionnaire) -> list[str]:
    return [t.hash for t in source_texts(questionnaire) if t.respondent]


# ---- reading translations: one cache per process, kept under a counter -----------------------

_lock = threading.Lock()


@dataclass
class _Tables:
    #: (the database's address, the counter's value) it was read under
    stamp: tuple[str, int]
    #: {(questionnaire key, language): {source hash: translation}}
    by_key: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    #: {language: {source hash: translation}} over every questionnaire (reviewed ones first)
    merged: dict[str, dict[str, str]] = field(default_factory=dict)


_tables: _Tables | None = None
#: how long a process trusts the counter it read before reading it again: a translation saved
#: through another server process shows there within this time (at once in this process)
GENERATION_SECONDS = 5.0
_KEPT = "surveyapp.text_generation"


def generation() -> int:
    """The counter every change of a translation moves; read at most once every
    :data:`GENERATION_SECONDS` per app and process, and at once after this process changed a
    translation."""
    from flask import current_app

    kept = current_app.extensions.get(_KEPT)
    now = time.monotonic()
    if kept is None or now - kept[0] >= GENERATION_SECONDS:
        kept = current_app.extensions[_KEPT] = (now, _read_generation())
    return kept[1]


_GENERATION = select(TextGeneration.generation).where(TextGeneration.id == 1)


def _read_generation() -> int:
    return int(db.session.execute(_GENERATION).scalar() or 0)


def _bump() -> None:
    """Moves the counter in the caller's transaction; once it is committed, this process reads
    the translations anew."""
    # a new random value rather than one more: a transaction rolled back, or another database
    # (tests) at the same count, never meets translations read under its value
    table = TextGeneration.__table__
    connection = db.session.connection()
    value = secrets.randbits(31) or 1
    raised = connection.execute(update(table).where(table.c.id == 1).values(generation=value)).rowcount
    if not raised:
        connection.execute(table.insert().values(id=1, generation=value))
    db.session.info[_KEPT] = True


def _forget_generation(session: Session) -> None:
    """A change of a translation is committed in this process: its pages read them anew."""
    from flask import current_app, has_app_context

    if session.info.pop(_KEPT, False) and has_app_context():
        current_app.extensions.pop(_KEPT, None)


def _drop_note(session: Session, *_args) -> None:
    """A change rolled back is no change."""
    session.info.pop(_KEPT, None)


if not event.contains(Session, "after_commit", _forget_generation):
    event.listen(Session, "after_commit", _forget_generation)
    event.listen(Session, "after_rollback", _drop_note)


def _read_tables() -> _Tables:
    global _tables
    current = (str(db.engine.url), generation())
    tables = _tables
    if tables is not None and tables.stamp == current:
        return tables
    rows = db.session.execute(
        select(QuestionnaireText.questionnaire_key, QuestionnaireText.language,
               QuestionnaireText.source_hash, QuestionnaireText.translation,
               QuestionnaireText.reviewed_at)
        .order_by(QuestionnaireText.reviewed_at.is_(None), QuestionnaireText.id))
    tables = _Tables(current)
    for key, language, digest, translation, _reviewed in rows:
        tables.by_key.setdefault((key, language), {})[digest] = translation
        tables.merged.setdefault(language, {}).setdefault(digest, translation)
    # a process kept on a different database (tests) reads anew when the counter differs
    _tables = tables
    return tables


def translate(text: str | None, language: str, questionnaire_key: str | None = None) -> str:
    """The questionnaire text ``text`` (the Swedish source) in ``language``: the translation
    saved for it in questionnaire ``questionnaire_key`` (else in any questionnaire), or the
    Swedish text where there is none. Every questionnaire text shown anywhere comes from here."""
    if not text:
        return ""
    if language == SOURCE_LANGUAGE:
        return text
    try:
        tables = _read_tables()
    except SQLAlchemyError:
        db.session.rollback()  # no database (the error page): the Swedish text
        return text
    digest = text_hash(text)
    if questionnaire_key is not None:
        found = tables.by_key.get((questionnaire_key, language), {}).get(digest)
        if found:
            return found
    return tables.merged.get(language, {}).get(digest) or text


def translations_of(questionnaire_key: str, language: str) -> dict[str, str]:
    """{source hash: translation} of one questionnaire and language."""
    return dict(_read_tables().by_key.get((questionnaire_key, language), {}))


def source_translations(questionnaire: Questionnaire, languages) -> dict[str, dict[str, str]]:
    """{language: {Swedish text: translation}} of the questionnaire's texts (XLSForm export)."""
    found: dict[str, dict[str, str]] = {}
    for language in languages:
        if language == SOURCE_LANGUAGE:
            continue
        rows = translations_of(questionnaire.key, language)
        found[language] = {t.text: rows[t.hash] for t in source_texts(questionnaire) if t.hash in rows}
    return found


# ---- which languages are offered -------------------------------------------------------------


@dataclass(frozen=True)
class LanguageGap:
    """Why a language cannot be offered for a questionnaire."""

    #: not one text of the questionnaire is translated into it
    no_translation: bool = False
    #: texts with no translation, texts changed since they were translated, and all texts
    untranslated: int = 0
    stale: int = 0
    total: int = 0

    def __str__(self) -> str:
        """In English, for logs and the command line; staff pages word it in their own language."""
        if self.no_translation:
            return "no translation"
        parts = []
        if self.untranslated:
            parts.append(f"{self.untranslated} of {self.total} texts not translated")
        if self.stale:
            parts.append(f"{self.stale} of {self.total} texts changed since they were translated")
        return "; ".join(parts)


_complete: dict[int, tuple[Questionnaire, _Tables, list[str]]] = {}


def complete_languages(questionnaire: Questionnaire) -> list[str]:
    """The languages ``questionnaire`` can be answered in, Swedish first: those with a
    translation of every text a respondent sees. Worked out once per questionnaire and
    change of any translation."""
    from ..i18n import LANGUAGES

    try:
        tables = _read_tables()
    except SQLAlchemyError:
        db.session.rollback()
        return [SOURCE_LANGUAGE]
    cached = _complete.get(id(questionnaire))
    if cached is not None and cached[0] is questionnaire and cached[1] is tables:
        return list(cached[2])
    wanted = respondent_hashes(questionnaire)
    languages = [lang for lang in LANGUAGES if lang == SOURCE_LANGUAGE or all(
        digest in tables.by_key.get((questionnaire.key, lang), {}) for digest in wanted)]
    with _lock:
        if len(_complete) >= 256:
            _complete.clear()
        _complete[id(questionnaire)] = (questionnaire, tables, languages)
    return list(languages)


def language_gap(questionnaire: Questionnaire, language: str) -> LanguageGap | None:
    """Why ``language`` cannot be offered for ``questionnaire``, or None when it can."""
    if language == SOURCE_LANGUAGE:
        return None
    rows = _read_tables().by_key.get((questionnaire.key, language), {})
    wanted = respondent_hashes(questionnaire)
    missing = [digest for digest in wanted if digest not in rows]
    if not missing:
        return None
    if not rows:
        return LanguageGap(no_translation=True, untranslated=len(missing), total=len(wanted))
    stale = len(set(missing) & set(stale_translations(questionnaire, language)))
    return LanguageGap(untranslated=len(missing) - stale, stale=stale, total=len(wanted))


def language_gaps(questionnaire: Questionnaire) -> dict[str, LanguageGap]:
    """Every language that cannot be offered for ``questionnaire``, with the reason why."""
    from ..i18n import LANGUAGES

    gaps = {lang: language_gap(questionnaire, lang) for lang in LANGUAGES}
    return {lang: gap for lang, gap in gaps.items() if gap is not None}


# ---- translations whose Swedish text changed -------------------------------------------------


@dataclass(frozen=True)
class Stale:
    """A translation kept from an earlier version, of the Swedish words a place had then."""

    old_source: str
    translation: str
    reviewed: bool


def stale_translations(questionnaire: Questionnaire, language: str) -> dict[str, Stale]:
    """{source hash of a current text: the translation of what its place said before} for each
    current text with no translation whose place had a translated text in an earlier version."""
    from .questionnaires import definition_of

    rows = {r.source_hash: r for r in db.session.scalars(
        select(QuestionnaireText).filter_by(questionnaire_key=questionnaire.key, language=language))}
    current = {t.hash: t for t in source_texts(questionnaire) if t.hash not in rows}
    if not current:
        return {}
    wanted = {place: digest for digest, t in current.items() for place in t.places}
    found: dict[str, Stale] = {}
    versions = db.session.scalars(
        select(QuestionnaireVersion).filter_by(questionnaire_key=questionnaire.key)
        .order_by(QuestionnaireVersion.id.desc()))
    for version in versions:
        for place, text, _respondent in _places(definition_of(version)):
            digest = wanted.get(place)
            if digest is None or digest in found:
                continue
            old = rows.get(text_hash(text))
            if old is not None:
                found[digest] = Stale(old.source, old.translation, old.reviewed_at is not None)
    return found


# ---- what translators see --------------------------------------------------------------------


REVIEWED, TRANSLATED, STALE, MISSING = "reviewed", "translated", "stale", "missing"


@dataclass(frozen=True)
class TextRow:
    """One Swedish text beside its translation in one language, and its state."""

    source: SourceText
    #: the translation of this Swedish text (None: none yet)
    translation: str | None
    #: reviewed / translated (not reviewed) / stale (the Swedish text changed since) / missing
    state: str
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    #: for a stale text: what was translated before, and its translation
    stale: Stale | None = None

    @property
    def suggestion(self) -> str:
        """What the text box starts with: the translation, else the stale one."""
        if self.translation is not None:
            return self.translation
        return self.stale.translation if self.stale else ""


def text_rows(questionnaire: Questionnaire, language: str) -> list[TextRow]:
    rows = {r.source_hash: r for r in db.session.scalars(
        select(QuestionnaireText).filter_by(questionnaire_key=questionnaire.key, language=language))}
    stale = stale_translations(questionnaire, language)
    found = []
    for source in source_texts(questionnaire):
        row = rows.get(source.hash)
        if row is not None:
            state = REVIEWED if row.reviewed_at is not None else TRANSLATED
            found.append(TextRow(source, row.translation, state, row.reviewed_at, row.reviewed_by,
                                 row.updated_at, row.updated_by))
        elif source.hash in stale:
            found.append(TextRow(source, None, STALE, stale=stale[source.hash]))
        else:
            found.append(TextRow(source, None, MISSING))
    return found


# ---- saving ----------------------------------------------------------------------------------

EMPTY = N_("Skriv en översättning.")
TOO_LONG = N_("Översättningen är för lång: högst %(limit)s tecken.")
GONE = N_("Texten finns inte längre i enkäten. Ladda om sidan.")


def clean_translation(value: str) -> str:
    """The translation as stored: line ends as ``\\n``, outer spaces dropped; refused with a
    :class:`TextError` when empty, too long or holding a control character."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if has_forbidden_character(text):
        raise TextError(CONTROL_CHARACTER)
    if not text:
        raise TextError(EMPTY)
    if len(text) > MAX_TRANSLATION:
        raise TextError(TOO_LONG, limit=MAX_TRANSLATION)
    return text


@dataclass(frozen=True)
class Saved:
    row: QuestionnaireText
    #: the translation's words changed
    changed: bool
    #: it had been reviewed before this change
    was_reviewed: bool


def save_translation(questionnaire: Questionnaire, language: str, source_hash: str, value: str,
                     reviewed: bool, by: str) -> Saved:
    """Saves the translation of one current text (in the caller's transaction). ``reviewed``
    marks it reviewed by ``by``; a changed translation not marked so loses its review."""
    from ..i18n import LANGUAGES

    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        raise TextError(GONE)
    source = next((t for t in source_texts(questionnaire) if t.hash == source_hash), None)
    if source is None:
        raise TextError(GONE)
    text = clean_translation(value)
    row = db.session.scalar(select(QuestionnaireText).filter_by(
        questionnaire_key=questionnaire.key, language=language, source_hash=source_hash))
    now = utcnow()
    was_reviewed = row is not None and row.reviewed_at is not None
    if row is None:
        row = QuestionnaireText(questionnaire_key=questionnaire.key, language=language,
                                source_hash=source_hash, source=source.text, translation=text,
                                updated_at=now, updated_by=by[:254])
        db.session.add(row)
        changed = True
    else:
        changed = row.translation != text
        if changed:
            row.translation, row.updated_at, row.updated_by = text, now, by[:254]
            row.reviewed_at = row.reviewed_by = None
    if reviewed:
        row.reviewed_at, row.reviewed_by = now, by[:254]
    db.session.flush()
    _bump()
    return Saved(row, changed, was_reviewed)


def store_translations(questionnaire: Questionnaire, translations: dict[str, dict[str, str]],
                       by: str, replace: bool = True) -> dict[str, int]:
    """Stores ``{language: {Swedish text: translation}}`` for the questionnaire's texts (an
    XLSForm's ``label::English (en)`` columns, or the shipped catalogs); texts of other
    questionnaires and empty ones are left out. ``replace`` lets a different translation
    replace a stored one (its review is then cleared); otherwise only missing ones are added.
    Returns how many were added or changed per language. Nothing is committed."""
    from ..i18n import LANGUAGES

    stored: dict[str, int] = {}
    texts = source_texts(questionnaire)
    for language, given in translations.items():
        if language == SOURCE_LANGUAGE or language not in LANGUAGES or not given:
            continue
        by_hash = {text_hash(source): value for source, value in given.items() if source and value}
        rows = {r.source_hash: r for r in db.session.scalars(select(QuestionnaireText).filter_by(
            questionnaire_key=questionnaire.key, language=language))}
        count = 0
        now = utcnow()
        for source in texts:
            value = by_hash.get(source.hash)
            if value is None:
                continue
            try:
                value = clean_translation(value)
            except TextError:
                continue  # a catalog's or spreadsheet's unusable entry is not stored
            row = rows.get(source.hash)
            if row is None:
                db.session.add(QuestionnaireText(
                    questionnaire_key=questionnaire.key, language=language, source_hash=source.hash,
                    source=source.text, translation=value, updated_at=now, updated_by=by[:254]))
                count += 1
            elif replace and row.translation != value:
                row.translation, row.updated_at, row.updated_by = value, now, by[:254]
                row.reviewed_at = row.reviewed_by = None
                count += 1
        if count:
            stored[language] = count
    if stored:
        db.session.flush()
        _bump()
    return stored


def import_translations(questionnaire: Questionnaire, translations: dict[str, dict[str, str]],
                        source: str) -> dict[str, int]:
    """Stores the translations a questionnaire came with (an XLSForm's ``label::English (en)``
    columns, ``source`` naming the file) and records it in the audit log, in the caller's
    transaction. Every way a questionnaire is imported or published goes through here."""
    from .audit import record_audit

    stored = store_translations(questionnaire, translations, f"XLSForm {source}")
    if stored:
        record_audit(None, "translation.import", f"{questionnaire.key}: {source}: "
                     + ", ".join(f"{lang} {n}" for lang, n in sorted(stored.items())))
    return stored


def seed_from_catalogs(questionnaires: dict[str, Questionnaire], directory: str | Path) -> dict[str, int]:
    """Adds every translation the shipped catalogs hold for a text of these questionnaires that
    has none yet (fuzzy entries are not translations); stored ones are left as they are.
    Returns how many were added per questionnaire."""
    from ..translations import questionnaire_translations

    catalogs = questionnaire_translations(directory)
    added = {}
    for key, questionnaire in questionnaires.items():
        count = sum(store_translations(questionnaire, catalogs, FROM_CATALOG, replace=False).values())
        if count:
            added[key] = count
    return added


# ---- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextStatus:
    """One questionnaire in one language: how far its texts are translated, reviewed and recorded."""

    #: texts a respondent sees (these decide whether the language is offered)
    texts: int
    translated: int
    reviewed: int
    #: texts whose Swedish words changed since they were translated
    stale: int
    offered: bool
    #: spoken texts (questionnaire and interface) with a published recording, of all spoken
    #: texts; None where participants do not hear the questionnaire
    recorded: int | None = None
    spoken: int | None = None
    #: published recordings of texts no longer shown
    stale_recordings: int | None = None


def text_status(questionnaire: Questionnaire, language: str) -> TextStatus:
    rows = {r.source_hash: r for r in db.session.scalars(
        select(QuestionnaireText).filter_by(questionnaire_key=questionnaire.key, language=language))}
    wanted = respondent_hashes(questionnaire)
    stale = set(stale_translations(questionnaire, language)) & set(wanted)
    recorded = spoken = stale_recordings = None
    if questionnaire.answered_through_links:
        from .recordings import coverage

        item = coverage(questionnaire, language)
        recorded, spoken, stale_recordings = item.recorded, item.total, item.stale
    if language == SOURCE_LANGUAGE:
        return TextStatus(len(wanted), len(wanted), len(wanted), 0, True, recorded, spoken, stale_recordings)
    translated = [d for d in wanted if d in rows]
    reviewed = [d for d in translated if rows[d].reviewed_at is not None]
    return TextStatus(len(wanted), len(translated), len(reviewed), len(stale),
                      len(translated) == len(wanted), recorded, spoken, stale_recordings)


# ---- the translator's link -------------------------------------------------------------------


def create_link(label: str, questionnaire_key: str | None, language: str, account: Account | None,
                days: int = LINK_DAYS, may_record: bool = False) -> tuple[TranslationLink, str]:
    """A link for reviewing one language of one questionnaire (None: all); the plain token is
    returned once."""
    token = secrets.token_urlsafe(16)
    now = utcnow()
    link = TranslationLink(token_hash=token_digest(token), label=label.strip()[:200],
                           questionnaire_key=questionnaire_key, language=language,
                           created_by_id=account.id if account else None,
                           created_at=now, expires_at=now + timedelta(days=days), may_record=may_record)
    db.session.add(link)
    db.session.flush()
    return link, token


def find_link(token: str) -> TranslationLink | None:
    """The link while it works (not expired, not revoked), else None."""
    return find_working(TranslationLink, token)


def revoke_link(link: TranslationLink) -> None:
    revoke(link)


def active_links() -> list[TranslationLink]:
    return working_links(TranslationLink)
