"""The shipped translation catalogs: complete where participants need them, placeholders intact.

Texts are extracted afresh from the code and the questionnaire files, with the same
configuration as ``make translations``, so a new interface text or a changed questionnaire
text fails here until it is translated in every shipped language.
"""

from __future__ import annotations

import os
import re
import subprocess
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from surveyapp.questionnaire import load_directory
from surveyapp.questionnaire.extract import extract_yaml
from surveyapp.translations import PARTICIPANT_SOURCES, missing_texts, participant_interface_texts

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
#: every shipped language but Swedish, the source
SHIPPED = ("en", "ar", "fa", "so", "ti", "uk")
PARTICIPANT_QUESTIONNAIRES = ("avslutningsenkat", "progressionskort")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
REVIEW = "Needs review by a native speaker"


def _not_hidden(path: str) -> bool:
    name = os.path.basename(path)
    return not name.startswith(".") and name not in ("__pycache__", "node_modules")


@cache
def extracted(domain: str) -> dict:
    """``{msgid: [source files]}`` of one domain, extracted from the working tree now."""
    with (TRANSLATIONS / f"{domain}.cfg").open() as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj)
    messages: dict = {}
    for filename, _line, msgid, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_not_hidden
    ):
        messages.setdefault(msgid, []).append(filename.replace(os.sep, "/"))
    return messages


@cache
def catalog(language: str, domain: str) -> Catalog:
    with (TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as fileobj:
        return read_po(fileobj, locale=language, domain=domain)


def _translated(message) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _participant_msgids() -> list:
    return [
        msgid for msgid, files in extracted("messages").items()
        if any(f.startswith(PARTICIPANT_SOURCES) for f in files)
    ]


def test_questionnaire_extraction_method_is_registered_for_babel():
    methods = {ep.name: ep.value for ep in entry_points(group="babel.extractors")}
    assert methods["questionnaire"] == "surveyapp.questionnaire.extract:extract_yaml"


def test_extraction_finds_every_text_a_participant_sees_with_where_it_is_used():
    with (ROOT / "questionnaires" / "avslutningsenkat.yaml").open("rb") as fileobj:
        found = {text: comments for _line, _f, text, comments in extract_yaml(fileobj, {}, [], {})}
    questionnaire = load_directory(ROOT / "questionnaires")["avslutningsenkat"][0]
    own = {questionnaire.title, questionnaire.intro}
    for q in questionnaire.questions:
        if not q.background:  # the background questions live in _background.yaml
            own |= {q.text, q.help} | {o.label for o in q.options} | {o.help for o in q.options}
    own.discard(None)
    assert own <= set(found)
    assert found["Mycket bättre"] == ["avslutningsenkat, mar_battre, option 5, label"]
    assert "Fördomsfritt bemötta" in found  # goal labels are translated for reports


def test_participant_interface_texts_come_from_the_expected_places():
    msgids = _participant_msgids()
    for text in ("Välj språk", "Skicka svaren", "Svara på frågan.", "Skriv deltagarkoden.",
                 "Tack för dina svar!", "Sidan finns inte. Kontrollera länken."):
        assert text in msgids


def test_the_recording_page_lists_every_participant_interface_text_of_the_code():
    """The recording page reads the texts from messages.pot: it must be extracted afresh."""
    in_code = {msgid for msgid in _participant_msgids() if isinstance(msgid, str)}
    assert set(participant_interface_texts(TRANSLATIONS)) == in_code, "run make translations"


@pytest.mark.parametrize("language", SHIPPED)
def test_participant_interface_is_translated(language):
    messages = catalog(language, "messages")
    missing = [msgid for msgid in _participant_msgids() if not _translated(messages.get(msgid))]
    assert missing == [], f"{language}: untranslated or fuzzy participant texts"


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("key", PARTICIPANT_QUESTIONNAIRES)
def test_participant_questionnaires_are_translated(language, key):
    questionnaire = load_directory(ROOT / "questionnaires")[key][0]
    assert missing_texts(TRANSLATIONS, language, questionnaire) == {}


@pytest.mark.parametrize("domain", ["messages", "questionnaires"])
def test_english_translates_every_text(domain):
    english = catalog("en", domain)
    missing = [msgid for msgid in extracted(domain) if not _translated(english.get(msgid))]
    assert missing == [], "untranslated or fuzzy English texts"


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("domain", ["messages", "questionnaires"])
def test_translations_keep_their_placeholders(language, domain):
    wrong = []
    for message in catalog(language, domain):
        if not message.id or not _translated(message):
            continue
        if isinstance(message.id, tuple):
            wanted = set(PLACEHOLDER.findall(message.id[0])) | set(PLACEHOLDER.findall(message.id[1]))
            forms = [set(PLACEHOLDER.findall(s)) for s in message.string]
            # a form for one or two may spell the number out; the general form keeps it
            if any(not form <= wanted for form in forms) or forms[-1] != set(
                PLACEHOLDER.findall(message.id[1])
            ):
                wrong.append(message.id)
        elif set(PLACEHOLDER.findall(message.id)) != set(PLACEHOLDER.findall(message.string)):
            wrong.append(message.id)
    assert wrong == []


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("domain", ["messages", "questionnaires"])
def test_every_shipped_translation_is_marked_for_review_by_a_native_speaker(language, domain):
    unmarked = [
        m.id for m in catalog(language, domain)
        if m.id and any(m.string if isinstance(m.string, tuple) else [m.string])
        and REVIEW not in m.user_comments
    ]
    assert unmarked == []


@pytest.mark.parametrize("language", SHIPPED)
def test_catalog_headers_name_their_language_and_plural_rule(language):
    messages = catalog(language, "messages")
    assert str(messages.locale) == language
    assert messages.num_plurals == Catalog(locale=language).num_plurals
    assert not messages.fuzzy


def test_compiled_catalogs_are_built_not_committed():
    """The set-up commands compile the .mo files; a committed one would go stale unseen."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip(f"git could not list the files: {listed.stderr.strip()}")
    assert listed.stdout.split() == []


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("domain", ["messages", "questionnaires"])
def test_every_catalog_compiles_without_errors(language, domain):
    """What ``make catalogs`` (pybabel compile) checks, fuzzy entries included."""
    problems = [(message.id, [str(e) for e in errors])
                for message, errors in catalog(language, domain).check()]
    assert problems == []
