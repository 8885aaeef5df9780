"""Response rates in the JSON report and the Excel summary: the same figures as the round page."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Round
from surveyapp.services.invitations import create_invitations, mark_used
from surveyapp.services.kiosk import count_kiosk_answer
from surveyapp.services.staff_rounds import set_expectations
from tests import factories


@pytest.fixture
def expected(samverkan):
    """Expected numbers on the first samverkan round for Mariestad's roles only; invitations
    and kiosk answers too."""
    first = db.session.scalar(select(Round).filter_by(questionnaire_key="samverkan", name="Mättillfälle 1"))
    mariestad = factories.organisation("Mariestad")
    set_expectations(first, {(mariestad.id, "kommunchef"): 10, (mariestad.id, "samordnare"): 5})
    issued = create_invitations(first, mariestad, "region", 4)
    mark_used(issued[0].invitation)
    count_kiosk_answer(first, mariestad, day=date(2026, 3, 2))
    count_kiosk_answer(first, mariestad, day=date(2026, 3, 2))
    db.session.commit()
    return first


def test_json_carries_each_rounds_response_rates(runner, expected):
    doc = json.loads(runner.invoke(args=["report", "samverkan", "--json"]).stdout)
    first, second = doc["response_rates"]
    assert (first["round"], second["round"]) == ("Mättillfälle 1", "Mättillfälle 2")
    rows = {(r["organisation"], r["role"]): r for r in first["by"]}
    chef, samordnare = rows[("Mariestad", "kommunchef")], rows[("Mariestad", "samordnare")]
    assert (chef["expected"], samordnare["expected"]) == (10, 5)
    answered = chef["answered"] + samordnare["answered"]
    # the total counts only the rows with an expected number
    assert first["total"] == {"answered": answered, "expected": 15,
                              "pct": round(answered * 100 / 15 + 1e-9, 1)}
    assert first["answered"] == 30 == sum(r["answered"] for r in first["by"])
    assert first["invitations"]["sent"] == 4 and first["invitations"]["used"] == 1
    assert first["kiosk_by_day"] == {"2026-03-02": 2}
    assert second["total"]["expected"] is None and second["total"]["pct"] is None


def test_excel_has_a_response_rate_sheet_with_the_same_figures(runner, tmp_path, expected):
    doc = json.loads(runner.invoke(args=["report", "samverkan", "--json"]).stdout)
    path = tmp_path / "samverkan.xlsx"
    assert runner.invoke(args=["report", "samverkan", "--xlsx", str(path)]).exit_code == 0
    rows = [list(r) for r in load_workbook(path)["Svarsfrekvens"].iter_rows(values_only=True)]
    assert rows[0] == ["Mättillfälle", "Organisation", "Roll", "Svar", "Förväntat", "Svarsfrekvens"]
    total = next(r for r in rows if r[:2] == ["Mättillfälle 1", "Totalt"])
    figures = doc["response_rates"][0]["total"]
    assert total[3:5] == [figures["answered"], 15]
    assert total[5] == pytest.approx(figures["pct"] / 100)  # one decimal, as every share in Excel
    chef = next(r for r in rows if r[:3] == ["Mättillfälle 1", "Mariestad", "Kommunchef"])
    assert chef[4] == 10
    assert ["Mättillfälle 1", "Mariestad", "Region", 4, 1] in [r[:5] for r in rows]
    assert ["Mättillfälle 1", "2026-03-02", 2, None, None, None] in rows


def test_excel_leaves_out_rows_with_nothing_expected_nor_answered(runner, tmp_path, expected):
    toreboda = factories.organisation("Töreboda")  # covered, but no answers and nothing expected
    expected.organisations.append(toreboda)
    db.session.commit()
    doc = json.loads(runner.invoke(args=["report", "samverkan", "--json"]).stdout)
    assert any(r["organisation"] == "Töreboda" for r in doc["response_rates"][0]["by"])
    path = tmp_path / "samverkan.xlsx"
    assert runner.invoke(args=["report", "samverkan", "--xlsx", str(path)]).exit_code == 0
    rows = [list(r) for r in load_workbook(path)["Svarsfrekvens"].iter_rows(values_only=True)]
    assert not [r for r in rows if r[1] == "Töreboda"]
    assert not [r for r in rows if r[3] == 0 and r[4] is None]
    assert ["Mättillfälle 1", "Mariestad", "Kommunchef"] in [r[:3] for r in rows]  # expected, kept
