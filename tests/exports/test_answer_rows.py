"""The answer sheet streamed from the database (services/answer_rows.py) against the table
built from the loaded frames (analysis/records.py ``answer_table``): the same rows, cells and
order, and the same sheet once written and read back with openpyxl."""

from __future__ import annotations

import random
from datetime import date

import pytest
from openpyxl import load_workbook

from surveyapp.analysis.records import AnswerRows, answer_table
from surveyapp.analysis.register import limit_enrolment
from surveyapp.analysis.report import build_report
from surveyapp.exports.xlsx import describe, write_xlsx
from surveyapp.extensions import db
from surveyapp.models import Organisation
from surveyapp.services.answer_rows import answer_rows
from surveyapp.services.frames import SelectionError, load_answers
from tests.exports.dataset import avslutningsenkat_rows, progressionskort_rows, samverkan_rows


def _texts(rows: list[dict]) -> list[dict]:
    """Free texts a spreadsheet could take for formulas, and some left empty."""
    risky = ["=1+1", "+46 70 123 45 67", "@SUM(A1:A9)", "-tack", "bra; tydligt", ""]
    rng = random.Random(5)
    for row in rows:
        if "kommentar" in row:
            row["kommentar"] = rng.choice(risky)
    return rows


@pytest.fixture
def answered(imported):
    imported("samverkan", samverkan_rows(30, month=3), "Mättillfälle 1")
    imported("samverkan", samverkan_rows(25, month=10, lift=1), "Mättillfälle 2")
    imported("avslutningsenkat", _texts(avslutningsenkat_rows(60)), "Avslut 2026")
    imported("progressionskort", progressionskort_rows(30), "Löpande")


def _organisation_ids(*names: str) -> set[int]:
    return {db.session.query(Organisation.id).filter_by(name=name).scalar() for name in names}


SELECTIONS = [
    ("samverkan", {}, False),
    ("samverkan", {"rounds": ("Mättillfälle 2",)}, False),
    ("samverkan", {"organisation_ids": ("Mariestad", "Skövde")}, False),
    ("samverkan", {"since": date(2026, 3, 10), "until": date(2026, 10, 20)}, False),
    ("avslutningsenkat", {}, False),
    ("avslutningsenkat", {}, True),
    ("progressionskort", {}, True),
]


@pytest.mark.parametrize(("key", "selection", "include_text"), SELECTIONS)
def test_streamed_rows_are_the_frame_table(answered, key, selection, include_text):
    if "organisation_ids" in selection:
        selection = {**selection, "organisation_ids": _organisation_ids(*selection["organisation_ids"])}
    expected = answer_table(load_answers(key, **selection), include_text)
    streamed = answer_rows(key, include_text=include_text, **selection)
    rows = list(streamed)
    assert streamed.columns == expected.columns
    assert len(rows) == len(expected.rows) > 0
    assert rows == list(expected.rows)
    assert streamed.count == len(rows)


def test_the_written_sheet_is_the_frame_tables(answered, tmp_path):
    data = load_answers("avslutningsenkat")
    report = build_report(data)
    reference = AnswerRows.of(answer_table(data, include_text=True))
    streamed = answer_rows("avslutningsenkat", include_text=True)
    before = write_xlsx(report, tmp_path / "frames.xlsx", answers=reference)
    after = write_xlsx(report, tmp_path / "streamed.xlsx", answers=streamed)

    def sheet(path):
        ws = load_workbook(path)["Svar"]
        return ([[(c.value, c.data_type, c.number_format) for c in row] for row in ws.iter_rows()],
                ws.auto_filter.ref)

    assert sheet(after) == sheet(before)
    values, _ref = sheet(after)
    assert len(values) == 61
    column = [v for v, _t, _f in values[0]].index("kommentar")
    texts = [row[column] for row in values[1:] if row[column][0] is not None]
    assert {v for v, _t, _f in texts} >= {"=1+1", "+46 70 123 45 67", "@SUM(A1:A9)"}
    assert all(t == "s" for _v, t, _f in texts)
    assert describe(report, streamed) == describe(report, reference)
    assert "60 svar med fritext" in describe(report, streamed)


def test_enrolment_limits_the_streamed_rows_as_the_frames(runner, tmp_path):
    from tests.project_data import load_project

    load_project(runner, tmp_path)
    for limits in ({"enrolled_until": date(2025, 3, 31)}, {"min_days": 200}):
        data = limit_enrolment(load_answers("avslut"), **limits)
        expected = answer_table(data)
        rows = list(answer_rows("avslut", **limits))
        assert rows == list(expected.rows)
        assert 0 < len(rows) < len(load_answers("avslut").responses)


def test_an_unknown_round_is_refused_before_anything_is_read(answered):
    with pytest.raises(SelectionError, match="no round 'Mättillfälle 9'"):
        answer_rows("samverkan", rounds=("Mättillfälle 9",))
    with pytest.raises(SelectionError):
        answer_rows("nothing")
