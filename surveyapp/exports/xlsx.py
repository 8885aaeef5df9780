"""The Excel summary of a report: goals, figures per question group with native charts,
shifts, paired changes, a codebook and the answers.

One XlsxWriter workbook in constant-memory mode, written row by row to a temporary file
and moved into place; formulas and links are never made from text, and every text cell is
written as text, so an answer such as ``=HYPERLINK(…)`` stays a string.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from ..analysis.report import Cell, ItemResult, Report
from ..questionnaire.types import question_type
from .labels import DASH, MEASURES, ROUND, STATUS, TOTAL, text

#: figures of one item start at this column on the question sheets
FIGURE_COLUMNS = ("n", "k", "Andel", "Medelvärde")
CHART_ROWS = 18
FILTERS = {"organisation": "Organisation", "since": "Från och med", "until": "Till och med"}


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _ranges(sheet: str, col: int, rows: Sequence[int]) -> str | None:
    """A chart reference to ``rows`` of one column, as a union of contiguous runs."""
    return _union(sheet, [(r, col) for r in rows])


def _union(sheet: str, cells: Sequence[tuple[int, int]]) -> str | None:
    """A chart reference to cells of one row or one column; runs of neighbours become ranges."""
    if not cells:
        return None
    runs: list[list[tuple[int, int]]] = []
    for cell in sorted(cells):
        last = runs[-1][-1] if runs else None
        if last and (cell == (last[0] + 1, last[1]) or cell == (last[0], last[1] + 1)):
            runs[-1].append(cell)
        else:
            runs.append([cell])
    parts = [
        f"{_quote(sheet)}!{xl_rowcol_to_cell(*run[0], True, True)}:{xl_rowcol_to_cell(*run[-1], True, True)}"
        for run in runs
    ]
    return "=" + parts[0] if len(parts) == 1 else "=(" + ",".join(parts) + ")"


def open_workbook(path: Path) -> xlsxwriter.Workbook:
    """A constant-memory workbook with formulas and links switched off."""
    return xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": str(Path(path).parent),
            "default_date_format": "yyyy-mm-dd hh:mm",
        },
    )


def formats(workbook: xlsxwriter.Workbook) -> dict:
    add = workbook.add_format
    return {
        "title": add({"bold": True, "font_size": 14}),
        "header": add({"bold": True, "bg_color": "#E7ECEA", "bottom": 1, "text_wrap": True,
                       "valign": "top"}),
        "group": add({"bold": True, "align": "center", "bg_color": "#E7ECEA"}),
        "text": add({"num_format": "@", "valign": "top"}),
        "wrap": add({"num_format": "@", "text_wrap": True, "valign": "top"}),
        "int": add({"num_format": "0"}),
        "int_left": add({"num_format": "0", "align": "left"}),
        "pct": add({"num_format": "0.0%"}),
        "mean": add({"num_format": "0.00"}),
        "p": add({"num_format": "0.000"}),
        "date": add({"num_format": "yyyy-mm-dd hh:mm"}),
        "dash": add({"num_format": "@", "align": "right"}),
        "uppnatt": add({"bg_color": "#C6EFCE", "font_color": "#006100", "num_format": "@"}),
        "nara": add({"bg_color": "#FFEB9C", "font_color": "#9C5700", "num_format": "@"}),
        "ej_uppnatt": add({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "@"}),
        "osaker": add({"bg_color": "#DDEBF7", "font_color": "#1F4E78", "num_format": "@"}),
    }


class SummaryWriter:
    def __init__(self, report: Report, path: Path | None = None, *, workbook=None, fmt=None,
                 prefix: str = ""):
        """Writes to a new workbook at ``path``, or into ``workbook`` (with its ``fmt`` formats),
        each sheet's name after ``prefix`` (one workbook holding several questionnaires)."""
        self.report = report
        self.prefix = prefix
        self.own_workbook = workbook is None
        self.workbook = open_workbook(path) if workbook is None else workbook
        if self.own_workbook:
            self.workbook.set_properties({"title": f"{report.questionnaire.title} – sammanställning"})
        self.f = fmt if fmt is not None else formats(self.workbook)

    def title(self, name: str) -> str:
        """A sheet's name in the workbook (at most 31 characters, as Excel allows)."""
        return (self.prefix + name)[:31]

    # cells ---------------------------------------------------------------------------------
    def put_text(self, ws, row: int, col: int, value: str | None, fmt: str = "text") -> None:
        if value is not None:
            ws.write_string(row, col, str(value), self.f[fmt])

    def put_number(self, ws, row: int, col: int, value: float | int | None, fmt: str) -> None:
        """A figure; a missing one (0 of 0, too few to estimate) shows as "–"."""
        if value is None:
            ws.write_string(row, col, DASH, self.f["dash"])
        else:
            ws.write_number(row, col, value, self.f[fmt])

    def header(self, ws, row: int, titles: Sequence[str], widths: Sequence[float] = ()) -> None:
        for col, title in enumerate(titles):
            ws.write_string(row, col, title, self.f["header"])
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

    # sheets --------------------------------------------------------------------------------
    def sheet(self, name: str):
        """A worksheet that prints landscape on A4, as wide as one page."""
        ws = self.workbook.add_worksheet(self.title(name))
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        return ws

    def write(self) -> None:
        self.overview()
        for title, items in self.question_groups():
            self.question_sheet(title, items)
        self.shifts()
        if self.report.questionnaire.paired:
            self.paired()
        if self.report.response_rates:
            self.response_rates()
        self.codebook()
        if self.report.answers is not None:
            self.answers()
        if self.own_workbook:
            self.workbook.close()

    def overview(self) -> None:
        r = self.report
        ws = self.sheet("Översikt")
        ws.set_column(0, 0, 44)
        ws.set_column(1, 1, 22)
        ws.set_column(2, 3, 12)
        self.put_text(ws, 0, 0, f"{r.questionnaire.title} – sammanställning", "title")
        lines = [
            ("Mättillfällen", ", ".join(r.rounds) or DASH),
            ("Urval", "; ".join(f"{FILTERS.get(k, k)}: {v}" for k, v in r.filters.items()) or "Alla svar"),
            ("Antal svar", r.respondents),
            ("Skapad (UTC)", r.generated_at.strftime("%Y-%m-%d %H:%M")),
            ("Små grupper", f"Grupper med färre än {r.threshold} svar visas som {DASH}."),
        ]
        for i, (name, value) in enumerate(lines, start=1):
            self.put_text(ws, i, 0, name)
            if isinstance(value, int):
                ws.write_number(i, 1, value, self.f["int_left"])
            else:
                self.put_text(ws, i, 1, value)
        top = len(lines) + 2
        if not r.goals:
            self.put_text(ws, top, 0, "Enkäten har inga mål.")
            return
        groups = [(TOTAL, None, None)]
        for dim in r.goal_dimensions:
            groups += [(text(g.label), dim.key, g.key) for g in dim.groups]
        columns = ["Mål", "Fråga", "Mått", "Målvärde"]
        per_group = ["Värde", "k", "n", "Status"]
        width = len(per_group)
        for col, (name, _, _) in enumerate(groups):
            first = len(columns) + col * width
            ws.merge_range(top, first, top, first + width - 1, name, self.f["group"])
        columns += per_group * len(groups)
        self.header(ws, top + 1, columns)
        ws.set_column(4, len(columns) - 1, 11)
        ws.freeze_panes(top + 2, 1)
        ws.autofilter(top + 1, 0, top + 1 + len(r.goals), len(columns) - 1)
        for i, result in enumerate(r.goals, start=top + 2):
            goal = result.goal
            value_format = "pct" if result.is_percentage else "mean"
            self.put_text(ws, i, 0, goal.label, "wrap")
            self.put_text(ws, i, 1, goal.question)
            self.put_text(ws, i, 2, MEASURES[goal.measure])
            target = goal.target / 100 if result.is_percentage else goal.target
            ws.write_number(i, 3, target, self.f[value_format])
            for col, (_, dim, group) in enumerate(groups):
                figure = result.total if dim is None else result.by[dim][group]
                first = 4 + col * width
                if figure.suppressed:
                    for c in range(width):
                        self.put_text(ws, i, first + c, DASH, "dash")
                    continue
                value = figure.share.fraction if figure.share is not None else figure.delta
                self.put_number(ws, i, first, value, value_format)
                if figure.share is not None:  # a mean shift has no k
                    self.put_number(ws, i, first + 1, figure.share.k, "int")
                self.put_number(ws, i, first + 2, figure.n, "int")
                status = figure.status.value if figure.status else None
                if status:
                    self.put_text(ws, i, first + 3, STATUS[status], status)
                else:
                    self.put_text(ws, i, first + 3, DASH, "dash")

    def question_groups(self) -> list[tuple[str, list[ItemResult]]]:
        """Background questions, the other questions, and each matrix on its own sheet."""
        background = [i for i in self.report.items if i.item.question.background]
        matrices: dict[str, list[ItemResult]] = {}
        others = []
        for i in self.report.items:
            if i.item.question.background:
                continue
            if i.item.row is not None:
                matrices.setdefault(i.item.question.key, []).append(i)
            else:
                others.append(i)
        groups = [("Bakgrund", background), ("Frågor", others)]
        groups += [(key[:31], items) for key, items in matrices.items()]
        return [(title, items) for title, items in groups if items]

    def _rows_of(self, result: ItemResult) -> Iterable[tuple[str, str, Cell, str]]:
        """(dimension label, group label, cell, kind) for each row of one item's block."""
        yield TOTAL, "Alla", result.total, "total"
        for name, c in result.rounds.items():
            yield ROUND, name, c, "round"
        for dim in self.report.dimensions:
            for group in dim.groups:
                yield text(dim.label), text(group.label), result.by[dim.key][group.key], "group"

    def question_sheet(self, title: str, items: list[ItemResult]) -> None:
        ws = self.sheet(title)
        codes: list[str] = []
        for i in items:
            for code in i.item.question.option_codes:
                if code not in codes:
                    codes.append(code)
        columns = ["Fråga", "Frågetext", "Indelning", "Grupp", *FIGURE_COLUMNS, *codes]
        self.header(ws, 0, columns, [24, 40, 18, 26, 7, 7, 9, 11] + [8] * len(codes))
        ws.freeze_panes(1, 1)
        code_col = {code: 8 + n for n, code in enumerate(codes)}
        chart_col = len(columns) + 1
        row = 1
        charts = []
        round_rows: dict[str, list[int]] = {}
        for result in items:
            item = result.item
            shown_rows, first_row = [], row
            for dim_label, group, c, kind in self._rows_of(result):
                self.put_text(ws, row, 0, item.key)
                self.put_text(ws, row, 1, (item.row.text if item.row else item.question.text), "text")
                self.put_text(ws, row, 2, dim_label)
                self.put_text(ws, row, 3, group)
                if c.suppressed:
                    for col in range(4, 8 + len(codes)):
                        if col < 8 or col - 8 < len(codes) and codes[col - 8] in item.question.option_codes:
                            self.put_text(ws, row, col, DASH, "dash")
                else:
                    f = c.figures
                    ws.write_number(row, 4, f.n, self.f["int"])
                    if f.share is not None:
                        ws.write_number(row, 5, f.share.k, self.f["int"])
                        self.put_number(ws, row, 6, f.share.fraction, "pct")
                        if f.share.fraction is not None:
                            shown_rows.append(row)
                    if f.mean is not None:
                        self.put_number(ws, row, 7, f.mean.value, "mean")
                    for code, count in f.distribution:
                        ws.write_number(row, code_col[code], count, self.f["int"])
                if kind == "round":
                    round_rows.setdefault(item.key, []).append(row)
                row += 1
            charts.append(self._item_chart(self.title(title), result, first_row, shown_rows, code_col))
        ws.autofilter(0, 0, max(row - 1, 1), len(columns) - 1)
        place = 1
        means = [i for i in items if i.item.has_mean]
        if len(self.report.rounds) >= 2 and means:
            chart = self.workbook.add_chart({"type": "line"})
            for i in means:
                rows = round_rows[i.item.key]
                chart.add_series({
                    "name": i.item.key,
                    "categories": _ranges(self.title(title), 3, rows),
                    "values": _ranges(self.title(title), 7, rows),
                    "marker": {"type": "circle"},
                })
            chart.set_title({"name": "Medelvärde per mättillfälle"})
            chart.set_y_axis({"min": 1, "max": 5, "major_unit": 1})
            chart.set_size({"width": 620, "height": 340})
            ws.insert_chart(place, chart_col, chart)
            place += CHART_ROWS
        for chart in charts:
            if chart is not None:
                ws.insert_chart(place, chart_col, chart)
                place += CHART_ROWS

    def _item_chart(self, sheet: str, result: ItemResult, first_row: int, shown_rows: list[int],
                    code_col: dict[str, int]):
        item = result.item
        if item.has_share:
            if not shown_rows:
                return None
            chart = self.workbook.add_chart({"type": "bar"})
            chart.add_series({
                "name": "Andel",
                "categories": _ranges(sheet, 3, shown_rows),
                "values": _ranges(sheet, 6, shown_rows),
                "data_labels": {"value": True, "num_format": "0%"},
                "fill": {"color": "#0B6E4F"},
            })
            chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
            chart.set_y_axis({"reverse": True})
            chart.set_title({"name": f"{item.key}: andel positiva svar", "name_font": {"size": 11}})
        else:
            codes = item.question.option_codes
            cols = [code_col[c] for c in codes]
            chart = self.workbook.add_chart({"type": "column"})
            chart.add_series({
                "name": "Antal",
                "categories": _union(sheet, [(0, c) for c in cols]),
                "values": _union(sheet, [(first_row, c) for c in cols]),
                "data_labels": {"value": True},
                "fill": {"color": "#0B6E4F"},
            })
            chart.set_title({"name": f"{item.key}: fördelning", "name_font": {"size": 11}})
        chart.set_legend({"none": True})
        chart.set_size({"width": 620, "height": 340})
        return chart

    def shifts(self) -> None:
        r = self.report
        ws = self.sheet("Förändring")
        columns = ["Fråga", "Frågetext", "Indelning", "Grupp", "Från", "Till", "n från", "n till",
                   "Medel från", "Medel till", "Skillnad", "KI 95 % låg", "KI 95 % hög"]
        self.header(ws, 0, columns, [24, 40, 18, 26, 16, 16, 8, 8, 10, 10, 10, 11, 11])
        ws.freeze_panes(1, 1)
        row = 1
        for result in r.items:
            cells = [(TOTAL, "Alla", result.total)]
            for dim in r.dimensions:
                cells += [(text(dim.label), text(g.label), result.by[dim.key][g.key]) for g in dim.groups]
            for dim_label, group, c in cells:
                shift = None if c.suppressed else c.shift
                if shift is None and not (c.suppressed and result.total.shift is not None):
                    continue
                item = result.item
                self.put_text(ws, row, 0, item.key)
                self.put_text(ws, row, 1, item.row.text if item.row else item.question.text)
                self.put_text(ws, row, 2, dim_label)
                self.put_text(ws, row, 3, group)
                self.put_text(ws, row, 4, result.total.shift.from_round)
                self.put_text(ws, row, 5, result.total.shift.to_round)
                if shift is None or shift.suppressed:
                    for col in range(6, 13):
                        self.put_text(ws, row, col, DASH, "dash")
                else:
                    self.put_number(ws, row, 6, shift.n_from, "int")
                    self.put_number(ws, row, 7, shift.n_to, "int")
                    self.put_number(ws, row, 8, shift.mean_from, "mean")
                    self.put_number(ws, row, 9, shift.mean_to, "mean")
                    self.put_number(ws, row, 10, shift.delta, "mean")
                    self.put_number(ws, row, 11, shift.ci95[0] if shift.ci95 else None, "mean")
                    self.put_number(ws, row, 12, shift.ci95[1] if shift.ci95 else None, "mean")
                row += 1
        if row == 1:
            self.put_text(ws, 1, 0, "Välj minst två mättillfällen för att se förändringen mellan dem.")
        else:
            ws.autofilter(0, 0, row - 1, len(columns) - 1)

    def paired(self) -> None:
        r = self.report
        ws = self.sheet("Parvis")
        columns = ["Fråga", "Frågetext", "Indelning", "Grupp", "Par", "Medel första", "Medel senaste",
                   "Skillnad", "KI 95 % låg", "KI 95 % hög", "p (Wilcoxon)", "Ökat", "Samma", "Minskat"]
        self.header(ws, 0, columns, [24, 40, 18, 26, 7, 12, 12, 10, 11, 11, 12, 9, 9, 9])
        ws.freeze_panes(1, 1)
        paired_items = [i for i in r.items if i.total.paired is not None]
        rows = [(i, TOTAL, "Alla", i.total) for i in paired_items]
        for dim in r.dimensions:
            for i in paired_items:
                rows += [(i, text(dim.label), text(g.label), i.by[dim.key][g.key]) for g in dim.groups]
        row = 1
        radar_rows = []
        for result, dim_label, group, c in rows:
            item = result.item
            self.put_text(ws, row, 0, item.key)
            self.put_text(ws, row, 1, item.question.text)
            self.put_text(ws, row, 2, dim_label)
            self.put_text(ws, row, 3, group)
            p = None if c.suppressed else c.paired
            if p is None or p.suppressed:
                for col in range(4, 14):
                    self.put_text(ws, row, col, DASH, "dash")
            else:
                self.put_number(ws, row, 4, p.n_pairs, "int")
                self.put_number(ws, row, 5, p.mean_first, "mean")
                self.put_number(ws, row, 6, p.mean_latest, "mean")
                self.put_number(ws, row, 7, p.delta, "mean")
                self.put_number(ws, row, 8, p.ci95[0] if p.ci95 else None, "mean")
                self.put_number(ws, row, 9, p.ci95[1] if p.ci95 else None, "mean")
                self.put_number(ws, row, 10, p.p, "p")
                for col, share in enumerate((p.movement.up, p.movement.stayed, p.movement.down), start=11):
                    self.put_number(ws, row, col, share.fraction, "pct")
                if dim_label == TOTAL and item.question.type == "scale" and p.mean_first is not None:
                    radar_rows.append(row)
            row += 1
        ws.autofilter(0, 0, max(row - 1, 1), len(columns) - 1)
        if radar_rows:
            chart = self.workbook.add_chart({"type": "radar", "subtype": "with_markers"})
            for col, name in ((5, "Första skattningen"), (6, "Senaste skattningen")):
                chart.add_series({
                    "name": name,
                    "categories": _ranges(self.title("Parvis"), 0, radar_rows),
                    "values": _ranges(self.title("Parvis"), col, radar_rows),
                })
            chart.set_title({"name": "Medelvärde per fråga: första och senaste skattningen"})
            chart.set_y_axis({"min": 0, "max": 5, "major_unit": 1})
            chart.set_size({"width": 640, "height": 460})
            ws.insert_chart(1, len(columns) + 1, chart)

    def response_rates(self) -> None:
        """Answers against the expected numbers per round, organisation and role; invitations
        used of sent; kiosk answers per day."""
        roles = {r.code: r.label for r in self.report.questionnaire.roles}
        ws = self.sheet("Svarsfrekvens")
        columns = ["Mättillfälle", "Organisation", "Roll", "Svar", "Förväntat", "Svarsfrekvens"]
        self.header(ws, 0, columns, [22, 26, 20, 10, 11, 13])
        ws.freeze_panes(1, 0)
        row = 1

        def rate_line(round_name: str, organisation: str, role: str, rate) -> None:
            nonlocal row
            for col, value in enumerate((round_name, organisation, role)):
                self.put_text(ws, row, col, value)
            ws.write_number(row, 3, rate.answered, self.f["int"])
            if rate.expected is not None:
                ws.write_number(row, 4, rate.expected, self.f["int"])
            self.put_number(ws, row, 5, rate.fraction, "pct")
            row += 1

        for rates in self.report.response_rates:
            for line in rates.rows:
                rate_line(rates.round, line.organisation, roles.get(line.role, line.role or ""), line.rate)
            rate_line(rates.round, TOTAL, "", rates.total)
        if any(r.answered != r.total.answered for r in self.report.response_rates):
            row += 1
            self.put_text(ws, row, 0, "Totalt räknar bara svar där ett antal förväntas.")
            row += 1

        if any(r.invitations for r in self.report.response_rates):
            row += 1
            for col, title in enumerate(["Mättillfälle", "Organisation", "Roll", "Inbjudningar", "Använda"]):
                ws.write_string(row, col, title, self.f["header"])
            row += 1
            for rates in self.report.response_rates:
                for inv in rates.invitations:
                    role = roles.get(inv.role, inv.role or "")
                    for col, value in enumerate((rates.round, inv.organisation, role)):
                        self.put_text(ws, row, col, value)
                    ws.write_number(row, 3, inv.sent, self.f["int"])
                    ws.write_number(row, 4, inv.used, self.f["int"])
                    row += 1

        if any(r.kiosk_by_day for r in self.report.response_rates):
            row += 1
            for col, title in enumerate(["Mättillfälle", "Dag", "Svar i kioskläge"]):
                ws.write_string(row, col, title, self.f["header"])
            row += 1
            for rates in self.report.response_rates:
                for day, answers in rates.kiosk_by_day:
                    self.put_text(ws, row, 0, rates.round)
                    self.put_text(ws, row, 1, day.isoformat())
                    ws.write_number(row, 2, answers, self.f["int"])
                    row += 1

    def codebook(self) -> None:
        q = self.report.questionnaire
        ws = self.sheet("Kodbok")
        columns = ["Kolumn", "Fråga", "Rad", "Typ", "Text", "Kod", "Etikett", "Ej tillämplig", "Positiv"]
        self.header(ws, 0, columns, [30, 24, 20, 9, 60, 14, 40, 12, 8])
        ws.freeze_panes(1, 0)
        row = 1

        def line(values: Sequence[str | None]) -> None:
            nonlocal row
            for col, value in enumerate(values):
                self.put_text(ws, row, col, value)
            row += 1

        if q.roles:
            for role in q.roles:
                line(["role", "role", "", "role", "Roll", role.code, role.label, "", ""])
        for question in q.questions:
            names = question_type(question).input_names(question)
            rows = question.rows or (None,)
            for name, qrow in zip(names, rows, strict=False):
                text_ = question.text if qrow is None else f"{question.text} – {qrow.text}"
                if not question.options:
                    line([name, question.key, qrow.key if qrow else "", question.type, text_, "", "", "", ""])
                for option in question.options:
                    line([
                        name, question.key, qrow.key if qrow else "", question.type, text_, option.code,
                        option.label, "ja" if option.not_applicable else "",
                        "ja" if option.code in question.positive else "",
                    ])
        ws.autofilter(0, 0, row - 1, len(columns) - 1)

    def answers(self) -> None:
        table = self.report.answers
        ws = self.sheet("Svar")
        self.header(ws, 0, table.columns, [38, 16, 17, 8, 18, 9] + [14] * (len(table.columns) - 6))
        ws.freeze_panes(1, 1)
        for row, values in enumerate(table.rows, start=1):
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(row, col, value, self.f["text"])
                elif isinstance(value, int):
                    ws.write_number(row, col, value, self.f["int"])
                else:
                    ws.write_datetime(row, col, value, self.f["date"])
        ws.autofilter(0, 0, max(len(table.rows), 1), len(table.columns) - 1)


def describe(report: Report) -> str:
    """What an Excel file holds, for the audit log: questionnaire, rounds, selection, answers."""
    scope = "; ".join(f"{k}: {v}" for k, v in report.filters.items()) or "alla"
    answers = len(report.answers.rows) if report.answers is not None else 0
    text = " med fritext" if report.answers is not None and any(
        q.type == "text" and q.key in report.answers.columns for q in report.questionnaire.questions
    ) else ""
    return f"{report.questionnaire.key} ({', '.join(report.rounds) or DASH}; {scope}; {answers} svar{text})"


def write_xlsx(report: Report, path: str | Path) -> Path:
    """Writes the summary to ``path`` (replaced whole, never left half-written)."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent or None)
    os.close(fd)
    try:
        SummaryWriter(report, Path(temporary)).write()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
