"""One computation, three outputs: the page, the JSON and the Excel file agree cell by cell."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser

import pytest
from babel.numbers import format_decimal
from openpyxl import load_workbook

from tests import factories
from tests.exports.dataset import avslutningsenkat_rows, import_rows, progressionskort_rows, samverkan_rows

DASH = "–"


class Tables(HTMLParser):
    """Collects every ``<tr data-row>`` of the page: table id → row key → {cell class: text}."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict[str, dict[str, str]]] = {}
        self.table = self.row = self.cell = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.table = self.tables.setdefault(attrs["id"], {})
        elif tag == "tr" and self.table is not None and "data-row" in attrs:
            key = attrs["data-row"]
            if "data-item" in attrs:
                key = f"{attrs['data-item']}|{key}"
            self.row = self.table.setdefault(key, {})
        elif tag == "tr" and self.table is not None and "data-goal" in attrs:
            self.row = self.table.setdefault(attrs["data-goal"], {})
        elif tag in ("td", "th") and self.row is not None:
            self.cell = (attrs.get("class") or "").replace("num ", "").strip() or attrs.get("data-group")
            if attrs.get("data-group"):
                self.cell = attrs["data-group"]
            self.text = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None and self.cell:
            self.row[self.cell] = re.sub(r"[ \t\r\n]+", " ", self.text).strip(" ")
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell:
            self.text += data


def _pct_whole(k: int, n: int) -> str:
    whole = (Decimal(k) * 100 / Decimal(n)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole}\xa0%"


def _decimal(value: float) -> str:
    """Two decimals, half-up, Swedish: 3,125 → 3,13."""
    rounded = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format="#,##0.00", locale="sv")


def _count(value: int) -> str:
    return format_decimal(value, locale="sv")


def _signed(value: float) -> str:
    text = _decimal(value)
    return "+" + text if Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) > 0 else text


def _outputs(client, runner, tmp_path, questionnaire, by):
    args = [a for d in by for a in ("--by", d)]
    result = runner.invoke(args=["report", questionnaire, "--json", *args])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    path = tmp_path / f"{questionnaire}.xlsx"
    assert runner.invoke(args=["report", questionnaire, "--xlsx", str(path), *args]).exit_code == 0
    page = client.get(f"/reports/{questionnaire}", query_string={"by": by})
    assert page.status_code == 200
    parser = Tables()
    parser.feed(page.text)
    return doc, load_workbook(path), parser.tables


def _json_cells(question: dict) -> list[tuple[str, dict]]:
    """(page row key, cell) in the order the Excel sheet lists them."""
    cells = [("total", question)]
    cells += [(f"round:{name}", c) for name, c in question["rounds"].items()]
    for dim, groups in question["by"].items():
        cells += [(f"{dim}:{group}", c) for group, c in groups.items()]
    return cells


def _codebook(workbook) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """From the Kodbok: each item key's text, and its option labels by code."""
    rows = list(workbook["Kodbok"].iter_rows(values_only=True))
    header = rows[0]
    texts, labels = {}, {}
    for row in rows[1:]:
        line = dict(zip(header, row, strict=False))
        texts[line["Kolumn"]] = line["Text"]
        if line["Kod"]:
            labels.setdefault(line["Kolumn"], {})[line["Kod"]] = line["Etikett"]
    return texts, labels


def _blocks(workbook) -> dict[str, list[dict]]:
    """Every item block of the question sheets: its title (the item's text) → its rows, each
    a dict by header with the option columns as (label, "Antal") and (label, "%"), and the
    section it stands in under "section"."""
    blocks: dict[str, list[dict]] = {}
    for name in workbook.sheetnames:
        if name in ("Översikt", "Förändring", "Parvis", "Kodbok", "Svar", "Svarsfrekvens") \
                or "diagram" in name:
            continue
        rows = list(workbook[name].iter_rows(values_only=True))
        n = 0
        while n < len(rows) - 2:
            if rows[n + 1][0] != "Grupp":
                n += 1
                continue
            title, header, sub = rows[n][0], rows[n + 1], rows[n + 2]
            columns, label = [], None
            for col, (h, s_) in enumerate(zip(header, sub, strict=False)):
                if col < 7:
                    columns.append(h)
                else:
                    label = h or label
                    columns.append((label, s_))
            lines, section = [], None
            n += 3
            while n < len(rows) and rows[n][0] is not None:
                row = rows[n]
                if row[1] is None and all(v is None for v in row[1:]):
                    section = row[0]
                else:
                    lines.append({"section": section, **dict(zip(columns, row, strict=False))})
                n += 1
            blocks[title] = lines
    return blocks


def _excel_cells(lines: list[dict], rounds: int) -> list[dict]:
    """The block's rows in the JSON's order: the total, the rounds, then every group."""
    total = next(line for line in lines if line["Grupp"] == "Totalt")
    cells = [total]
    groups = [line for line in lines if line["Grupp"] != "Totalt"]
    cells += [line for line in groups if line["section"] == "Mättillfälle"]
    cells += [line for line in groups if line["section"] not in (None, "Mättillfälle")]
    assert all(line == total | {"section": line["section"]} for line in lines if line["Grupp"] == "Totalt")
    return cells


def _check_questions(doc, workbook, tables):
    texts, labels = _codebook(workbook)
    blocks = _blocks(workbook)
    checked = 0
    paired = "Parvis" in workbook.sheetnames
    for key, question in doc["questions"].items():
        if paired and texts[key] not in blocks:
            continue  # a paired questionnaire's background is not pooled over every rating
        lines = blocks[texts[key]]
        assert not any(key in str(v) for line in lines for v in line.values())
        cells = _json_cells(question)
        xlsx_rows = _excel_cells(lines, len(question["rounds"]))
        if len(question["rounds"]) == 1:
            cells = [c for c in cells if not c[0].startswith("round:")]
        assert len(xlsx_rows) == len(cells)
        page_rows = tables[f"item-{key}"]
        for (row_key, cell), xrow in zip(cells, xlsx_rows, strict=True):
            page = page_rows.get(row_key)
            if cell.get("suppressed"):
                assert cell == {"suppressed": True}
                assert xrow["n"] == DASH
                assert page is None or page["n"] == DASH
                continue
            assert xrow["n"] == cell["n"]
            if page is not None:
                assert page["n"] == format_decimal(cell["n"], format="#,##0", locale="sv")
            if "share" in cell:
                share = cell["share"]
                assert xrow["k"] == share["k"]
                if share["pct"] is None:
                    assert xrow["Andel"] == DASH
                else:
                    assert xrow["Andel"] == pytest.approx(share["pct"] / 100)
                    assert share["pct"] == float((Decimal(share["k"]) * 100 / Decimal(share["n"])).quantize(
                        Decimal("0.1"), rounding=ROUND_HALF_UP))
                if page is not None:
                    assert page["k"] == str(share["k"])
                    expected = DASH if share["pct"] is None else _pct_whole(share["k"], share["n"])
                    assert page["pct"] == expected
            if "mean" in cell:
                mean = cell["mean"]["value"]
                assert xrow["Medelvärde"] == (DASH if mean is None else pytest.approx(mean))
                if page is not None:
                    assert page["mean"] == (DASH if mean is None else _decimal(mean))
            answered = xrow["Svarande"]
            for code, count in cell["distribution"].items():
                label = labels[key][code]
                assert xrow[(label, "Antal")] == count
                pct = (Decimal(count) * 100 / Decimal(answered)).quantize(Decimal("0.1"), ROUND_HALF_UP)
                assert xrow[(label, "%")] == pytest.approx(float(pct) / 100)
            checked += 1
    return checked


def _check_goals(doc, workbook, tables):
    sheet = workbook["Översikt"]
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Mål")
    status_text = {"uppnatt": "Uppnått", "nara": "Nära", "ej_uppnatt": "Ej uppnått", "osaker": "Osäker",
                   None: DASH}
    lines = [r for r in rows[start + 1:] if r[0]]
    for index, goal in enumerate(doc["goals"]):
        xrows = [r for r in lines if r[0] == goal["label"]]
        cells = [("total", goal)] + [(f"{d}:{g}", f) for d, gs in goal["by"].items() for g, f in gs.items()]
        assert len(cells) == len(xrows)
        assert xrows[0][4] == "Totalt"
        page_row = tables["goals"][str(index)]
        for (key, figure), xrow in zip(cells, xrows, strict=True):
            value, k, n, status = xrow[5:9]
            page = page_row[key]
            if figure.get("suppressed") or figure["value"] is None:
                assert page == DASH
                assert value == DASH
                continue
            percentage = goal["measure"] in ("share", "moved_up")
            assert value == pytest.approx(figure["value"] / 100 if percentage else figure["value"])
            assert n == figure.get("n", figure.get("n_pairs"))
            assert k == figure.get("k")
            assert status == status_text[figure["status"]]
            assert status_text[figure["status"]] in page
            shown = _pct_whole(figure["k"], figure["n"]) if percentage else _signed(figure["value"])
            assert page.startswith(shown)
            if percentage:
                assert f"({_count(figure['k'])} av {_count(figure['n'])})" in page


def _check_shifts(doc, workbook, tables):
    texts, _labels = _codebook(workbook)
    rows = list(workbook["Förändring"].iter_rows(values_only=True))
    header = rows[0]
    excel = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    for key, question in doc["questions"].items():
        if "shift" not in question:
            continue
        cells = [("total", question["shift"])]
        for dim, groups in question["by"].items():
            cells += [(f"{dim}:{g}", c.get("shift", {"suppressed": True})) for g, c in groups.items()]
        xrows = [r for r in excel if r["Fråga"] == texts[key]]
        assert len(xrows) == len(cells)
        for (row_key, shift), xrow in zip(cells, xrows, strict=True):
            page = tables["shifts"][f"{key}|{row_key}"]
            if shift.get("suppressed"):
                assert xrow["Skillnad"] == DASH and page["delta"] == DASH
                continue
            assert (xrow["n från"], xrow["n till"]) == (shift["n_from"], shift["n_to"])
            assert xrow["Skillnad"] == pytest.approx(shift["delta"])
            assert page["delta"] == _signed(shift["delta"])
            if shift["ci95"]:
                assert xrow["KI 95 % låg"] == pytest.approx(shift["ci95"][0])
                assert page["ci"] == f"{_decimal(shift['ci95'][0])} till {_decimal(shift['ci95'][1])}"


def _p_value(p: float | None) -> str:
    if p is None:
        return DASH
    if p < 0.001:
        return "< 0,001"
    return format_decimal(Decimal(str(p)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP),
                          format="#,##0.000", locale="sv")


def _check_paired(doc, workbook, tables) -> int:
    texts, _labels = _codebook(workbook)
    rows = list(workbook["Parvis"].iter_rows(values_only=True))
    header = rows[0]
    excel = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    checked = 0
    for key, question in doc["questions"].items():
        if "paired" not in question:
            continue
        cells = [("total", question)]
        for dim, groups in question["by"].items():
            cells += [(f"{dim}:{g}", c) for g, c in groups.items()]
        xrows = [r for r in excel if r["Fråga"] == texts[key]]
        assert len(xrows) == len(cells)
        for (row_key, cell), xrow in zip(cells, xrows, strict=True):
            page = tables["paired"][f"{key}|{row_key}"]
            paired = cell.get("paired", {"suppressed": True})
            if cell.get("suppressed") or paired.get("suppressed") or not paired["n_pairs"]:
                assert xrow["Skillnad"] == DASH and page["delta"] == DASH
                continue
            assert xrow["Par"] == paired["n_pairs"]
            assert xrow["Skillnad"] == pytest.approx(paired["delta"])
            assert page["delta"] == _signed(paired["delta"])
            assert xrow["p (Wilcoxon)"] == (DASH if paired["p"] is None else pytest.approx(paired["p"]))
            assert page["p-value"] == _p_value(paired["p"])
            if paired["ci95"]:
                assert (xrow["KI 95 % låg"], xrow["KI 95 % hög"]) == (
                    pytest.approx(paired["ci95"][0]), pytest.approx(paired["ci95"][1]))
                assert page["ci"] == f"{_decimal(paired['ci95'][0])} till {_decimal(paired['ci95'][1])}"
            for column, moved in (("Ökat", "up"), ("Samma", "stayed"), ("Minskat", "down")):
                assert xrow[column] == pytest.approx(paired["moved"][moved]["pct"] / 100, abs=5e-4)
            checked += 1
    return checked


@pytest.fixture
def manager(client):
    factories.login(client, factories.user("pl@projekt.example", "projektledning"))


@pytest.fixture
def imported(runner, tmp_path):
    def run(questionnaire, rows, round_name):
        import_rows(runner, tmp_path, questionnaire, rows, round_name)

    return run


def test_avslutningsenkat_page_json_and_excel_agree(client, runner, tmp_path, manager, imported):
    imported("avslutningsenkat", avslutningsenkat_rows(200, seed=11), "Avslut 2026")
    doc, workbook, tables = _outputs(client, runner, tmp_path, "avslutningsenkat",
                                     ["kon", "fodelseregion", "organisation", "kon*fodelseregion"])
    assert _check_questions(doc, workbook, tables) > 50
    _check_goals(doc, workbook, tables)


def test_samverkan_rounds_and_shifts_agree(client, runner, tmp_path, manager, imported):
    imported("samverkan", samverkan_rows(40, month=3), "Mättillfälle 1")
    imported("samverkan", samverkan_rows(45, month=10, lift=1), "Mättillfälle 2")
    doc, workbook, tables = _outputs(client, runner, tmp_path, "samverkan", ["role", "organisation"])
    assert _check_questions(doc, workbook, tables) > 50
    _check_shifts(doc, workbook, tables)


def test_progressionskort_goals_agree(client, runner, tmp_path, manager, imported):
    imported("progressionskort", progressionskort_rows(50), "Löpande")
    doc, workbook, tables = _outputs(client, runner, tmp_path, "progressionskort", ["kon"])
    _check_questions(doc, workbook, tables)
    _check_goals(doc, workbook, tables)
    assert _check_paired(doc, workbook, tables) >= 8
