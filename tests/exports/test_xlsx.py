"""``surveyapp report --xlsx``: the Excel summary, opened back with openpyxl."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from tests.exports.dataset import avslutningsenkat_rows


def _xlsx(runner, tmp_path, *args):
    path = tmp_path / "summary.xlsx"
    result = runner.invoke(args=["report", *args, "--xlsx", str(path)])
    assert result.exit_code == 0, result.output
    return load_workbook(path)


def _json(runner, *args) -> dict:
    return json.loads(runner.invoke(args=["report", *args, "--json"]).stdout)


def _rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _find(sheet, *start):
    """The first row whose leading cells are ``start``, with its row number."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if tuple(row[: len(start)]) == start:
            return number, row
    raise AssertionError(f"no row {start} on {sheet.title}")


def test_sheets_frozen_headers_filters_and_widths(runner, tmp_path, avslutningsenkat):
    wb = _xlsx(runner, tmp_path, "avslutningsenkat", "--by", "kon")
    assert wb.sheetnames == [
        "Översikt", "Bakgrund", "Frågor", "Förändring", "Svarsfrekvens", "Kodbok", "Svar",
    ]
    for name in ("Bakgrund", "Frågor", "Kodbok", "Svar"):
        sheet = wb[name]
        assert sheet.freeze_panes in ("A2", "B2")
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet.column_dimensions["A"].width > 10
    assert wb["Översikt"].freeze_panes is not None


def test_figures_are_numbers_with_percent_format(runner, tmp_path, avslutningsenkat):
    wb = _xlsx(runner, tmp_path, "avslutningsenkat", "--by", "kon")
    doc = _json(runner, "avslutningsenkat", "--by", "kon")
    sheet = wb["Frågor"]
    header = _rows(sheet)[0]
    number, row = _find(sheet, "tro_formaga", "Min samordnare tror på att jag kan få ett arbete.", "Totalt")
    share = doc["questions"]["tro_formaga"]["share"]
    pct = sheet.cell(number, header.index("Andel") + 1)
    assert pct.value == pytest.approx(share["pct"] / 100)
    assert pct.number_format == "0.0%"
    assert row[header.index("n")] == share["n"]
    assert row[header.index("k")] == share["k"]
    mean = sheet.cell(number, header.index("Medelvärde") + 1)
    assert mean.value == pytest.approx(doc["questions"]["tro_formaga"]["mean"]["value"])
    assert mean.number_format == "0.00"
    assert row[header.index("5")] == doc["questions"]["tro_formaga"]["distribution"]["5"]


def test_small_cells_show_a_dash_and_no_figure(runner, tmp_path, imported):
    rows = avslutningsenkat_rows(30, seed=9)
    for r in rows[:3]:
        r["kon"] = "annan"
    for r in rows[3:]:
        r["kon"] = "kvinna"
    imported("avslutningsenkat", rows, "Avslut")
    sheet = _xlsx(runner, tmp_path, "avslutningsenkat", "--by", "kon")["Frågor"]
    header = _rows(sheet)[0]
    _, row = _find(sheet, "mar_battre", "Hur mår du nu jämfört med innan du började i projektet?", "Kön",
                   "Annan definition")
    figures = row[header.index("n"): header.index("Medelvärde") + 1]
    assert figures == ("–", "–", "–", "–")
    assert all(v in ("–", None) for v in row[header.index("Medelvärde") + 1:])


def test_goal_table_with_coloured_status(runner, tmp_path, avslutningsenkat):
    wb = _xlsx(runner, tmp_path, "avslutningsenkat")
    doc = _json(runner, "avslutningsenkat")
    sheet = wb["Översikt"]
    number, row = _find(sheet, "Fördomsfritt bemötta")
    goal = next(g for g in doc["goals"] if g["question"] == "bemotande_samordnare")
    assert sheet.cell(number, 4).value == pytest.approx(0.9)
    assert sheet.cell(number, 4).number_format == "0.0%"
    assert sheet.cell(number, 5).value == pytest.approx(goal["value"] / 100)
    assert (sheet.cell(number, 6).value, sheet.cell(number, 7).value) == (goal["k"], goal["n"])
    assert [sheet.cell(number - 1, c).value for c in range(5, 9)] == ["Värde", "k", "n", "Status"]
    status = sheet.cell(number, 8)
    assert status.value == {"uppnatt": "Uppnått", "nara": "Nära", "ej_uppnatt": "Ej uppnått"}[goal["status"]]
    colours = {"Uppnått": "FFC6EFCE", "Nära": "FFFFEB9C", "Ej uppnått": "FFFFC7CE"}
    assert status.fill.fgColor.rgb == colours[status.value]
    groups = [c.value for c in sheet[number - 2] if c.value]
    assert groups[:4] == ["Totalt", "Kvinna", "Man", "Annan definition"]
    assert "Mariestad" in groups


def test_native_charts_bar_line_and_radar(runner, tmp_path, samverkan, progressionskort):
    wb = _xlsx(runner, tmp_path, "samverkan", "--by", "role")
    sheet = wb["Frågor"]
    kinds = [type(c).__name__ for c in sheet._charts]
    assert kinds.count("BarChart") == 4
    assert "LineChart" in kinds
    line = next(c for c in sheet._charts if type(c).__name__ == "LineChart")
    assert len(line.series) == 4
    assert len(wb["insatser_indikatorer"]._charts) == 11  # a line chart and a bar chart per row

    wb = _xlsx(runner, tmp_path, "progressionskort", "--by", "kon")
    radar = [c for c in wb["Parvis"]._charts if type(c).__name__ == "RadarChart"]
    assert len(radar) == 1
    assert len(radar[0].series) == 2


def test_shift_and_paired_sheets_match_the_json(runner, tmp_path, samverkan, progressionskort):
    sheet = _xlsx(runner, tmp_path, "samverkan")["Förändring"]
    doc = _json(runner, "samverkan")
    _, row = _find(sheet, "samverkan_ame_vard")
    shift = doc["questions"]["samverkan_ame_vard"]["shift"]
    assert row[4:13] == (shift["from"], shift["to"], shift["n_from"], shift["n_to"],
                         pytest.approx(row[8]), pytest.approx(row[9]), pytest.approx(shift["delta"]),
                         pytest.approx(shift["ci95"][0]), pytest.approx(shift["ci95"][1]))

    sheet = _xlsx(runner, tmp_path, "progressionskort")["Parvis"]
    doc = _json(runner, "progressionskort")
    _, row = _find(sheet, "soka_arbete")
    paired = doc["questions"]["soka_arbete"]["paired"]
    assert row[4] == paired["n_pairs"]
    assert row[7] == pytest.approx(paired["delta"])
    assert row[10] == pytest.approx(paired["p"])
    assert row[11] == pytest.approx(paired["moved"]["up"]["pct"] / 100)


def test_codebook_lists_questions_codes_and_labels(runner, tmp_path, samverkan):
    rows = _rows(_xlsx(runner, tmp_path, "samverkan")["Kodbok"])
    assert rows[0][:7] == ["Kolumn", "Fråga", "Rad", "Typ", "Text", "Kod", "Etikett"]
    samordnare = [v or "" for v in rows[2][:7]]
    assert samordnare == ["role", "role", "", "role", "Roll", "samordnare", "Samordnare"]
    vet_ej = next(r for r in rows if r[0] == "samverkan_ame_af" and r[5] == "vet_ej")
    assert vet_ej[6] == "Vet ej" and vet_ej[7] == "ja"
    assert any(r[0] == "insatser_indikatorer.halsa" for r in rows)


def test_answer_sheet_is_pseudonymous_and_leaves_free_text_out(runner, tmp_path, avslutningsenkat):
    rows = _rows(_xlsx(runner, tmp_path, "avslutningsenkat")["Svar"])
    assert len(rows) == 121
    assert "kommentar" not in rows[0]
    assert rows[0][:6] == ["response_id", "round", "submitted_at", "language", "organisation", "channel"]
    tro = rows[0].index("tro_formaga")
    assert all(isinstance(r[tro], int) for r in rows[1:])


def test_writing_answer_level_data_is_logged(runner, tmp_path, avslutningsenkat):
    from sqlalchemy import select

    from surveyapp.extensions import db
    from surveyapp.models import AuditEvent

    _xlsx(runner, tmp_path, "avslutningsenkat")
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.responses"))
    assert event.actor == "kommandorad"
    assert "avslutningsenkat (Avslut 2026; alla; 120 svar)" in event.detail


def test_free_text_that_looks_like_a_formula_stays_text(runner, tmp_path, avslutningsenkat):
    path = tmp_path / "with-text.xlsx"
    result = runner.invoke(args=["report", "avslutningsenkat", "--xlsx", str(path), "--with-text"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path)["Svar"]
    header = [c.value for c in sheet[1]]
    column = header.index("kommentar") + 1
    cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1)]
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in ("=", "-")]
    assert {c.value for c in risky} == {'=HYPERLINK("http://example.org")', "-tack"}
    assert all(c.data_type == "s" for c in risky)
    assert not any(c.hyperlink for c in cells)


def test_free_text_starting_with_plus_or_at_stays_text(runner, tmp_path, imported):
    rows = avslutningsenkat_rows(4)
    texts = ["+46 70 123 45 67", "@SUM(A1:A9)", "=1+1", "-2"]
    for row, text in zip(rows, texts, strict=True):
        row["kommentar"] = text
    imported("avslutningsenkat", rows, "Avslut 2026")
    path = tmp_path / "with-text.xlsx"
    result = runner.invoke(args=["report", "avslutningsenkat", "--xlsx", str(path), "--with-text"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path)["Svar"]
    column = [c.value for c in sheet[1]].index("kommentar") + 1
    cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1)]
    assert sorted(c.value for c in cells) == sorted(texts)
    assert all(c.data_type == "s" for c in cells)
