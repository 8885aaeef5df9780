"""The whole-number question (``integer``): its definition, coding an answer, and XLSForm."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from surveyapp.i18n import LANGUAGES
from surveyapp.questionnaire import InvalidAnswers, QuestionnaireError, code_answers
from surveyapp.questionnaire import messages as m
from surveyapp.questionnaire.loader import build, load_fragments
from surveyapp.questionnaire.rules import form_rules
from surveyapp.questionnaire.xlsform import check_xlsform, read_xlsform, write_xlsform

ROOT = Path(__file__).resolve().parent.parent.parent
FRAGMENTS = load_fragments(ROOT / "questionnaires")


def _questionnaire(**alder):
    return build({
        "key": "prov", "title": "Prov", "respondent": "participant",
        "questions": [
            {"key": "alder", "type": "integer", "text": "Hur gammal är du?", "required": True,
             **alder},
            {"key": "timmar", "type": "integer", "text": "Timmar i veckan?"},
        ],
    })


def _coded(questionnaire, **raw):
    return code_answers(questionnaire, {key: [value] for key, value in raw.items()})


def _error(questionnaire, **raw):
    with pytest.raises(InvalidAnswers) as caught:
        _coded(questionnaire, **raw)
    return caught.value.errors


def test_a_whole_number_is_stored_as_its_number():
    q = _questionnaire(minimum=16, maximum=65)
    (alder,) = _coded(q, alder=" 34 ")
    assert (alder.question, alder.code, alder.number, alder.text) == ("alder", None, 34, None)
    assert [a.number for a in _coded(q, alder="16", timmar="0")] == [16, 0]
    assert [a.number for a in _coded(q, alder="65", timmar="-3")] == [65, -3]
    assert [a.number for a in _coded(q, alder="+40")] == [40]
    assert _coded(q, alder="34", timmar="  ") == _coded(q, alder="34")


@pytest.mark.parametrize(("written", "number"), [("٣٤", 34), ("۳۴", 34), ("3٤", 34), ("٠٢٠", 20)])
def test_arabic_and_persian_digits_are_read(written, number):
    (answer,) = _coded(_questionnaire(), alder=written)
    assert answer.number == number


@pytest.mark.parametrize("written", ["trettio", "3.5", "3,5", "1e3", "12 13", "0x1f", "1_000", "--2",
                                     "34\x00", "\ufeff34x", "1234567890", "½", "፫"])
def test_anything_but_a_whole_number_is_refused(written):
    assert _error(_questionnaire(), alder=written) == {"alder": m.Message(m.NOT_A_NUMBER)}


def test_the_limits_and_required_hold():
    q = _questionnaire(minimum=16, maximum=65)
    assert _error(q, alder="15") == {"alder": m.Message(m.TOO_SMALL, {"minimum": 16})}
    assert _error(q, alder="66") == {"alder": m.Message(m.TOO_LARGE, {"maximum": 65})}
    assert _error(q, alder="66")["alder"].render() == "Talet får vara högst 65."
    assert _error(q, timmar="3") == {"alder": m.Message(m.REQUIRED)}
    with pytest.raises(InvalidAnswers) as caught:
        code_answers(q, {"alder": ["20", "30"]})
    assert caught.value.errors == {"alder": m.Message(m.TOO_MANY)}


def test_a_definition_with_wrong_limits_or_options_is_refused():
    with pytest.raises(QuestionnaireError) as caught:
        _questionnaire(minimum=70, maximum=65)
    assert caught.value.problems == ["prov: alder: the minimum is larger than the maximum"]
    with pytest.raises(QuestionnaireError) as caught:
        build({"key": "prov", "title": "Prov", "respondent": "participant", "questions": [
            {"key": "a", "type": "integer", "text": "A", "options": [{"code": "x", "label": "X"}]},
            {"key": "b", "type": "text", "text": "B", "maximum": 3}]})
    assert caught.value.problems == ["prov: a: a integer question has no options",
                                     "prov: b: only an integer question has a minimum or maximum"]


def test_the_offline_rules_carry_the_limits():
    rules = form_rules(_questionnaire(minimum=16))
    alder, timmar = rules["questions"]
    assert alder["number"] == {"minimum": 16, "maximum": None} and timmar["number"]["minimum"] is None
    assert rules["messages"]["too_small"] == m.TOO_SMALL


# XLSForm

def _workbook(path: Path, rows: list[list]) -> Path:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    for row in [["type", "name", "label::Svenska (sv)", "label::English (en)", "required", "constraint"],
                *rows]:
        survey.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title"])
    settings.append(["prov", "Prov"])
    book.save(path)
    return path


def _read(path: Path):
    form = read_xlsform(path, LANGUAGES)
    return form, *check_xlsform(form, FRAGMENTS, path.name)


def test_xlsform_integer_with_its_range_reads_and_writes_back_the_same(tmp_path):
    path = _workbook(tmp_path / "prov.xlsx", [
        ["integer", "alder", "Hur gammal är du?", "How old are you?", "yes", ". >= 16 and . <= 65"],
        ["integer", "timmar", "Timmar i veckan?", None, None, ".>0"],
        ["integer", "barn", "Antal barn?", None, None, None],
    ])
    form, questionnaire, definition = _read(path)
    alder, timmar, barn = questionnaire.questions
    assert (alder.type, alder.minimum, alder.maximum, alder.required) == ("integer", 16, 65, True)
    assert (timmar.minimum, timmar.maximum) == (1, None)
    assert (barn.minimum, barn.maximum) == (None, None)
    assert form.translations["en"]["Hur gammal är du?"] == "How old are you?"

    again = tmp_path / "again.xlsx"
    write_xlsform(definition, again, form.translations, LANGUAGES, FRAGMENTS)
    book = load_workbook(again, read_only=True)
    rows = [[c.value for c in row] for row in book["survey"].iter_rows()]
    book.close()
    header = rows[0]
    written = {row[1]: dict(zip(header, row, strict=False)) for row in rows[1:]}
    assert written["alder"]["type"] == "integer" and written["alder"]["constraint"] == ". >= 16 and . <= 65"
    assert written["timmar"]["constraint"] == ". >= 1" and written["barn"]["constraint"] is None
    _, questionnaire_again, definition_again = _read(again)
    assert definition_again == definition and questionnaire_again == questionnaire

    from pyxform.xls2xform import convert

    xform = convert(str(again), validate=False).xform
    assert 'type="int"' in xform and "/data/alder" in xform


def test_xlsform_a_constraint_it_cannot_read_and_decimal_are_refused_by_row(tmp_path):
    path = _workbook(tmp_path / "prov.xlsx", [
        ["integer", "alder", "Ålder", None, None, ". >= 16 or . = 0"],
        ["decimal", "vikt", "Vikt", None, None, None],
        ["integer", "timmar", "Timmar", None, None, ". >= 5 and . >= 6"],
    ])
    with pytest.raises(QuestionnaireError) as caught:
        _read(path)
    assert caught.value.problems == [
        "survey row 2, column F (constraint): only a whole number range is understood: . >= 0 and . <= 120",
        "survey row 3, column A (type): surveyapp has no decimal numbers; ask for a whole number "
        "with integer",
        "survey row 4, column F (constraint): only a whole number range is understood: . >= 0 and . <= 120",
    ]
