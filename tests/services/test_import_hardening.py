"""Imports: text that cannot be stored, formula cells, over-long fields and oversized files
are row errors with a clear message, never a traceback; nothing is stored then."""

from __future__ import annotations

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Response
from tests import factories
from tests.exports.dataset import ORGANISATIONS, avslutningsenkat_rows, write_csv


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _organisations() -> None:
    for name in ORGANISATIONS:
        factories.organisation(name)


def _import(runner, path, round_name="Avslut 2026"):
    return runner.invoke(args=["import", "avslutningsenkat", str(path), "--round", round_name])


def test_nul_and_control_characters_are_row_errors(runner, tmp_path):
    _organisations()
    rows = avslutningsenkat_rows(5)
    rows[1]["kommentar"] = "bra\x00stöd"
    rows[2]["organisation"] = "Mariestad\x00"
    rows[3]["language"] = "sv\x1b"
    result = _import(runner, write_csv(tmp_path / "nul.csv", rows))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "row 3, kommentar: Texten innehåller ett osynligt styrtecken" in result.output
    assert "row 4, organisation: Texten innehåller ett osynligt styrtecken" in result.output
    assert "row 5, language: Texten innehåller ett osynligt styrtecken" in result.output
    assert _count(Response) == 0


def test_the_demo_csv_writes_formula_text_as_text_and_imports_it_back_unchanged(runner, tmp_path):
    from surveyapp.models import Answer

    _organisations()
    rows = avslutningsenkat_rows(4)
    rows[0]["kommentar"], rows[1]["kommentar"] = "=1+1", "@SUM(A1)"
    path = write_csv(tmp_path / "formula.csv", rows)
    raw = path.read_text(encoding="utf-8-sig")
    assert "'=1+1" in raw and "'@SUM(A1)" in raw
    assert _import(runner, path).exit_code == 0
    texts = set(db.session.scalars(select(Answer.text).filter_by(question_key="kommentar")))
    assert {"=1+1", "@SUM(A1)"} <= texts
