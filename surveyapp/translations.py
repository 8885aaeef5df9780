"""Which translations are complete enough to show to a respondent, and compiling them.

A language is offered for a questionnaire only while every text of that questionnaire is
translated and not fuzzy in ``translations/<lang>/LC_MESSAGES/questionnaires.po``. When a
questionnaire text changes, ``pybabel update`` marks its entry fuzzy and the language
disappears from that questionnaire's picker until a translator has checked the entry.
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


def language_problem(directory: str | Path, language: str, questionnaire: Questionnaire) -> str | None:
    """Why ``language`` cannot be offered for ``questionnaire`` (in English, for staff), or None."""
    if language == SOURCE_LANGUAGE:
        return None
    if not catalog_path(directory, language).exists():
        return "no translation catalog"
    missing = missing_texts(directory, language, questionnaire)
    if not missing:
        if not catalog_path(directory, language).with_suffix(".mo").exists():
            return "catalog not compiled (run make catalogs)"
        return None
    fuzzy = sum(1 for reason in missing.values() if reason == "fuzzy")
    untranslated = len(missing) - fuzzy
    total = len(respondent_texts(questionnaire))
    parts = []
    if untranslated:
        parts.append(f"{untranslated} of {total} texts not translated")
    if fuzzy:
        parts.append(f"{fuzzy} of {total} texts changed since they were translated (fuzzy)")
    return "; ".join(parts)


def complete_languages(directory: str | Path, questionnaire: Questionnaire) -> list[str]:
    """The languages ``questionnaire`` can be answered in, Swedish first."""
    from .i18n import LANGUAGES

    return [lang for lang in LANGUAGES if language_problem(directory, lang, questionnaire) is None]


def missing_languages(directory: str | Path, questionnaire: Questionnaire) -> dict[str, str]:
    """Every language that cannot be offered for ``questionnaire``, with the reason why."""
    from .i18n import LANGUAGES

    problems = {lang: language_problem(directory, lang, questionnaire) for lang in LANGUAGES}
    return {lang: reason for lang, reason in problems.items() if reason}


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
