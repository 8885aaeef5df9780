"""The gettext catalogs: compiling them, the interface texts a participant meets, and the
shipped questionnaire translations.

Interface texts are translated in ``translations/<lang>/LC_MESSAGES/messages.po``. The
questionnaire texts of ``questionnaires.po`` are the shipped translations that seed the
database (``surveyapp init``, :func:`surveyapp.services.texts.seed_from_catalogs`); after that a
questionnaire's translations are changed in the database, on the translator's page.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .questionnaire import Questionnaire
from .questionnaire.extract import respondent_texts

SOURCE_LANGUAGE = "sv"
DOMAINS = ("messages", "questionnaires")
#: where the interface texts a participant can meet come from (paths as in the catalogs' ``#:``)
PARTICIPANT_SOURCES = (
    "surveyapp/templates/survey/",
    "surveyapp/templates/_macros/",
    "surveyapp/templates/base.html",
    "surveyapp/templates/error.html",
    "surveyapp/templates/main/",
    "surveyapp/templates/invitations/",
    "surveyapp/templates/kiosk/thanks.html",
    "surveyapp/templates/kiosk/closed.html",
    "surveyapp/templates/kiosk/_kiosk.html",
    "surveyapp/errors.py",
    "surveyapp/web/survey/",
    "surveyapp/web/forms.py",
    "surveyapp/questionnaire/messages.py",
    "surveyapp/services/submissions.py",
)


@dataclass(frozen=True)
class CatalogState:
    """What a questionnaires catalog holds: translated msgids and fuzzy ones."""

    translated: frozenset[str]
    fuzzy: frozenset[str]


_cache: dict[Path, tuple[float, CatalogState]] = {}
_lock = threading.Lock()


def catalog_path(directory: str | Path, language: str, domain: str = "questionnaires") -> Path:
    return Path(directory) / language / "LC_MESSAGES" / f"{domain}.po"


def _state(path: Path) -> CatalogState | None:
    """The catalog's state, read once and then again only when the file changes."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    with path.open("rb") as fileobj:
        catalog = read_po(fileobj)
    translated, fuzzy = set(), set()
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        if message.fuzzy:
            fuzzy.add(message.id)
        elif message.string:
            translated.add(message.id)
    state = CatalogState(frozenset(translated), frozenset(fuzzy))
    with _lock:
        _cache[path] = (mtime, state)
    return state


def missing_texts(directory: str | Path, language: str, questionnaire: Questionnaire) -> dict[str, str]:
    """Texts of ``questionnaire`` that ``language`` lacks, each with ``"missing"`` or ``"fuzzy"``."""
    if language == SOURCE_LANGUAGE:
        return {}
    state = _state(catalog_path(directory, language))
    texts = respondent_texts(questionnaire)
    if state is None:
        return dict.fromkeys(texts, "missing")
    return {
        text: "fuzzy" if text in state.fuzzy else "missing"
        for text in texts
        if text not in state.translated
    }


def _catalog_files(directory: str | Path) -> tuple[str, ...]:
    """The .po and .mo files of every language's catalogs (as strings, for stat)."""
    from .i18n import LANGUAGES

    files = _catalog_files_of.get(str(directory))
    if files is None:
        files = _catalog_files_of[str(directory)] = tuple(
            str(catalog_path(directory, lang, domain).with_suffix(suffix))
            for lang in LANGUAGES for domain in DOMAINS for suffix in (".po", ".mo"))
    return files


def catalog_stamps(directory: str | Path) -> tuple:
    """The modification times of every catalog file: a page kept per process is kept under
    them, so that a changed translation is shown as soon as the app reads it. Read once per
    request."""
    from flask import has_request_context, request

    if not has_request_context():
        return _stamps(_catalog_files(directory))
    read = request.environ.setdefault("surveyapp.catalog_stamps", {})
    stamps = read.get(str(directory))
    if stamps is None:
        stamps = read[str(directory)] = _stamps(_catalog_files(directory))
    return stamps


def _stamps(files: tuple[str, ...]) -> tuple:
    stamps = []
    for name in files:
        try:
            stamps.append(os.stat(name).st_mtime_ns)
        except FileNotFoundError:
            stamps.append(None)
    return tuple(stamps)


_catalog_files_of: dict[str, tuple[str, ...]] = {}


def participant_interface_texts(directory: str | Path) -> list[str]:
    """The interface msgids a participant can meet, in the order of ``messages.pot``.

    Read from the template's ``#:`` locations, so a text added to a participant page is
    listed here once ``make translations`` has extracted it. Plural forms are left out.
    """
    path = Path(directory) / "messages.pot"
    with _lock:
        cached = _pot_cache.get(path)
    mtime = path.stat().st_mtime if path.exists() else None
    if cached and cached[0] == mtime:
        return cached[1]
    texts: list[str] = []
    if mtime is not None:
        with path.open("rb") as fileobj:
            for message in read_po(fileobj):
                if (message.id and isinstance(message.id, str)
                        and any(f.startswith(PARTICIPANT_SOURCES) for f, _line in message.locations)):
                    texts.append(message.id)
    with _lock:
        _pot_cache[path] = (mtime, texts)
    return texts


_pot_cache: dict[Path, tuple[float | None, list[str]]] = {}


def compile_catalogs(directory: str | Path) -> list[Path]:
    """Compiles every ``.po`` under ``directory`` whose ``.mo`` is missing or older (fuzzy left out).

    The same as ``pybabel compile``; the test suite calls it so that it runs from a clean checkout.
    """
    written = []
    for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as fileobj:
            catalog: Catalog = read_po(fileobj, locale=po.parent.parent.name, domain=po.stem)
        # written aside and renamed, so a process reading the catalog never sees half a file
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as fileobj:
            write_mo(fileobj, catalog, use_fuzzy=False)
        os.replace(partial, mo)
        written.append(mo)
    return written


def questionnaire_translations(directory: str | Path) -> dict[str, dict[str, str]]:
    """Every shipped language's questionnaire texts: {language: {Swedish text: translation}}.

    Fuzzy entries (changed since they were translated) and empty ones are left out.
    """
    from .i18n import LANGUAGES

    found: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        path = catalog_path(directory, language)
        if language == SOURCE_LANGUAGE or not path.exists():
            continue
        with path.open("rb") as fileobj:
            catalog = read_po(fileobj)
        found[language] = {
            message.id: message.string for message in catalog
            if message.id and isinstance(message.id, str) and isinstance(message.string, str)
            and message.string and not message.fuzzy
        }
    return found
