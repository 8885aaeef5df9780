"""The Excel summary of a report: goals, figures per question group with native charts,
shifts, paired changes, a codebook and the answers.

One XlsxWriter workbook in constant-memory mode, written row by row to a temporary file
and moved into place; formulas and links are never made from text, and every text cell is
written as text, so an answer such as ``=HYPERLINK(…)`` stays a string.

Every title, header, category and series is in words (question texts, option labels, group
names) in the reader's language (:class:`~.words.Words`); codes appear only in the codebook
and the answer sheet. Each sheet prints one page wide on A4 with its header rows repeated;
the charts stand on their own sheets, where they print at full size.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from ..analysis.open_answers import OpenAnswerSheet
from ..analysis.records import AnswerRows
from ..analysis.report import Cell, ItemResult, Report
from ..questionnaire.messages import N_
from ..questionnaire.types import question_type
from .charts import (
    ANSWERED,
    CHART_HEIGHT,
    COLOURS,
    FIRST_OPTION,
    GROUP,
    MEAN,
    SHARE,
    TARGET,
    TARGET_COLOUR,
    ChartSheets,
    K,
    N,
    reference,
)
from .labels import DASH, MEASURES, STATUS
from .words import SWEDISH, Words

FILTERS = {"organisation": N_("Organisation"), "since": N_("Från och med"), "until": N_("Till och med")}
#: column widths (in characters) one A4 page holds at 100 %, with room for a default font
#: wider than Excel's Calibri (LibreOffice prints with Noto Sans without it)
PAGE_CHARS = {"landscape": 108, "portrait": 74}
#: the row heights (points) one A4 page holds at 100 %, margins, header and footer left
PAGE_POINTS = {"landscape": 470, "portrait": 720}
#: no sheet prints smaller: 11 pt text at 8.8 pt
MIN_SCALE = 80
ROW_POINTS = 15
#: (dimension key, its label, rows of (group, cell, is the total))
Section = tuple[str | None, str | None, list[tuple[str, Cell, bool]]]
FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def new_workbook(path: str | Path, title: str) -> xlsxwriter.Workbook:
    """A workbook in constant-memory mode that never turns text into formulas or links."""
    workbook = xlsxwriter.Workbook(
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
    workbook.set_properties({"title": title})
    return workbook


def cell_formats(workbook: xlsxwriter.Workbook) -> dict:
    """The cell formats of the summary's sheets (the project workbook's goal sheet too)."""
    add = workbook.add_format
    return {
        "title": add({"bold": True, "font_size": 14}),
        "item": add({"bold": True, "font_size": 12, "text_wrap": False}),
        "item_wrap": add({"bold": True, "font_size": 12, "text_wrap": True, "valign": "top"}),
        "title_wrap": add({"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"}),
        "header": add({"bold": True, "bg_color": "#E7ECEA", "bottom": 1, "text_wrap": True,
                       "valign": "top"}),
        "header_num": add({"bold": True, "bg_color": "#E7ECEA", "bottom": 1, "text_wrap": True,
                           "valign": "top", "align": "right"}),
        "option": add({"bold": True, "bg_color": "#E7ECEA", "text_wrap": True, "valign": "top",
                       "align": "center"}),
        "dimension": add({"bold": True, "italic": True, "bg_color": "#F3F6F5"}),
        "total": add({"bold": True, "num_format": "@"}),
        "group": add({"bold": True, "align": "center", "bg_color": "#E7ECEA"}),
        "text": add({"num_format": "@", "valign": "top"}),
        "wrap": add({"num_format": "@", "text_wrap": True, "valign": "top"}),
        "note": add({"italic": True, "font_color": "#555555"}),
        "int": add({"num_format": "0"}),
        "int_left": add({"num_format": "0", "align": "left"}),
        "pct": add({"num_format": "0.0%"}),
        "target": add({"num_format": "0%", "font_color": TARGET_COLOUR}),
        "mean": add({"num_format": "0.00"}),
        "p": add({"num_format": "0.000"}),
        "date": add({"num_format": "yyyy-mm-dd"}),
        "month": add({"num_format": "yyyy-mm", "valign": "top", "align": "left"}),
        "dash": add({"num_format": "@", "align": "right"}),
        "uppnatt": add({"bg_color": "#C6EFCE", "font_color": "#006100", "num_format": "@"}),
        "nara": add({"bg_color": "#FFEB9C", "font_color": "#9C5700", "num_format": "@"}),
        "ej_uppnatt": add({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "@"}),
        "osaker": add({"bg_color": "#DDEBF7", "font_color": "#1F4E78", "num_format": "@"}),
    }


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters; a first word too
    long for it is abbreviated with a full stop ("Uppföljning" → "Uppf.")."""
    if len(text) <= limit:
        return text
    kept = ""
    for word in text.split():
        longer = f"{kept} {word}" if kept else word
        if len(longer) > limit:
            break
        kept = longer
    if kept:
        return kept
    return text.split()[0][: limit - 1] + "." if limit >= 3 else ""


def sheet_title(prefix: str, name: str) -> str:
    """A sheet name of at most 31 characters: ``prefix`` shortened to leave room for ``name``."""
    if not prefix:
        return shorten(name, 31)
    short = shorten(prefix, 31 - len(name) - 1)
    return f"{short} {name}" if short else shorten(name, 31)


def column_breaks(widths: Sequence[float], room: float, breakable: Sequence[int] | None = None) -> list[int]:
    """The columns a sheet of ``widths`` must start a new page at to fit ``room`` characters
    a page, the first column printed again on every page."""
    allowed = set(range(1, len(widths))) if breakable is None else set(breakable)
    breaks, used = [], 0.0
    last_allowed = None
    for col, width in enumerate(widths):
        if col and used + width > room:
            at = last_allowed if last_allowed is not None and last_allowed > (breaks[-1] if breaks else 0) \
                else col
            breaks.append(at)
            used = widths[0] + sum(widths[at:col])
        if col in allowed:
            last_allowed = col
        used += width
    return breaks


def lines_of(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (with room for
    a default font wider than Calibri)."""
    return sum(max(1, -(-len(part) // max(1, int(width * 0.9)))) for part in (text or "").split("\n"))


class PageRows:
    """Where a sheet's rows start new pages: a block (a heading and its table) never starts
    at the foot of a page, and a table's last rows never stand on a page without its header."""

    def __init__(self, scale: int, landscape: bool = True, repeated: float = 0):
        self.room = PAGE_POINTS["landscape" if landscape else "portrait"] * 100 / scale - repeated
        self.used = 0.0
        self.breaks: list[int] = []

    def block(self, first_row: int, height: float) -> None:
        """The block starting at ``first_row``, ``height`` points high, goes to the next page
        when it does not fit on this one."""
        if self.used and self.used + height > self.room:
            self.breaks.append(first_row)
            self.used = 0.0
        self.used += height

    def apply(self, ws) -> None:
        if self.breaks:
            ws.set_h_pagebreaks(self.breaks)


def _header_text(text: str) -> str:
    """Text for a printed header or footer: ``&`` doubled, kept short enough for Excel."""
    return text.replace("&", "&&")[:80]


class QuestionnaireSheets(ChartSheets):
    """Writes one report's sheets into ``workbook``; ``prefix`` starts every sheet name, so
    that several questionnaires share one workbook. ``answers`` (read once, row by row) fill
    the answer sheet; without them there is none."""

    def __init__(self, workbook: xlsxwriter.Workbook, report: Report, words: Words = SWEDISH,
                 prefix: str = "", answers: AnswerRows | None = None,
                 open_answers: OpenAnswerSheet | None = None):
        self.workbook = workbook
        self.report = report
        self.answer_rows = answers
        self.open_answer_sheet = open_answers
        #: the open answers written (known once they have been read)
        self.open_answer_count = 0
        self.words = words
        self.prefix = prefix
        #: (sheet name, its full name) of every sheet written, in order
        self.sheet_titles: list[tuple[str, str]] = []
        self._ = words.message
        _ = self._
        self.title = title_of(report, words)
        self.selection = self._selection()
        self.f = cell_formats(workbook)

    # words ---------------------------------------------------------------------------------
    def _selection(self) -> str:
        _ = self._
        r = self.report
        parts = [", ".join(r.rounds) or DASH]
        parts += [f"{_(FILTERS.get(k, k))}: {v}" for k, v in r.filters.items()]
        return "; ".join(parts)

    def sheet_name(self, name: str) -> str:
        """``prefix`` + ``name``, without the characters Excel forbids, unique, at most 31 long:
        a long prefix (a questionnaire's title) is shortened at a word boundary, never cut
        mid-word. The full name is kept in :attr:`sheet_titles` for a table of contents."""
        name = name.translate(FORBIDDEN).strip().strip("'")
        prefix = self.prefix.translate(FORBIDDEN).strip().strip("'")
        number = 1
        while True:
            suffix = "" if number == 1 else f" ({number})"
            candidate = sheet_title(prefix, name + suffix)
            if self.workbook.get_worksheet_by_name(candidate) is None:
                break
            number += 1
        self.sheet_titles.append((candidate, f"{prefix} – {name}" if prefix else name))
        return candidate

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
    def sheet(self, name: str, widths: Sequence[float] = (), repeat: int | None = 0,
              breakable: Sequence[int] | None = None):
        """A worksheet that prints on A4 (landscape when wider than a portrait page) at a
        fixed scale no smaller than :data:`MIN_SCALE`, so that its text prints at 8 pt or
        more: one page wide when its columns fit, else its columns split over pages at the
        columns in ``breakable`` (default: any) with the first column repeated. Its first
        ``repeat`` + 1 rows print on every page, with the report's header and footer.
        ``widths`` are its column widths in characters (set here)."""
        ws = self.workbook.add_worksheet(self.sheet_name(self._(name)))
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.set_paper(9)
        width = sum(widths)
        landscape = width > PAGE_CHARS["portrait"]
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        page = PAGE_CHARS["landscape" if landscape else "portrait"]
        scale = max(MIN_SCALE, min(100, int(page * 100 // width))) if width else 100
        ws.set_print_scale(scale)
        breaks = column_breaks(widths, page * 100 / scale, breakable)
        if breaks:
            ws.set_v_pagebreaks(breaks)
            ws.repeat_columns(0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        if repeat is not None:
            ws.repeat_rows(0, repeat)
        self._page_texts(ws)
        return ws

    def _page_texts(self, ws) -> None:
        _ = self._
        ws.set_header(
            f"&L&\"-,Bold\"{_header_text(self.title)}&R{_header_text(self.selection)}",
            {"margin": 0.3},
        )
        page = _("Sida %(page)s av %(pages)s") % {"page": "&P", "pages": "&N"}
        created = _("Skapad %(date)s") % {"date": self.words.day(self.report.generated_at)}
        ws.set_footer(f"&L&A&C{_header_text(created)}&R{page}", {"margin": 0.3})

    def write(self) -> None:
        """Every sheet of the report: paired questionnaires lead with the paired figures."""
        r = self.report
        self.overview()
        if r.questionnaire.paired:
            self.paired()
        for title, items, matrix in self.question_groups():
            self.question_sheet(title, items, matrix)
        if r.numbers:
            self.numbers()
        if not r.questionnaire.paired or r.shift_rounds is not None:
            self.shifts()
        if r.response_rates:
            self.response_rates()
        self.codebook()
        if self.answer_rows is not None:
            self.answers()
        if self.open_answer_sheet is not None:
            self.open_answers()

    def overview(self) -> None:
        _ = self._
        r = self.report
        widths = (28, 36, 14, 9, 18, 8, 6, 6, 11)
        ws = self.sheet(N_("Översikt"), widths, repeat=None)
        self.put_text(ws, 0, 0, self.title, "title")
        lines = [
            (_("Mättillfällen"), ", ".join(r.rounds) or DASH),
            (_("Urval"), "; ".join(f"{_(FILTERS.get(k, k))}: {v}" for k, v in r.filters.items())
             or _("Alla svar")),
            (_("Uppdelat efter"), ", ".join(self.words.label(d.label) for d in r.dimensions) or DASH),
            (_("Antal svar"), r.respondents),
            (_("Skapad"), self.words.day(r.generated_at)),
            (_("Små grupper"), _("Grupper med färre än %(n)s svar visas som %(dash)s.")
             % {"n": r.threshold, "dash": DASH}),
        ]
        for i, (name, value) in enumerate(lines, start=1):
            self.put_text(ws, i, 0, name)
            if isinstance(value, int):
                ws.write_number(i, 1, value, self.f["int_left"])
            else:
                self.put_text(ws, i, 1, value)
        top = len(lines) + 2
        if not r.goals:
            self.put_text(ws, top, 0, _("Enkäten har inga mål."))
            return
        columns = [_("Mål"), _("Fråga"), _("Mått"), _("Målvärde"), _("Grupp"), _("Värde"), "k", "n",
                   _("Status")]
        self.header(ws, top, columns)
        ws.set_row(top, 30)
        ws.repeat_rows(top)
        row = top + 1
        groups = [(self._("Totalt"), None, None)]
        for dim in r.goal_dimensions:
            groups += [(self.words.label(g.label), dim.key, g.key) for g in dim.groups]
        for result in r.goals:
            goal = result.goal
            value_format = "pct" if result.is_percentage else "mean"
            target = goal.target / 100 if result.is_percentage else goal.target
            for name, dim, group in groups:
                figure = result.total if dim is None else result.by[dim][group]
                label = self.words.questionnaire(goal.label)
                question = self.words.question(r.questionnaire.question(goal.question))
                measure = _(MEASURES[goal.measure])
                ws.set_row(row, ROW_POINTS * max(lines_of(label, widths[0]), lines_of(question, widths[1]),
                                                 lines_of(measure, widths[2]), lines_of(name, widths[4])))
                self.put_text(ws, row, 0, label, "wrap")
                self.put_text(ws, row, 1, question, "wrap")
                self.put_text(ws, row, 2, measure, "wrap")
                ws.write_number(row, 3, target, self.f[value_format])
                self.put_text(ws, row, 4, name, "total" if dim is None else "text")
                if figure.suppressed:
                    for c in range(5, 9):
                        self.put_text(ws, row, c, DASH, "dash")
                else:
                    value = figure.share.fraction if figure.share is not None else figure.delta
                    self.put_number(ws, row, 5, value, value_format)
                    if figure.share is not None:  # a mean shift has no k
                        self.put_number(ws, row, 6, figure.share.k, "int")
                    self.put_number(ws, row, 7, figure.n, "int")
                    status = figure.status.value if figure.status else None
                    if status:
                        self.put_text(ws, row, 8, _(STATUS[status]), status)
                    else:
                        self.put_text(ws, row, 8, DASH, "dash")
                row += 1
        ws.autofilter(top, 0, row - 1, len(columns) - 1)

    def question_groups(self) -> list[tuple[str, list[ItemResult], bool]]:
        """Background questions, the other questions, and each matrix on its own sheet.

        A paired questionnaire's background and question figures would count every rating
        of everyone: it has the paired sheet and one sheet of all ratings instead."""
        r = self.report
        background = [i for i in r.items if i.item.question.background]
        matrices: dict[str, list[ItemResult]] = {}
        others = []
        for i in r.items:
            if i.item.question.background:
                continue
            if i.item.row is not None:
                matrices.setdefault(i.item.question.key, []).append(i)
            else:
                others.append(i)
        if r.questionnaire.paired:
            groups = [(N_("Alla skattningar"), others, False)]
        else:
            groups = [(N_("Bakgrund"), background, False), (N_("Frågor"), others, False)]
        for number, items in enumerate(matrices.values(), start=1):
            groups.append((self._("Matris %(number)s") % {"number": number}, items, True))
        return [g for g in groups if g[1]]

    # question sheets -----------------------------------------------------------------------
    def _sections(self, result: ItemResult) -> list[Section]:
        """The item's rows in sections (dimension key, its label, rows): the rounds, then
        each breakdown; each section ends with Totalt so that its chart shows the groups
        beside everyone."""
        _ = self._
        total = (_("Totalt"), result.total, True)
        sections: list[Section] = []
        if len(result.rounds) > 1:
            rows = [(name, c, False) for name, c in result.rounds.items()]
            sections.append(("round", _("Mättillfälle"), [*rows, total]))
        for dim in self.report.dimensions:
            rows = [(self.words.label(g.label), result.by[dim.key][g.key], False) for g in dim.groups]
            sections.append((dim.key, self.words.label(dim.label), [*rows, total]))
        if not sections:
            sections.append((None, None, [total]))
        return sections

    def _target(self, result: ItemResult) -> float | None:
        """The target of a share goal on this item, as a fraction."""
        for goal in self.report.questionnaire.goals:
            if goal.question == result.item.key and goal.measure == "share" and not goal.codes:
                return goal.target / 100
        return None

    def question_sheet(self, title: str, items: list[ItemResult], matrix: bool) -> None:
        _ = self._
        options = max(len(i.item.question.options) for i in items)
        widths = [26, 5, 5, 7, 7, 9, 10] + [6] * (2 * options)
        # a page holds whole options: the count and % of one never stand apart
        ws = self.sheet(title, widths, repeat=None,
                        breakable=[FIRST_OPTION + 2 * n for n in range(options)])
        pages = PageRows(ws.print_scale, landscape=sum(widths) > PAGE_CHARS["portrait"])
        self._heights: dict[int, float] = {}
        name = ws.get_name()
        charts: list = []
        row = 0
        if matrix:
            question = items[0].item.question
            self._heading(ws, row, self.words.question(question), "title_wrap", 20)
            row, matrix_charts = self._matrix_summary(ws, name, items, row + 2)
            charts += matrix_charts
        elif self.report.questionnaire.paired:
            self.put_text(ws, row, 0, _("Alla skattningar"), "title")
            self.put_text(ws, row + 1, 0, _(
                "Varje skattning räknas här, så en deltagare som skattats flera gånger räknas flera "
                "gånger. Förändringen per deltagare står på bladet Parvis."), "note")
            row += 3
        if row:
            pages.block(0, self._height(0, row))
        for result in items:
            first = row
            row, item_charts = self._item_block(ws, name, result, row, matrix)
            pages.block(first, self._height(first, row + 1))
            if not matrix:  # a matrix's rows are drawn together above
                charts += item_charts
            row += 1
        pages.apply(ws)
        if charts:
            self.chart_sheet(_("%(sheet)s – diagram") % {"sheet": _(title)}, charts)

    def _item_block(self, ws, sheet: str, result: ItemResult, row: int, matrix: bool):
        """One item's table: figures and k and % per option for each group; and its charts."""
        _ = self._
        item = result.item
        question = item.question
        words = self.words
        target = self._target(result)
        self._heading(ws, row, words.item(item), "item_wrap", 17)
        row += 1
        header = {GROUP: _("Grupp"), N: "n", ANSWERED: _("Svarande")}
        if item.has_share:
            header |= {K: "k", SHARE: _("Andel")}
        if target is not None:
            header[TARGET] = _("Målvärde")
        if item.has_mean:
            header[MEAN] = _("Medelvärde")
        for col in range(FIRST_OPTION):
            fmt = "header" if col == GROUP else "header_num"
            ws.write_string(row, col, header.get(col, ""), self.f[fmt])
        option_cols = {}
        for number, option in enumerate(question.options):
            first = FIRST_OPTION + 2 * number
            option_cols[option.code] = first
            ws.merge_range(row, first, row, first + 1, words.questionnaire(option.label), self.f["option"])
        longest = max((len(words.questionnaire(o.label)) for o in question.options), default=0)
        self._set_height(ws, row, ROW_POINTS * max(1, min(5, -(-longest // 10))))
        row += 1
        for col in range(FIRST_OPTION):
            ws.write_string(row, col, "", self.f["header"])
        for first in option_cols.values():
            ws.write_string(row, first, _("Antal"), self.f["header_num"])
            ws.write_string(row, first + 1, "%", self.f["header_num"])
        row += 1
        charts = []
        drawn = False
        for dim_key, dim_label, rows in self._sections(result):
            if dim_label is not None:
                self.put_text(ws, row, GROUP, dim_label, "dimension")
                row += 1
            first_row = row
            for group, cell, total in rows:
                self._figure_row(ws, row, group, cell, total, result, option_cols, target)
                row += 1
            if dim_key == question.key:
                continue  # kön per kön says nothing
            charts += self._item_charts(sheet, result, dim_label, first_row, row - 1, option_cols,
                                        target, distribution=not drawn)
            drawn = True
        if not drawn and question.options:  # only the total: how everyone answered
            charts.append(self._distribution_chart(sheet, result, row - 1, row - 1, option_cols, ""))
        return row, charts

    def _heading(self, ws, row: int, text: str, fmt: str, line: float) -> None:
        """A question's text above its table, whole: wrapped over the figure columns."""
        width = sum((26, 5, 5, 7, 7, 9, 10))
        ws.merge_range(row, 0, row, FIRST_OPTION - 1, text, self.f[fmt])
        self._set_height(ws, row, line * lines_of(text, width * 0.85))

    def _set_height(self, ws, row: int, height: float) -> None:
        ws.set_row(row, height)
        self._heights[row] = height

    def _height(self, first: int, end: int) -> float:
        """The printed height of rows ``first`` up to ``end`` (not included)."""
        return sum(self._heights.get(r, ROW_POINTS) for r in range(first, end))

    def _figure_row(self, ws, row: int, group: str, cell: Cell, total: bool, result: ItemResult,
                    option_cols: dict[str, int], target: float | None) -> None:
        item = result.item
        self.put_text(ws, row, GROUP, group, "total" if total else "text")
        if target is not None:
            ws.write_number(row, TARGET, target, self.f["target"])
        if cell.suppressed:
            columns = [N, ANSWERED] + [K, SHARE] * item.has_share + [MEAN] * item.has_mean
            for col in columns + [c + d for c in option_cols.values() for d in (0, 1)]:
                self.put_text(ws, row, col, DASH, "dash")
            return
        f = cell.figures
        ws.write_number(row, N, f.n, self.f["int"])
        ws.write_number(row, ANSWERED, f.answered, self.f["int"])
        if f.share is not None:
            ws.write_number(row, K, f.share.k, self.f["int"])
            self.put_number(ws, row, SHARE, f.share.fraction, "pct")
        if f.mean is not None:
            self.put_number(ws, row, MEAN, f.mean.value, "mean")
        for code, share in f.option_shares:
            ws.write_number(row, option_cols[code], share.k, self.f["int"])
            self.put_number(ws, row, option_cols[code] + 1, share.fraction, "pct")

    def _matrix_summary(self, ws, sheet: str, items: list[ItemResult], row: int):
        """A matrix's overview: the share per row for each round side by side, and the answers
        per row and round as 100 % stacked bars."""
        _ = self._
        words = self.words
        question = items[0].item.question
        rounds = list(self.report.rounds) if len(self.report.rounds) > 1 else []
        columns = rounds or [_("Totalt")]
        charts = []
        if items[0].item.has_share:
            positive = _("Andel som svarat %(positive)s") % {"positive": self._positive(question)}
            ws.write_string(row, 0, positive, self.f["header"])
            for number, name in enumerate(columns):
                col = FIRST_OPTION + 2 * number
                ws.merge_range(row, col, row, col + 1, name, self.f["option"])
            self._set_height(ws, row, 30)
            first = row + 1
            for offset, result in enumerate(items):
                r = first + offset
                self.put_text(ws, r, 0, words.row(result.item))
                cells = [result.rounds[n] for n in rounds] or [result.total]
                for number, cell in enumerate(cells):
                    col = FIRST_OPTION + 2 * number
                    if cell.suppressed:
                        self.put_text(ws, r, col, DASH, "dash")
                    else:
                        self.put_number(ws, r, col, cell.figures.share.fraction, "pct")
            last = first + len(items) - 1
            chart = self._chart("bar")
            for number, name in enumerate(columns):
                col = FIRST_OPTION + 2 * number
                chart.add_series({
                    "name": name,
                    "categories": reference(sheet, (first, 0), (last, 0)),
                    "values": reference(sheet, (first, col), (last, col)),
                    "fill": {"color": COLOURS[number % len(COLOURS)]},
                    "data_labels": {"value": True, "num_format": "0%", "font": {"size": 9}},
                })
            chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
            chart.set_y_axis({"reverse": True, "num_font": {"size": 9}, "interval_unit": 1})
            title = f"{words.question(question)}\n{positive}"
            height = max(CHART_HEIGHT, 90 + 26 * len(items) * len(columns))
            charts.append(self._finish(chart, title, height, legend=True))
            row = last + 2

        # answers per row and round, 100 % stacked: each row's rounds next to each other
        ws.write_string(row, 0, _("Svaren"), self.f["header"])
        for number, option in enumerate(question.options):
            col = FIRST_OPTION + 2 * number
            ws.merge_range(row, col, row, col + 1, words.questionnaire(option.label), self.f["option"])
        longest = max(len(words.questionnaire(o.label)) for o in question.options)
        self._set_height(ws, row, ROW_POINTS * max(1, min(5, -(-longest // 10))))
        first = row + 1
        r = first
        for result in items:
            cells = [(n, result.rounds[n]) for n in rounds] or [(None, result.total)]
            for name, cell in cells:
                label = words.row(result.item) if name is None else f"{words.row(result.item)}, {name}"
                self.put_text(ws, r, 0, label)
                if cell.suppressed:
                    for number in range(len(question.options)):
                        self.put_text(ws, r, FIRST_OPTION + 2 * number, DASH, "dash")
                else:
                    for number, (_code, share) in enumerate(cell.figures.option_shares):
                        self.put_number(ws, r, FIRST_OPTION + 2 * number, share.fraction, "pct")
                r += 1
        last = r - 1
        chart = self._chart("bar", "percent_stacked")
        for number, option in enumerate(question.options):
            chart.add_series({
                "name": words.questionnaire(option.label),
                "categories": reference(sheet, (first, 0), (last, 0)),
                "values": reference(sheet, (first, FIRST_OPTION + 2 * number),
                                 (last, FIRST_OPTION + 2 * number)),
                "fill": {"color": self._option_colour(question, number)},
                "data_labels": {"value": True, "num_format": "0%;;;",
                                "font": {"size": 9, "color": self._label_colour(question, number)}},
                "gap": 40,
            })
        chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 9}, "interval_unit": 1})
        title = f"{words.question(question)}\n" + (
            _("Svaren per rad och mättillfälle") if rounds else _("Svaren per rad"))
        charts.append(self._finish(chart, title, max(CHART_HEIGHT, 110 + 24 * (last - first + 1))))
        return last + 3, charts

    def numbers(self) -> None:
        """The whole-number questions: n, mean and median for everyone, each round and group."""
        _ = self._
        r = self.report
        columns = [_("Fråga"), _("Indelning"), _("Grupp"), "n", _("Medelvärde"), _("Median")]
        widths = [40, 14, 18, 8, 10, 10]
        ws = self.sheet(N_("Heltal"), widths)
        self.header(ws, 0, columns, widths)
        ws.freeze_panes(1, 1)
        row = 1
        for result in r.numbers:
            lines = [(_("Totalt"), _("Alla"), result.total)]
            if len(result.rounds) > 1:
                lines += [(_("Mättillfälle"), name, f) for name, f in result.rounds.items()]
            for dim in r.dimensions:
                lines += [(self.words.label(dim.label), self.words.label(g.label), result.by[dim.key][g.key])
                          for g in dim.groups]
            text = self.words.questionnaire(result.question.text)
            for dim_label, group, figures in lines:
                self.put_text(ws, row, 0, text, "wrap")
                self.put_text(ws, row, 1, dim_label, "wrap")
                self.put_text(ws, row, 2, group, "wrap")
                if figures.suppressed:
                    for col in range(3, 6):
                        self.put_text(ws, row, col, DASH, "dash")
                else:
                    self.put_number(ws, row, 3, figures.n, "int")
                    self.put_number(ws, row, 4, figures.mean, "mean")
                    self.put_number(ws, row, 5, figures.median, "mean")
                row += 1
        ws.autofilter(0, 0, row - 1, len(columns) - 1)

    def shifts(self) -> None:
        _ = self._
        r = self.report
        columns = [_("Fråga"), _("Indelning"), _("Grupp"), _("Från"), _("Till"), _("n från"), _("n till"),
                   _("Medel från"), _("Medel till"), _("Skillnad"), _("KI 95 % låg"), _("KI 95 % hög")]
        widths = [36, 12, 16, 12, 12, 6, 6, 8, 8, 8, 8, 8]
        ws = self.sheet(N_("Förändring"), widths)
        self.header(ws, 0, columns, widths)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 1)
        row = 1
        for result in r.items:
            cells = [(_("Totalt"), _("Alla"), result.total)]
            for dim in r.dimensions:
                cells += [(self.words.label(dim.label), self.words.label(g.label), result.by[dim.key][g.key])
                          for g in dim.groups]
            for dim_label, group, c in cells:
                shift = None if c.suppressed else c.shift
                if shift is None and not (c.suppressed and result.total.shift is not None):
                    continue
                text = self.words.item(result.item)
                ws.set_row(row, ROW_POINTS * max(lines_of(text, widths[0]), lines_of(group, widths[2])))
                self.put_text(ws, row, 0, text, "wrap")
                self.put_text(ws, row, 1, dim_label, "wrap")
                self.put_text(ws, row, 2, group, "wrap")
                self.put_text(ws, row, 3, result.total.shift.from_round)
                self.put_text(ws, row, 4, result.total.shift.to_round)
                if shift is None or shift.suppressed:
                    for col in range(5, 12):
                        self.put_text(ws, row, col, DASH, "dash")
                else:
                    self.put_number(ws, row, 5, shift.n_from, "int")
                    self.put_number(ws, row, 6, shift.n_to, "int")
                    self.put_number(ws, row, 7, shift.mean_from, "mean")
                    self.put_number(ws, row, 8, shift.mean_to, "mean")
                    self.put_number(ws, row, 9, shift.delta, "mean")
                    self.put_number(ws, row, 10, shift.ci95[0] if shift.ci95 else None, "mean")
                    self.put_number(ws, row, 11, shift.ci95[1] if shift.ci95 else None, "mean")
                row += 1
        if row == 1:
            self.put_text(ws, 1, 0, _("Välj minst två mättillfällen för att se förändringen mellan dem."))
        else:
            ws.autofilter(0, 0, row - 1, len(columns) - 1)

    def paired(self) -> None:
        """Each participant's first and latest rating: the table, the means side by side, the
        share who moved up, stayed or moved down, and the radar of the means."""
        _ = self._
        r = self.report
        columns = [_("Fråga"), _("Indelning"), _("Grupp"), _("Par"), _("Medel första"), _("Medel senaste"),
                   _("Skillnad"), _("KI 95 % låg"), _("KI 95 % hög"), _("p (Wilcoxon)"), _("Ökat"),
                   _("Samma"), _("Minskat")]
        widths = [34, 11, 14, 5, 8, 8, 8, 8, 8, 9, 7, 7, 7]
        ws = self.sheet(N_("Parvis"), widths)
        name = ws.get_name()
        self.header(ws, 0, columns, widths)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 1)
        paired_items = [i for i in r.items if i.total.paired is not None]
        rows = [(i, _("Totalt"), _("Alla"), i.total) for i in paired_items]
        for dim in r.dimensions:
            for i in paired_items:
                rows += [(i, self.words.label(dim.label), self.words.label(g.label), i.by[dim.key][g.key])
                         for g in dim.groups]
        row = 1
        for result, dim_label, group, c in rows:
            text = self.words.item(result.item)
            ws.set_row(row, ROW_POINTS * max(lines_of(text, widths[0]), lines_of(group, widths[2]),
                                             lines_of(dim_label, widths[1])))
            self.put_text(ws, row, 0, text, "wrap")
            self.put_text(ws, row, 1, dim_label, "wrap")
            self.put_text(ws, row, 2, group, "wrap")
            p = None if c.suppressed else c.paired
            if p is None or p.suppressed:
                for col in range(3, 13):
                    self.put_text(ws, row, col, DASH, "dash")
            else:
                self.put_number(ws, row, 3, p.n_pairs, "int")
                self.put_number(ws, row, 4, p.mean_first, "mean")
                self.put_number(ws, row, 5, p.mean_latest, "mean")
                self.put_number(ws, row, 6, p.delta, "mean")
                self.put_number(ws, row, 7, p.ci95[0] if p.ci95 else None, "mean")
                self.put_number(ws, row, 8, p.ci95[1] if p.ci95 else None, "mean")
                self.put_number(ws, row, 9, p.p, "p")
                for col, share in enumerate((p.movement.up, p.movement.stayed, p.movement.down), start=10):
                    self.put_number(ws, row, col, share.fraction, "pct")
            row += 1
        if row == 1:
            self.put_text(ws, 1, 0, _("Ingen deltagare har skattats mer än en gång än."))
            return
        ws.autofilter(0, 0, row - 1, len(columns) - 1)
        scales = [n for n, i in enumerate(paired_items, start=1) if i.item.question.type == "scale"]
        charts = []
        if scales:
            first, last = scales[0], scales[-1]
            contiguous = scales == list(range(first, last + 1))
            if contiguous:
                categories = reference(name, (first, 0), (last, 0))
                chart = self._chart("bar")
                for n, (col, series) in enumerate(((4, _("Första skattningen")),
                                                   (5, _("Senaste skattningen")))):
                    chart.add_series({
                        "name": series, "categories": categories,
                        "values": reference(name, (first, col), (last, col)),
                        "fill": {"color": COLOURS[n]},
                        "data_labels": {"value": True, "num_format": "0.0", "font": {"size": 9}},
                    })
                chart.set_x_axis({"min": 0, "max": 5, "major_unit": 1})
                chart.set_y_axis({"reverse": True, "num_font": {"size": 9}, "interval_unit": 1})
                height = max(CHART_HEIGHT, 90 + 40 * len(scales))
                charts.append(self._finish(chart, _("Medelvärde per fråga: första och senaste skattningen"),
                                           height))
        means = ((4, _("Första skattningen")), (5, _("Senaste skattningen")))
        first, last = 1, len(paired_items)
        chart = self._chart("bar", "percent_stacked")
        for n, (col, series) in enumerate(((10, _("Ökat")), (11, _("Samma")), (12, _("Minskat")))):
            chart.add_series({
                "name": series, "categories": reference(name, (first, 0), (last, 0)),
                "values": reference(name, (first, col), (last, col)),
                "fill": {"color": ("#2166AC", "#D9D9D9", "#B2182B")[n]},
                "data_labels": {"value": True, "num_format": "0%;;;", "font": {"size": 9}},
            })
        chart.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
        chart.set_y_axis({"reverse": True, "num_font": {"size": 9}, "interval_unit": 1})
        charts.append(self._finish(chart, _("Andel deltagare som ökat, är kvar på samma nivå eller minskat"),
                                   max(CHART_HEIGHT, 90 + 30 * len(paired_items))))
        if scales and scales == list(range(scales[0], scales[-1] + 1)):
            chart = self._chart("radar", "with_markers")
            for n, (col, series) in enumerate(means):
                chart.add_series({
                    "name": series,
                    "categories": reference(name, (scales[0], 0), (scales[-1], 0)),
                    "values": reference(name, (scales[0], col), (scales[-1], col)),
                    "line": {"color": COLOURS[n]},
                    "marker": {"type": "circle", "fill": {"color": COLOURS[n]}},
                })
            chart.set_y_axis({"min": 0, "max": 5, "major_unit": 1})
            chart.set_x_axis({"num_font": {"size": 9}})
            charts.append(self._finish(chart, _("Medelvärde per fråga: första och senaste skattningen"), 560))
        self.chart_sheet(_("Parvis – diagram"), charts)

    # response rates, codebook, answers ----------------------------------------------------------
    def response_rates(self) -> None:
        """Answers against the expected numbers per round, organisation and role; invitations
        used of sent; kiosk answers per day. Rows where nothing was expected nor answered are
        left out."""
        _ = self._
        roles = {r.code: self.words.questionnaire(r.label) for r in self.report.questionnaire.roles}
        columns = [_("Mättillfälle"), _("Organisation"), _("Roll"), _("Svar"), _("Förväntat"),
                   _("Svarsfrekvens")]
        widths = [22, 26, 20, 10, 11, 13]
        ws = self.sheet(N_("Svarsfrekvens"), widths)
        self.header(ws, 0, columns, widths)
        ws.freeze_panes(1, 0)
        row = 1

        def rate_line(round_name: str, organisation: str, role: str, rate, fmt: str = "text") -> None:
            nonlocal row
            for col, value in enumerate((round_name, organisation, role)):
                self.put_text(ws, row, col, value, fmt)
            ws.write_number(row, 3, rate.answered, self.f["int"])
            if rate.expected is not None:
                ws.write_number(row, 4, rate.expected, self.f["int"])
            self.put_number(ws, row, 5, rate.fraction, "pct")
            row += 1

        for rates in self.report.response_rates:
            for line in rates.rows:
                if not line.rate.answered and not line.rate.expected:
                    continue
                rate_line(rates.round, line.organisation, roles.get(line.role, line.role or ""), line.rate)
            rate_line(rates.round, _("Totalt"), "", rates.total, "total")
        if any(r.answered != r.total.answered for r in self.report.response_rates):
            row += 1
            self.put_text(ws, row, 0, _("Totalt räknar bara svar där ett antal förväntas."), "note")
            row += 1

        if any(r.invitations for r in self.report.response_rates):
            row += 1
            for col, title in enumerate([_("Mättillfälle"), _("Organisation"), _("Roll"), _("Inbjudningar"),
                                         _("Använda")]):
                ws.write_string(row, col, title, self.f["header"])
            row += 1
            for rates in self.report.response_rates:
                for inv in rates.invitations:
                    if not inv.sent and not inv.used:
                        continue
                    role = roles.get(inv.role, inv.role or "")
                    for col, value in enumerate((rates.round, inv.organisation, role)):
                        self.put_text(ws, row, col, value)
                    ws.write_number(row, 3, inv.sent, self.f["int"])
                    ws.write_number(row, 4, inv.used, self.f["int"])
                    row += 1

        if any(r.kiosk_by_day for r in self.report.response_rates):
            row += 1
            for col, title in enumerate([_("Mättillfälle"), _("Dag"), _("Svar i kioskläge")]):
                ws.write_string(row, col, title, self.f["header"])
            row += 1
            for rates in self.report.response_rates:
                for day, answers in rates.kiosk_by_day:
                    self.put_text(ws, row, 0, rates.round)
                    self.put_text(ws, row, 1, day.isoformat())
                    ws.write_number(row, 2, answers, self.f["int"])
                    row += 1

    def codebook(self) -> None:
        _ = self._
        q = self.report.questionnaire
        words = self.words
        columns = [_("Kolumn"), _("Fråga"), _("Rad"), _("Typ"), _("Text"), _("Kod"), _("Etikett"),
                   _("Ej tillämplig"), _("Positiv")]
        widths = [22, 16, 12, 7, 38, 10, 22, 9, 7]
        ws = self.sheet(N_("Kodbok"), widths)
        self.header(ws, 0, columns, widths)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 0)
        row = 1
        yes = _("ja")

        def line(values: Sequence[str | None]) -> None:
            nonlocal row
            ws.set_row(row, ROW_POINTS * max(lines_of(values[4] or "", widths[4]),
                                             lines_of(values[6] or "", widths[6])))
            for col, value in enumerate(values):
                self.put_text(ws, row, col, value, "wrap" if col in (4, 6) else "text")
            row += 1

        if q.roles:
            for role in q.roles:
                label = words.questionnaire(role.label)
                line(["role", "role", "", "role", _("Roll"), role.code, label, "", ""])
        for question in q.questions:
            names = question_type(question).input_names(question)
            rows = question.rows or (None,)
            for name, qrow in zip(names, rows, strict=False):
                text_ = words.question(question)
                if qrow is not None:
                    text_ = f"{text_} – {words.questionnaire(qrow.text)}"
                if not question.options:
                    line([name, question.key, qrow.key if qrow else "", question.type, text_, "", "", "", ""])
                for option in question.options:
                    line([
                        name, question.key, qrow.key if qrow else "", question.type, text_, option.code,
                        words.questionnaire(option.label), yes if option.not_applicable else "",
                        yes if option.code in question.positive else "",
                    ])
        ws.autofilter(0, 0, row - 1, len(columns) - 1)

    def answers(self) -> None:
        """The answer sheet, written row by row as the rows arrive."""
        table = self.answer_rows
        widths = [38, 16, 17, 8, 18, 9] + [10] * (len(table.columns) - 6)
        # as many pages wide as keep the print readable, the response id on each
        ws = self.sheet(N_("Svar"), widths)
        self.header(ws, 0, table.columns, widths)
        ws.set_row(0, 45)
        ws.freeze_panes(1, 1)
        text, number, day = self.f["text"], self.f["int"], self.f["date"]
        write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
        row = 0
        for row, values in enumerate(table, start=1):
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, str):
                    write_string(row, col, value, text)
                elif isinstance(value, int):
                    write_number(row, col, value, number)
                else:
                    write_datetime(row, col, value, day)
        ws.autofilter(0, 0, max(row, 1), len(table.columns) - 1)


    def open_answers(self) -> None:
        """The open (free-text) answers, newest first, each with its month, round, kommun and
        themes; small groups' answers are not among them (see services/open_answers.py)."""
        _ = self._
        sheet = self.open_answer_sheet
        widths = [30, 10, 18, 18, 70, 30]
        ws = self.sheet(N_("Öppna svar"), widths)
        titles = [_("Fråga"), _("Månad"), _("Mättillfälle"), _("Kommun"), _("Svar"), _("Teman")]
        self.header(ws, 0, titles)
        ws.freeze_panes(1, 0)
        questions = {q.key: self.words.question(q) for q in self.report.questionnaire.questions}
        text, wrap, month = self.f["text"], self.f["wrap"], self.f["month"]
        row = 0
        for row, answer in enumerate(sheet.answers, start=1):
            ws.write_string(row, 0, questions.get(answer.question, answer.question), wrap)
            ws.write_datetime(row, 1, answer.submitted_at.replace(day=1, hour=0, minute=0, second=0,
                                                                   microsecond=0), month)
            ws.write_string(row, 2, answer.round, text)
            ws.write_string(row, 3, answer.organisation, text)
            ws.write_string(row, 4, answer.text, wrap)
            names = [sheet.themes[t] for t in answer.themes if t in sheet.themes]
            ws.write_string(row, 5, "; ".join(names), wrap)
        self.open_answer_count = row
        ws.autofilter(0, 0, max(row, 1), len(titles) - 1)
        note = _("Svar från en kommun med färre än %(n)s svarande i ett mättillfälle finns inte med.") % {
            "n": self.report.threshold}
        ws.write_string(row + 2, 0, note, self.f["note"])


def describe(report: Report, answers: AnswerRows | None = None, open_answers: int | None = None) -> str:
    """What an Excel file holds, for the audit log: questionnaire, rounds, selection, answers
    (``answers`` as written: their count is known once they have been read) and the number
    of open answers listed."""
    scope = "; ".join(f"{k}: {v}" for k, v in report.filters.items()) or "alla"
    columns: tuple[str, ...] = ()
    count = 0
    if answers is not None:
        columns, count = answers.columns, answers.count
    text = " med fritext" if any(
        q.type == "text" and q.key in columns for q in report.questionnaire.questions
    ) else ""
    listed = f"; {open_answers} öppna svar" if open_answers is not None else ""
    rounds = ", ".join(report.rounds) or DASH
    coarse = ""
    if answers is not None and getattr(answers, "coarsening", None) is not None:
        coarse = " grovkornigt"  # released rows: see analysis/release.py
    return f"{report.questionnaire.key} ({rounds}; {scope}; {count} svar{text}{listed}){coarse}"


def title_of(report: Report, words: Words = SWEDISH) -> str:
    """The summary's title: "Samverkan – sammanställning"."""
    title = words.questionnaire(report.questionnaire.title)
    return words.message(N_("%(title)s – sammanställning")) % {"title": title}


def write_xlsx(report: Report, path: str | Path, words: Words = SWEDISH,
               answers: AnswerRows | None = None, open_answers: OpenAnswerSheet | None = None) -> Path:
    """Writes the summary to ``path`` (replaced whole, never left half-written), with an answer
    sheet when ``answers`` are given (streamed: see services/answer_rows.py) and an open
    answers' sheet when ``open_answers`` are."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent or None)
    os.close(fd)
    try:
        workbook = new_workbook(temporary, title_of(report, words))
        QuestionnaireSheets(workbook, report, words, answers=answers, open_answers=open_answers).write()
        workbook.close()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
