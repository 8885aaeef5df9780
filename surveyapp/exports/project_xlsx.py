"""The project workbook: a contents sheet, the goal table in Tabell 1's shape (projektmål
headings, each delmål with target, value, verdict and motivering in one row, then the same
row per kön and kommun), the reach, and each questionnaire's sheets as its own Excel summary
writes them (the same reports, so the same figures).

Everything is in words (question texts, option labels, group names) and prints on A4
landscape at a fixed scale: the goal sheet's column groups (the total, then each
breakdown) each start a page with the delmål names repeated, and a projektmål heading never
ends a page alone."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..analysis.goal_comparison import Comparison
from ..analysis.goals import GoalFigure
from ..analysis.insatser import InsatsResult
from ..analysis.project import PROPOSED_VERDICT, GoalTable, TableGoal
from ..analysis.records import AnswerRows
from ..questionnaire.messages import N_
from .goal_words import VERDICT_FILLS, VERDICT_FONTS, GoalWords
from .labels import DASH, TOTAL
from .words import SWEDISH, Words
from .xlsx import QuestionnaireSheets, _header_text, cell_formats, new_workbook

#: the goal table's sheet
GOAL_SHEET = N_("Måluppfyllelse")
CONTENTS_SHEET = N_("Innehåll")
REACH_SHEET = N_("Räckvidd")
INSATS_SHEET = N_("Insatser")
INSATS_NAMES = {
    "hantering_vardag": N_("Hantering av vardagen"), "samarbetsformaga": N_("Samarbetsförmåga"),
    "halsa": N_("Hälsa"), "hantering_halsa": N_("Hantering av hälsa"),
    "tro_pa_jobb": N_("Tro på att få ett jobb"), "kunskap_arbetsmarknad": N_("Kunskap om arbetsmarknaden"),
    "sociala_kompetenser": N_("Sociala och personliga kompetenser"),
    "yrkeskompetenser": N_("Yrkeskompetenser"),
    "jobbsokning": N_("Jobbsökning"), "social_mentor": N_("Social mentor/kontaktperson"),
    "jobbinriktade": N_("Jobbinriktade insatser"),
}
#: every page of the contents, goal and reach sheets prints at this scale: 11 pt text prints
#: at 9.35 pt
PRINT_SCALE = 85
#: the width of an A4 landscape page at PRINT_SCALE, in column-width characters, with room
#: for a default font wider than Excel's Calibri (LibreOffice without it)
PAGE_CHARS = 134
#: the height of an A4 landscape page's rows at PRINT_SCALE, in points (with margin)
PAGE_POINTS = 500
LINE_POINTS = 15
#: the columns of one group of a breakdown: value, k, n, verdict
GROUP_WIDTHS = (7, 5, 5, 13)
#: the delmål column, repeated on every page of the goal sheet
LABEL_WIDTH = 28


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    if not text:
        return 1
    return sum(max(1, math.ceil(len(part) / max(1.0, width * 0.9))) for part in text.split("\n"))


def sheet_prefix(title: str) -> str:
    """A questionnaire's sheets start with its title (shortened at a word boundary)."""
    return f"{title} "


class ProjectWriter:
    def __init__(self, table: GoalTable, assessments: Mapping[str, Any], path: Path,
                 answers: Mapping[str, AnswerRows] | None = None, words: Words = SWEDISH,
                 comparison: Comparison | None = None, insatser: Sequence[InsatsResult] | None = None):
        self.comparison = comparison
        self.insatser = insatser
        self.table = comparison.later if comparison is not None else table
        self.assessments = assessments
        self.answers = answers or {}
        self.words = words
        self._ = words.message
        self.w = GoalWords(self.table, words)
        self.workbook = new_workbook(path, self._("Projektets måluppfyllelse"))
        self.f = cell_formats(self.workbook)
        add = self.workbook.add_format
        for verdict, fill in VERDICT_FILLS.items():
            self.f[f"verdict_{verdict}"] = add({
                "bg_color": f"#{fill}", "font_color": f"#{VERDICT_FONTS[verdict]}", "bold": True,
                "num_format": "@", "valign": "top", "text_wrap": True})
        self.f["section"] = add({"bold": True, "bg_color": "#F3F6F5", "text_wrap": True, "valign": "top",
                                 "top": 1})
        self.f["section_fill"] = add({"bg_color": "#F3F6F5", "top": 1})
        self.f["label"] = add({"num_format": "@", "text_wrap": True, "valign": "top", "indent": 1})
        self.f["source"] = add({"num_format": "@", "text_wrap": True, "valign": "top", "italic": True,
                                "font_color": "#444444"})
        for name in ("pct", "int", "mean", "dash", "text"):
            self.f[f"{name}_top"] = add({"num_format": self.f[name].num_format or "@", "valign": "top",
                                         **({"align": "right"} if name == "dash" else {})})
        self.titles: list[tuple[str, str]] = []

    def write(self) -> None:
        contents = self.page_sheet(self._(CONTENTS_SHEET), portrait=True)
        self.goal_sheet()
        self.reach_sheet()
        if self.insatser:
            self.insatser_sheet()
        for key, report in self.table.reports.items():
            title = self.words.questionnaire(report.questionnaire.title)
            sheets = QuestionnaireSheets(self.workbook, report, self.words, prefix=sheet_prefix(title),
                                         answers=self.answers.get(key))
            sheets.write()
            self.titles += sheets.sheet_titles
        self.contents(contents)
        self.workbook.close()

    # pages ---------------------------------------------------------------------------------
    def page_sheet(self, name: str, portrait: bool = False):
        ws = self.workbook.add_worksheet(name)
        self.titles.append((name, name))
        ws.set_paper(9)
        if portrait:
            ws.set_portrait()
        else:
            ws.set_landscape()
        ws.set_print_scale(PRINT_SCALE)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        _ = self._
        title = self._("Projektets måluppfyllelse")
        if self.table.project.title:
            title = f"{self.table.project.title} – {title}"
        ws.set_header(f"&L&\"-,Bold\"{_header_text(title)}&R{_header_text(self.scope_line())}",
                      {"margin": 0.3})
        page = _("Sida %(page)s av %(pages)s") % {"page": "&P", "pages": "&N"}
        ws.set_footer(f"&L&A&R{page}", {"margin": 0.3})
        return ws

    def lead_line(self) -> str:
        """Under a sheet's title: the project and its set-up's version, then the scope."""
        setup = self.w.setup_line()
        return f"{setup} {self.scope_line()}" if setup else self.scope_line()

    def scope_line(self) -> str:
        _ = self._
        if self.comparison is not None:
            line = _("Läget den %(earlier)s och den %(later)s.") % {
                "earlier": self.w.day(self.comparison.earlier.as_of), "later": self.w.day(self.table.as_of)}
        else:
            line = _("Läget den %(day)s.") % {"day": self.w.day(self.table.as_of)}
        if self.table.organisations is not None:
            line += " " + _("Kommuner: %(names)s.") % {"names": ", ".join(self.table.organisations) or DASH}
        else:
            line += " " + _("Alla kommuner.")
        return line

    def contents(self, ws) -> None:
        """The contents sheet: what the workbook holds, each sheet's full name, how to read it."""
        _ = self._
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 56)
        ws.write_string(0, 0, self._("Projektets måluppfyllelse"), self.f["title"])
        ws.write_string(1, 0, self.lead_line(), self.f["text"])
        ws.write_string(3, 0, _("Blad"), self.f["header"])
        ws.write_string(3, 1, _("Innehåll"), self.f["header"])
        ws.repeat_rows(3)
        row = 4
        for name, full in self.titles[1:]:
            ws.write_string(row, 0, name, self.f["text"])
            ws.write_string(row, 1, full, self.f["wrap"])
            row += 1
        row += 1
        ws.write_string(row, 0, _("Om siffrorna"), self.f["item"])
        row += 1
        for note in self.w.method_notes():
            ws.merge_range(row, 0, row, 1, note, self.f["wrap"])
            ws.set_row(row, LINE_POINTS * _lines(note, 86))
            row += 1

    # the goal sheet ------------------------------------------------------------------------
    def total_columns(self) -> list[tuple[str, float]]:
        """The Tabell 1 block: (header, width) from the second column on."""
        _ = self._
        if self.comparison is None:
            return [(_("Källa"), 30), (_("Målvärde"), 10), (_("Värde"), 7), ("k", 5), ("n", 5),
                    (_("Bedömning"), 13), (_("Motivering"), 28)]
        earlier, later = (self.w.day(t.as_of) for t in (self.comparison.earlier, self.comparison.later))
        return [(_("Källa"), 22), (_("Målvärde"), 9), (earlier, 7), ("k", 5), ("n", 5), (later, 7), ("k", 5),
                ("n", 5), (_("Förändring"), 10), (_("Bedömning"), 13), (_("Motivering"), 18)]

    def group_columns(self) -> list[tuple[str, str]]:
        """(dimension, group) of each breakdown block, in the order the table gives them."""
        columns = []
        for dim in self.table.dimensions:
            seen: list[str] = []
            for goal in self.table.goals:
                seen += [g for g in goal.by.get(dim, {}) if g not in seen]
            columns += [(dim, g) for g in seen]
        return columns

    def goal_sheet(self) -> None:
        _ = self._
        ws = self.page_sheet(self._(GOAL_SHEET))
        label_width = LABEL_WIDTH
        ws.set_column(0, 0, label_width)
        total = self.total_columns()
        for col, (_title, width) in enumerate(total, start=1):
            ws.set_column(col, col, width)
        first_group = 1 + len(total)
        groups = self.group_columns()
        for index in range(len(groups)):
            for offset, width in enumerate(GROUP_WIDTHS):
                col = first_group + index * len(GROUP_WIDTHS) + offset
                ws.set_column(col, col, width)
        # a page per column group: the total, then each breakdown, as many groups as fit
        breaks, per_page = [first_group], max(1, (PAGE_CHARS - label_width) // sum(GROUP_WIDTHS))
        previous_dim, on_page = None, 0
        for index, (dim, _group) in enumerate(groups):
            col = first_group + index * len(GROUP_WIDTHS)
            if previous_dim is not None and (dim != previous_dim or on_page == per_page):
                breaks.append(col)
                on_page = 0
            previous_dim, on_page = dim, on_page + 1
        if groups:
            ws.set_v_pagebreaks(breaks)
        ws.repeat_columns(0)

        ws.write_string(0, 0, self._("Projektets måluppfyllelse"), self.f["title"])
        ws.write_string(1, 0, self.lead_line(), self.f["text"])
        note = _("Bedömningen är projektledningens där den finns, annars förslaget som följer av "
                 "siffran. Grupper med färre än %(n)s visas som %(dash)s. Se bladet %(sheet)s för hur "
                 "siffrorna räknas.") % {"n": self.table.threshold, "dash": DASH,
                                         "sheet": self._(CONTENTS_SHEET)}
        ws.write_string(2, 0, note, self.f["note"])
        top = 4
        ws.set_row(top, LINE_POINTS)
        ws.merge_range(top, 1, top, len(total), _(TOTAL), self.f["group"])
        for index, (dim, group) in enumerate(groups):
            col = first_group + index * len(GROUP_WIDTHS)
            name = f"{self.w.dimension(dim)}: {self.w.group(dim, group)}"
            ws.merge_range(top, col, top, col + len(GROUP_WIDTHS) - 1, name, self.f["group"])
        header_height = 2 * LINE_POINTS
        ws.set_row(top + 1, header_height)
        ws.write_string(top + 1, 0, _("Delmål"), self.f["header"])
        for col, (title, _width) in enumerate(total, start=1):
            ws.write_string(top + 1, col, title, self.f["header"])
        for index in range(len(groups)):
            col = first_group + index * len(GROUP_WIDTHS)
            for offset, title in enumerate((_("Värde"), "k", "n", _("Status"))):
                ws.write_string(top + 1, col + offset, title, self.f["header"])
        ws.repeat_rows(top, top + 1)
        ws.freeze_panes(top + 2, 1)

        row = top + 2
        used = 4 * LINE_POINTS + header_height  # the first page's title lines and headers
        page_breaks = []
        last_col = first_group + len(groups) * len(GROUP_WIDTHS) - 1
        for section in self.table.sections:
            title = self.w.section(section.title)
            rows: list[tuple[str, Any, float]] = []
            if title is not None:
                rows.append(("section", title, LINE_POINTS * _lines(title, label_width) + 4))
            for goal in section.goals:
                rows.append(("goal", goal, self._goal_height(goal, label_width, total)))
            for index, (kind, value, height) in enumerate(rows):
                # a heading goes to the next page with its first delmål
                needed = height + (rows[index + 1][2] if kind == "section" and index + 1 < len(rows) else 0)
                if used + needed > PAGE_POINTS and row > top + 2:
                    page_breaks.append(row)
                    used = LINE_POINTS + header_height
                used += height
                ws.set_row(row, height)
                if kind == "section":
                    ws.write_string(row, 0, value, self.f["section"])
                    for col in range(1, last_col + 1):
                        ws.write_blank(row, col, None, self.f["section_fill"])
                else:
                    self._goal_row(ws, row, value, len(total), first_group, groups)
                row += 1
        if page_breaks:
            ws.set_h_pagebreaks(page_breaks)

    def _source(self, goal: TableGoal) -> str:
        """Where the row's figure comes from, in words: questionnaire, question, counted answers."""
        _ = self._
        w = self.w
        if goal.manual:
            return _("Bedöms av projektledningen")
        parts = [w.questionnaire(goal.questionnaire)]
        question = w.question(goal)
        if question:
            parts[0] += ": " + question
        codes = w.codes(goal)
        if codes:
            parts.append(_("Räknar: %(answers)s") % {"answers": codes})
        if goal.kind == "reach":
            parts.append(_("Andel som svarat eller följts upp"))
        if goal.measure in ("mean_shift", "shift") and goal.total.ci95 is not None:
            parts.append(_("95 %% KI %(low)s till %(high)s") % {"low": w.number(goal.total.ci95[0], 2),
                                                               "high": w.number(goal.total.ci95[1], 2)})
        return "\n".join(parts)

    def _goal_height(self, goal: TableGoal, label_width: float, total: list[tuple[str, float]]) -> float:
        found = self.assessments.get(goal.key)
        motivering = (found.motivering or "") if found else ""
        texts = [(self.w.label(goal), label_width), (self._source(goal), total[0][1]),
                 (motivering, total[-1][1]), (self.w.target(goal), total[1][1]),
                 (self.w.verdict_word(self.w.verdict(goal, found)) + "\n" + self.w.own_assessment(found),
                  total[-2][1])]
        return LINE_POINTS * max(_lines(text, width) for text, width in texts) + 3

    def _goal_row(self, ws, row: int, goal: TableGoal, width: int, first_group: int,
                  groups: Sequence[tuple[str, str]]) -> None:
        w, f = self.w, self.f
        found = self.assessments.get(goal.key)
        ws.write_string(row, 0, w.label(goal), f["label"])
        ws.write_string(row, 1, self._source(goal), f["source"])
        ws.write_string(row, 2, w.target(goal), f["text_top"])
        col = 3
        if self.comparison is not None:
            before = self.comparison.earlier_goal(goal.key)
            self._figure(ws, row, col, before, before.total if before else None, with_status=False)
            col += 3
        self._figure(ws, row, col, goal, goal.total, with_status=False)
        col += 3
        if self.comparison is not None:
            ws.write_string(row, col, w.change(goal, self.comparison.changes.get(goal.key)), f["text_top"])
            col += 1
        verdict = w.verdict(goal, found)
        own = w.own_assessment(found)
        word = w.verdict_word(verdict) + (f"\n{own}" if own else "")
        ws.write_string(row, col, word, f[f"verdict_{verdict}"] if verdict else f["dash_top"])
        ws.write_string(row, col + 1, (found.motivering or "").strip() if found else "", f["wrap"])
        for index, (dim, group) in enumerate(groups):
            start = first_group + index * len(GROUP_WIDTHS)
            figure = goal.by.get(dim, {}).get(group)
            if goal.manual or (figure is None and not goal.by.get(dim)):
                continue
            self._figure(ws, row, start, goal, figure, with_status=True,
                         target=goal.target_for(dim, group))

    def _figure(self, ws, row: int, col: int, goal: TableGoal | None, figure: GoalFigure | None,
                with_status: bool, target: float | None = None) -> None:
        """Value, k and n (and the proposed verdict) of one figure; "–" where there is none."""
        f = self.f
        cells = 4 if with_status else 3
        if goal is None or goal.manual:
            return
        if figure is None or figure.suppressed:
            for c in range(cells):
                ws.write_string(row, col + c, DASH, f["dash_top"])
            return
        if figure.share is not None:
            self._number(ws, row, col, figure.share.fraction, "pct")
            self._number(ws, row, col + 1, figure.share.k, "int")
            self._number(ws, row, col + 2, figure.share.n, "int")
        elif goal.measure == "participants":
            count_target = goal.target if target is None and not with_status else target
            self._number(ws, row, col, figure.n or 0, "int")
            self._number(ws, row, col + 1, figure.n or 0, "int")
            self._number(ws, row, col + 2, count_target if not isinstance(count_target, tuple) else None,
                         "int")
        else:
            self._number(ws, row, col, figure.delta, "mean")
            ws.write_string(row, col + 1, "", f["text_top"])
            self._number(ws, row, col + 2, figure.n, "int")
        if with_status:
            verdict = PROPOSED_VERDICT.get(figure.status) if figure.status else None
            if verdict:
                ws.write_string(row, col + 3, self.w.verdict_word(verdict), f[f"verdict_{verdict}"])
            else:
                ws.write_string(row, col + 3, DASH, f["dash_top"])

    def _number(self, ws, row: int, col: int, value, fmt: str) -> None:
        if value is None:
            ws.write_string(row, col, DASH, self.f["dash_top"])
        else:
            ws.write_number(row, col, value, self.f[f"{fmt}_top"])

    # reach ---------------------------------------------------------------------------------
    def reach_sheet(self) -> None:
        _ = self._
        if not self.table.reach:
            return
        ws = self.page_sheet(self._(REACH_SHEET), portrait=self.comparison is None)
        columns = [(_("Uppföljning"), 30), (_("Grupp"), 26)]
        if self.comparison is None:
            columns += [("k", 7), ("n", 7), (_("Andel"), 9)]
        else:
            earlier, later = (self.w.day(t.as_of) for t in (self.comparison.earlier, self.comparison.later))
            columns += [(f"{earlier}: k", 9), ("n", 7), (_("Andel"), 9), (f"{later}: k", 9), ("n", 7),
                        (_("Andel"), 9), (_("Förändring"), 12)]
        ws.write_string(0, 0, self._("Räckvidd"), self.f["title"])
        ws.write_string(1, 0, self.lead_line(), self.f["text"])
        ws.set_row(3, 2 * LINE_POINTS)
        for col, (title, width) in enumerate(columns):
            ws.set_column(col, col, width)
            ws.write_string(3, col, title, self.f["header"])
        ws.repeat_rows(3)
        row = 4
        notes = []
        for reach in self.table.reach:
            lines = self.w.reach_lines(reach, self.comparison)
            name = self.w.reach_name(reach.questionnaire)
            for index, (group, share, earlier) in enumerate(lines):
                if index == 0:
                    ws.set_row(row, LINE_POINTS * _lines(name, 30))
                ws.write_string(row, 0, name if index == 0 else "", self.f["wrap" if index == 0 else "text"])
                ws.write_string(row, 1, group, self.f["total"] if index == 0 else self.f["text"])
                col = 2
                if self.comparison is not None:
                    self._share(ws, row, col, earlier)
                    col += 3
                self._share(ws, row, col, share)
                if self.comparison is not None:
                    change = self.comparison.reach_changes.get(reach.questionnaire) if index == 0 else None
                    ws.write_string(row, col + 3, self.w.points(change), self.f["dash_top"])
                row += 1
            if reach.without_code or reach.unmatched:
                notes.append(_("%(name)s: %(without)s svar utan deltagarkod och %(unmatched)s svar med en "
                               "kod som inte hör till en avslutad deltagare räknas inte.")
                             % {"name": name, "without": self.w.number(reach.without_code),
                                "unmatched": self.w.number(reach.unmatched)})
        row += 1
        for note in notes:
            ws.merge_range(row, 0, row, len(columns) - 1, note, self.f["wrap"])
            ws.set_row(row, LINE_POINTS * _lines(note, sum(w for _t, w in columns)))
            row += 1

    # insatser -------------------------------------------------------------------------------
    def insatser_sheet(self) -> None:
        """Per insats: the share of participants in it, in total, per kön and per kommun; then
        the exit outcome with and without it (chi-square), as on the Måluppfyllelse page."""
        _ = self._
        ws = self.page_sheet(_(INSATS_SHEET), portrait=True)
        ws.write_string(0, 0, _("Insatser"), self.f["title"])
        note = _("Andel deltagare som tagit del av varje insats, per kön och kommun. Grupper med färre "
                 "än %(n)s visas som %(dash)s.") % {"n": self.table.threshold, "dash": DASH}
        ws.write_string(1, 0, note, self.f["text"])
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 24)
        ws.set_column(2, 9, 9)
        row = 3
        for col, title in enumerate([_("Insats"), _("Grupp"), "k", "n", _("Andel")]):
            ws.write_string(row, col, title, self.f["header"])
        ws.repeat_rows(row)
        row += 1
        for result in self.insatser:
            name = _(INSATS_NAMES[result.insats]) if result.insats in INSATS_NAMES else result.insats
            lines = [(_(TOTAL), result.total)]
            lines += [(f"{self.w.dimension('kon')}: {self.w.group('kon', g)}", s)
                      for g, s in result.by_kon.items()]
            lines += [(f"{self.w.dimension('organisation')}: {o}", s) for o, s in result.by.items()]
            for name_text, share in lines:
                ws.write_string(row, 0, name, self.f["text"])
                ws.write_string(row, 1, name_text, self.f["text"])
                self._share(ws, row, 2, share)
                row += 1
        row += 1
        ws.write_string(row, 0, _("Utfall vid avslut (arbete, studier eller arbetssökande) med och utan "
                                  "insatsen"), self.f["title"])
        row += 1
        headers = [_("Insats"), _("Med: k"), _("Med: n"), _("Med: andel"), _("Utan: k"), _("Utan: n"),
                   _("Utan: andel"), _("Chi-två"), "p", _("Förväntat antal under 5")]
        for col, title in enumerate(headers):
            ws.write_string(row, col, title, self.f["header"])
        row += 1
        for result in self.insatser:
            name = _(INSATS_NAMES[result.insats]) if result.insats in INSATS_NAMES else result.insats
            ws.write_string(row, 0, name, self.f["text"])
            outcome = result.outcome
            if outcome is None:
                for c in range(1, len(headers)):
                    ws.write_string(row, c, DASH, self.f["dash_top"])
            else:
                self._share(ws, row, 1, outcome.with_insats)
                self._share(ws, row, 4, outcome.without)
                self._number(ws, row, 7, outcome.chi2, "mean")
                self._number(ws, row, 8, outcome.p, "mean")
                ws.write_string(row, 9, _("ja") if outcome.caution else _("nej"), self.f["text"])
            row += 1

    def _share(self, ws, row: int, col: int, share) -> None:
        if share is None:
            for c in range(3):
                ws.write_string(row, col + c, DASH, self.f["dash_top"])
            return
        self._number(ws, row, col, share.k, "int")
        self._number(ws, row, col + 1, share.n, "int")
        self._number(ws, row, col + 2, share.fraction, "pct")


def write_project_xlsx(table: GoalTable, assessments: Mapping[str, Any], path: str | Path,
                       answers: Mapping[str, AnswerRows] | None = None, words: Words = SWEDISH,
                       comparison: Comparison | None = None,
                       insatser: Sequence[InsatsResult] | None = None) -> Path:
    """Writes the project workbook to ``path`` (replaced whole, never left half-written), with
    each questionnaire's answer sheet when its rows are in ``answers`` (by questionnaire key),
    and both dates side by side when ``comparison`` is given."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent or None)
    os.close(fd)
    try:
        ProjectWriter(table, assessments, Path(temporary), answers, words, comparison, insatser).write()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
