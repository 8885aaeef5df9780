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


def _block(sheet, title: str) -> tuple[int, list, list[list]]:
    """An item's block on a question sheet: its first row number, header row and all rows."""
    rows = _rows(sheet)
    start = next(n for n, r in enumerate(rows) if r[0] == title)
    return start, rows[start + 1], rows


def _group(rows: list[list], start: int, *names: str) -> tuple[int, list]:
    """The first row after ``start`` named ``names[-1]``, after the rows named ``names[:-1]``."""
    n = start
    for name in names:
        n = next(i for i in range(n + 1, len(rows)) if rows[i][0] == name)
    return n + 1, rows[n]


def test_sheets_print_at_a_fixed_scale_with_headers_filters_and_widths(runner, tmp_path, avslutningsenkat):
    wb = _xlsx(runner, tmp_path, "avslutningsenkat", "--by", "kon")
    assert wb.sheetnames == [
        "Översikt", "Bakgrund", "Bakgrund – diagram", "Frågor", "Frågor – diagram", "Förändring",
        "Svarsfrekvens", "Kodbok", "Svar",
    ]
    for name in ("Kodbok", "Svar"):
        sheet = wb[name]
        assert sheet.freeze_panes in ("A2", "B2")
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet.print_title_rows == "$1:$1"
    for sheet in wb:
        assert sheet.page_setup.paperSize == 9
        fits = sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
        if sheet.title.endswith("diagram"):  # charts fill the page's width
            assert fits and sheet.page_setup.fitToHeight == 0
        else:  # a fixed scale that keeps the text at 8 pt or more; wide sheets go on over pages
            assert not fits and 80 <= int(sheet.page_setup.scale or 100) <= 100
        assert "Avslutningsenkät – sammanställning" in sheet.oddHeader.left.text
        assert "&P" in sheet.oddFooter.right.text and "&N" in sheet.oddFooter.right.text
        assert sheet.column_dimensions["A"].width > 10 or sheet.title.endswith("diagram")
    assert wb["Svar"].page_setup.orientation == "landscape"
    assert wb["Svar"].print_title_cols == "$A:$A"


def test_figures_are_numbers_with_percent_format(runner, tmp_path, avslutningsenkat):
    wb = _xlsx(runner, tmp_path, "avslutningsenkat", "--by", "kon")
    doc = _json(runner, "avslutningsenkat", "--by", "kon")
    sheet = wb["Frågor"]
    start, header, rows = _block(sheet, "Min samordnare tror på att jag kan få ett arbete.")
    number, row = _group(rows, start, "Kön", "Totalt")
    share = doc["questions"]["tro_formaga"]["share"]
    pct = sheet.cell(number, header.index("Andel") + 1)
    assert pct.value == pytest.approx(share["pct"] / 100)
    assert pct.number_format == "0.0%"
    assert row[header.index("n")] == share["n"]
    assert row[header.index("k")] == share["k"]
    mean = sheet.cell(number, header.index("Medelvärde") + 1)
    assert mean.value == pytest.approx(doc["questions"]["tro_formaga"]["mean"]["value"])
    assert mean.number_format == "0.00"
    # each option by its label, with its count and its percentage of those who answered
    column = header.index("Stämmer helt")
    assert rows[start + 2][column: column + 2] == ["Antal", "%"]
    count = doc["questions"]["tro_formaga"]["distribution"]["5"]
    assert row[column] == count
    answered = row[header.index("Svarande")]
    assert row[column + 1] == pytest.approx(round(100 * count / answered, 1) / 100)
    assert "tro_formaga" not in {c for r in rows for c in r}


def test_small_cells_show_a_dash_and_no_figure(runner, tmp_path, imported):
    rows = avslutningsenkat_rows(30, seed=9)
    for r in rows[:3]:
        r["kon"] = "annan"
    for r in rows[3:]:
        r["kon"] = "kvinna"
    imported("avslutningsenkat", rows, "Avslut")
    sheet = _xlsx(runner, tmp_path, "avslutningsenkat", "--by", "kon")["Frågor"]
    start, header, rows = _block(sheet, "Hur mår du nu jämfört med innan du började i projektet?")
    _, row = _group(rows, start, "Kön", "Annan definition")
    figures = row[header.index("n"): header.index("Andel") + 1]
    assert figures == ["–", "–", "–"]
    assert row[header.index("Medelvärde")] == "–"
    assert all(v in ("–", None) for v in row[header.index("Svarande"):])


def test_goal_table_with_coloured_status(runner, tmp_path, avslutningsenkat):
    wb = _xlsx(runner, tmp_path, "avslutningsenkat")
    doc = _json(runner, "avslutningsenkat")
    sheet = wb["Översikt"]
    number, row = _find(sheet, "Fördomsfritt bemötta")
    goal = next(g for g in doc["goals"] if g["question"] == "bemotande_samordnare")
    assert [c.value for c in sheet[number - 1]] == [
        "Mål", "Fråga", "Mått", "Målvärde", "Grupp", "Värde", "k", "n", "Status"]
    assert row[1] == "Hur har du blivit bemött av din samordnare?"
    assert row[4] == "Totalt"
    assert sheet.cell(number, 4).value == pytest.approx(0.9)
    assert sheet.cell(number, 4).number_format == "0.0%"
    assert sheet.cell(number, 6).value == pytest.approx(goal["value"] / 100)
    assert (sheet.cell(number, 7).value, sheet.cell(number, 8).value) == (goal["k"], goal["n"])
    status = sheet.cell(number, 9)
    assert status.value == {"uppnatt": "Uppnått", "nara": "Nära", "ej_uppnatt": "Ej uppnått"}[goal["status"]]
    colours = {"Uppnått": "FFC6EFCE", "Nära": "FFFFEB9C", "Ej uppnått": "FFFFC7CE"}
    assert status.fill.fgColor.rgb == colours[status.value]
    groups = [r[4] for r in _rows(sheet)[number - 1:] if r[0] == "Fördomsfritt bemötta"]
    assert groups[:4] == ["Totalt", "Kvinna", "Man", "Annan definition"]
    assert "Mariestad" in groups


def _chart_texts(chart) -> list[str]:
    """A chart's title lines and series names (a combined chart's too), as written in the file."""
    texts = []
    if chart.title is not None and chart.title.tx.rich is not None:
        for paragraph in chart.title.tx.rich.p:
            texts += "".join(run.t for run in paragraph.r or []).split("\n")
    for part in getattr(chart, "_charts", None) or [chart]:
        texts += [series.tx.v for series in part.series if series.tx is not None and series.tx.v]
    return texts


def test_native_charts_in_words_with_the_target_line(runner, tmp_path, samverkan, progressionskort,
                                                     avslutningsenkat):
    wb = _xlsx(runner, tmp_path, "avslutningsenkat", "--by", "kon")
    charts = wb["Frågor – diagram"]._charts
    kinds = [type(c).__name__ for c in charts]
    assert "BarChart" in kinds
    share = next(c for c in charts if "Hur har du blivit bemött av din samordnare?" in _chart_texts(c)
                 and c.grouping == "clustered")
    texts = _chart_texts(share)
    assert "Andel som svarat Bra per kön" in texts
    assert "Mål 90 %" in texts  # the goal's target, drawn as a line
    stacked = [c for c in charts if c.grouping == "percentStacked"]
    assert stacked and "Stämmer helt" in [s.tx.v for c in stacked for s in c.series]

    wb = _xlsx(runner, tmp_path, "samverkan", "--by", "role")
    assert "Matris 1 – diagram" in wb.sheetnames
    matrix = wb["Matris 1 – diagram"]._charts
    assert [s.tx.v for s in matrix[0].series] == ["Mättillfälle 1", "Mättillfälle 2"]
    assert "Inte alls" in [s.tx.v for s in matrix[1].series]

    wb = _xlsx(runner, tmp_path, "progressionskort", "--by", "kon")
    assert wb.sheetnames[:3] == ["Översikt", "Parvis", "Parvis – diagram"]
    assert "Bakgrund" not in wb.sheetnames
    radar = [c for c in wb["Parvis – diagram"]._charts if type(c).__name__ == "RadarChart"]
    assert len(radar) == 1
    assert [s.tx.v for s in radar[0].series] == ["Första skattningen", "Senaste skattningen"]


def test_shift_and_paired_sheets_match_the_json(runner, tmp_path, samverkan, progressionskort):
    sheet = _xlsx(runner, tmp_path, "samverkan")["Förändring"]
    doc = _json(runner, "samverkan")
    text = "Hur bra fungerar samverkan mellan arbetsmarknadsenheten och vården idag enligt dig?"
    _, row = _find(sheet, text)
    shift = doc["questions"]["samverkan_ame_vard"]["shift"]
    assert row[3:12] == (shift["from"], shift["to"], shift["n_from"], shift["n_to"],
                         pytest.approx(row[7]), pytest.approx(row[8]), pytest.approx(shift["delta"]),
                         pytest.approx(shift["ci95"][0]), pytest.approx(shift["ci95"][1]))

    sheet = _xlsx(runner, tmp_path, "progressionskort")["Parvis"]
    doc = _json(runner, "progressionskort")
    _, row = _find(sheet, "Hur gärna vill du söka ett arbete?")
    paired = doc["questions"]["soka_arbete"]["paired"]
    assert row[3] == paired["n_pairs"]
    assert row[6] == pytest.approx(paired["delta"])
    assert row[9] == pytest.approx(paired["p"])
    assert row[10] == pytest.approx(paired["moved"]["up"]["pct"] / 100)


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
    # coarsened: a row number, not the response's id; the month, not the day
    assert rows[0][:6] == ["row", "round", "month", "language", "organisation", "channel"]
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
    # four rows: coarsened, too few to release at all; the administrator's own sheet holds them
    result = runner.invoke(args=["report", "avslutningsenkat", "--xlsx", str(path), "--with-text",
                                 "--no-coarsen"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path)["Svar"]
    column = [c.value for c in sheet[1]].index("kommentar") + 1
    cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1)]
    assert sorted(c.value for c in cells) == sorted(texts)
    assert all(c.data_type == "s" for c in cells)
