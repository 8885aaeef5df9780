"""The browser's answering rules (static/rules.js) hold a whole number to the server's rules:
the same refusals, in the same words, for the same written values."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from surveyapp.questionnaire import InvalidAnswers, code_answers
from surveyapp.questionnaire.loader import build
from surveyapp.questionnaire.rules import form_rules

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
WRITTEN = ["", "  ", "0", "16", " 34 ", "65", "66", "15", "-3", "+40", "٣٤", "۶۶", "3٤", "999999999",
           "1234567890", "trettio", "3.5", "3,5", "1e3", "12 13", "0x1f", "1_000", "--2", "34\x00", "½", "፫"]


def _questionnaire():
    return build({
        "key": "prov", "title": "Prov", "respondent": "participant",
        "questions": [
            {"key": "ja", "type": "single", "text": "Ja?", "options": [{"code": "ja", "label": "Ja"},
                                                                       {"code": "nej", "label": "Nej"}]},
            {"key": "alder", "type": "integer", "text": "Ålder?", "required": True, "minimum": 16,
             "maximum": 65},
            {"key": "timmar", "type": "integer", "text": "Timmar?", "minimum": 0,
             "show_if": [{"question": "ja", "in": ["ja"]}]},
            {"key": "barn", "type": "integer", "text": "Barn?"},
        ],
    })


def _server_errors(questionnaire, raw) -> dict[str, str]:
    try:
        code_answers(questionnaire, raw)
    except InvalidAnswers as exc:
        return {key: message.render() for key, message in exc.errors.items()}
    return {}


def test_browser_rules_match_the_servers_on_whole_numbers(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>rules</title>")
    page.add_script_tag(path=str(ROOT / "surveyapp" / "static" / "rules.js"))
    questionnaire = _questionnaire()
    rules = form_rules(questionnaire)
    rng = random.Random(22)
    cases = []
    for written in WRITTEN:  # each value in each question
        cases.append({"ja": ["ja"], "alder": [written], "timmar": [written], "barn": [written]})
    for _ in range(300):
        raw = {"ja": [rng.choice(["ja", "nej"])], "alder": [rng.choice(WRITTEN)]}
        if raw["ja"] == ["ja"] and rng.random() < 0.8:
            raw["timmar"] = [rng.choice(WRITTEN)]
        if rng.random() < 0.5:
            raw["barn"] = [rng.choice(WRITTEN)]
        if rng.random() < 0.1:
            raw["barn"] = ["3", "4"]
        cases.append(raw)
    found = page.evaluate(
        "([rules, cases]) => cases.map((raw) => SurveyRules.errors(rules, raw, null, false))", [rules, cases])
    kinds = set()
    for raw, browser_errors in zip(cases, found, strict=True):
        server = _server_errors(questionnaire, raw)
        assert browser_errors == server, raw
        kinds |= set(server.values())
    assert kinds >= {"Svara på frågan.", "Skriv ett heltal med siffror, till exempel 12.",
                     "Talet måste vara minst 16.", "Talet får vara högst 65.", "Talet måste vara minst 0.",
                     "Välj bara ett svar."}
    page.close()
