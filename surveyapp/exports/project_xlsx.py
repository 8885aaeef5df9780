"""The project workbook: the goal table on the first sheet, then each questionnaire's sheets as
its own Excel summary writes them (the same reports, so the same figures)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..analysis.figures import Share
from ..analysis.goals import GoalFigure
from ..analysis.insatser import InsatsResult
from ..analysis.project import GoalTable, TableGoal
from ..analysis.records import AnswerRows
from .labels import DASH, MEASURES, STATUS, TOTAL
from .words import SWEDISH
from .xlsx import QuestionnaireSheets, cell_formats, new_workbook

#: the goal table's sheet
GOAL_SHEET = "Måluppfyllelse"
#: words for the goal table's own measures (the questionnaires' come from labels.MEASURES)
PROJECT_MEASURES = {"participants": "Antal deltagare", "balance": "Andel kvinnor av kvinnor och män"}
PER_GROUP = ["Värde", "k", "n", "Status"]
DIMENSION_NAMES = {"kon": "Kön", "aldersgrupp": "Ålder", "fodelseregion": "Födelseregion",
                   "organisation": "Kommun"}
#: the insatser's sheet
INSATS_SHEET = "Insatser"
INSATS_NAMES = {
    "hantering_vardag": "Hantering av vardagen", "samarbetsformaga": "Samarbetsförmåga", "halsa": "Hälsa",
    "hantering_halsa": "Hantering av hälsa", "tro_pa_jobb": "Tro på att få ett jobb",
    "kunskap_arbetsmarknad": "Kunskap om arbetsmarknaden",
    "sociala_kompetenser": "Sociala och personliga kompetenser", "yrkeskompetenser": "Yrkeskompetenser",
    "jobbsokning": "Jobbsökning", "social_mentor": "Social mentor/kontaktperson",
    "jobbinriktade": "Jobbinriktade insatser",
}


def sheet_prefix(key: str) -> str:
    return f"{key[:12]} "


def _columns(table: GoalTable) -> list[tuple[str | None, str | None]]:
    """(dimension, group) of each block of columns; (None, None) is the total."""
    columns: list[tuple[str | None, str | None]] = [(None, None)]
    for dim in table.dimensions:
        seen: list[str] = []
        for goal in table.goals:
            seen += [g for g in goal.by.get(dim, {}) if g not in seen]
        columns += [(dim, g) for g in seen]
    return columns


class ProjectWriter:
    def __init__(self, table: GoalTable, assessments: Mapping[str, Any], path: Path,
                 answers: Mapping[str, AnswerRows] | None = None,
                 insatser: Sequence[InsatsResult] | None = None):
        self.table = table
        self.insatser = insatser
        self.assessments = assessments
        self.answers = answers or {}
        self.workbook = new_workbook(path, "Projektets måluppfyllelse")
        self.f = cell_formats(self.workbook)

    def write(self) -> None:
        self.goal_sheet()
        if self.insatser is not None:
            self.insatser_sheet()
        for key, report in self.table.reports.items():
            QuestionnaireSheets(self.workbook, report, SWEDISH, prefix=sheet_prefix(key),
                                answers=self.answers.get(key)).write()
        self.workbook.close()

    def put_figure(self, ws, row: int, col: int, goal: TableGoal, figure: GoalFigure | None,
                   target: float | None) -> None:
        if figure is None or figure.suppressed:
            for c in range(len(PER_GROUP)):
                ws.write_string(row, col + c, DASH, self.f["dash"])
            return
        number = self._number
        if figure.share is not None:
            number(ws, row, col, figure.share.fraction, "pct")
            number(ws, row, col + 1, figure.share.k, "int")
            number(ws, row, col + 2, figure.share.n, "int")
        elif goal.measure == "participants":
            number(ws, row, col, figure.n or 0, "int")
            number(ws, row, col + 1, figure.n or 0, "int")
            number(ws, row, col + 2, target, "int")
        else:
            number(ws, row, col, figure.delta, "mean")
            ws.write_string(row, col + 1, "", self.f["text"])
            number(ws, row, col + 2, figure.n, "int")
        status = figure.status.value if figure.status else None
        if status:
            ws.write_string(row, col + 3, STATUS[status], self.f[status])
        else:
            ws.write_string(row, col + 3, DASH, self.f["dash"])

    def _number(self, ws, row: int, col: int, value, fmt: str) -> None:
        if value is None:
            ws.write_string(row, col, DASH, self.f["dash"])
        else:
            ws.write_number(row, col, value, self.f[fmt])

    def goal_sheet(self) -> None:
        table = self.table
        ws = self.workbook.add_worksheet(GOAL_SHEET)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.write_string(0, 0, "Projektets måluppfyllelse", self.f["title"])
        ws.write_string(1, 0, f"Grupper med färre än {table.threshold} visas som {DASH}. "
                              "Medelförändringar: uppnått när hela 95 % KI ligger över målvärdet.",
                        self.f["text"])
        columns = _columns(table)
        fixed = ["Mål", "Enkät", "Fråga", "Mått", "Målvärde"]
        top = 3
        for i, (dim, group) in enumerate(columns):
            first = len(fixed) + i * len(PER_GROUP)
            name = TOTAL if dim is None else f"{DIMENSION_NAMES.get(dim, dim)}: {group}"
            ws.merge_range(top, first, top, first + len(PER_GROUP) - 1, name, self.f["group"])
        tail = len(fixed) + len(columns) * len(PER_GROUP)
        headers = fixed + PER_GROUP * len(columns) + ["KI 95 % låg", "KI 95 % hög", "Bedömning", "Motivering"]
        for col, title in enumerate(headers):
            ws.write_string(top + 1, col, title, self.f["header"])
        ws.set_column(0, 0, 40)
        ws.set_column(1, 3, 16)
        ws.set_column(tail + 2, tail + 3, 40)
        ws.freeze_panes(top + 2, 1)
        row = top + 2
        for goal in table.goals:
            ws.write_string(row, 0, goal.label, self.f["wrap"])
            ws.write_string(row, 1, goal.questionnaire or "register", self.f["text"])
            ws.write_string(row, 2, goal.question or "", self.f["text"])
            measure = PROJECT_MEASURES.get(goal.measure) or MEASURES.get(goal.measure, goal.measure)
            ws.write_string(row, 3, measure, self.f["text"])
            if isinstance(goal.target, tuple):
                ws.write_string(row, 4, f"{goal.target[0]:g}–{goal.target[1]:g} %", self.f["text"])
            elif goal.target is None:
                ws.write_string(row, 4, DASH, self.f["dash"])
            elif goal.measure in ("share", "moved_up"):
                ws.write_number(row, 4, goal.target / 100, self.f["pct"])
            else:
                fmt = "int" if goal.measure == "participants" else "mean"
                ws.write_number(row, 4, goal.target, self.f[fmt])
            for i, (dim, group) in enumerate(columns):
                col = len(fixed) + i * len(PER_GROUP)
                if dim is None:
                    self.put_figure(ws, row, col, goal, goal.total, goal.target)
                    continue
                target = None
                if goal.key == "participants" and dim == "organisation":
                    target = table.project.organisation_targets.get(group)
                self.put_figure(ws, row, col, goal, goal.by.get(dim, {}).get(group), target)
            ci = goal.total.ci95
            self._number(ws, row, tail, ci[0] if ci else None, "mean")
            self._number(ws, row, tail + 1, ci[1] if ci else None, "mean")
            found = self.assessments.get(goal.key)
            ws.write_string(row, tail + 2, found.assessment if found else "", self.f["wrap"])
            ws.write_string(row, tail + 3, found.motivering if found else "", self.f["wrap"])
            row += 1

        row += 1
        ws.write_string(row, 0, "Räckvidd", self.f["title"])
        row += 1
        for col, title in enumerate(["Enkät", "Grupp", "k", "n", "Andel"]):
            ws.write_string(row, col, title, self.f["header"])
        row += 1
        for reach in table.reach:
            lines = [(TOTAL, reach.total)] + [
                (f"{DIMENSION_NAMES.get(dim, dim)}: {group}", share)
                for dim, groups in reach.by.items() for group, share in groups.items()
            ]
            for name, share in lines:
                ws.write_string(row, 0, reach.questionnaire, self.f["text"])
                ws.write_string(row, 1, name, self.f["text"])
                if share is None:
                    for c in (2, 3, 4):
                        ws.write_string(row, c, DASH, self.f["dash"])
                else:
                    self._number(ws, row, 2, share.k, "int")
                    self._number(ws, row, 3, share.n, "int")
                    self._number(ws, row, 4, share.fraction, "pct")
                row += 1


    def _share(self, ws, row: int, col: int, share: Share | None) -> None:
        """k, n and the share; a small cell (None) as dashes."""
        if share is None:
            for c in range(3):
                ws.write_string(row, col + c, DASH, self.f["dash"])
            return
        self._number(ws, row, col, share.k, "int")
        self._number(ws, row, col + 1, share.n, "int")
        self._number(ws, row, col + 2, share.fraction if share.n else None, "pct")

    def insatser_sheet(self) -> None:
        """Per insats: the share of participants in it, in total, per kön and per kommun; then
        the exit outcome with and without it (chi-square), as on the Måluppfyllelse page."""
        ws = self.workbook.add_worksheet(INSATS_SHEET)
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.write_string(0, 0, "Insatser", self.f["title"])
        note = (f"Andel deltagare som tagit del av varje insats, per kön och kommun. "
                f"Grupper med färre än {self.table.threshold} visas som {DASH}.")
        ws.write_string(1, 0, note, self.f["text"])
        ws.set_column(0, 0, 36)
        ws.set_column(1, 1, 24)
        row = 3
        for col, title in enumerate(["Insats", "Grupp", "k", "n", "Andel"]):
            ws.write_string(row, col, title, self.f["header"])
        row += 1
        for result in self.insatser:
            lines = [(TOTAL, result.total)]
            lines += [(f"{DIMENSION_NAMES['kon']}: {g}", s) for g, s in result.by_kon.items()]
            lines += [(f"{DIMENSION_NAMES['organisation']}: {o}", s) for o, s in result.by.items()]
            for name, share in lines:
                ws.write_string(row, 0, INSATS_NAMES.get(result.insats, result.insats), self.f["text"])
                ws.write_string(row, 1, name, self.f["text"])
                self._share(ws, row, 2, share)
                row += 1
        row += 1
        title = "Utfall vid avslut (arbete, studier eller arbetssökande) med och utan insatsen"
        ws.write_string(row, 0, title, self.f["title"])
        row += 1
        headers = ["Insats", "Med: k", "Med: n", "Med: andel", "Utan: k", "Utan: n", "Utan: andel",
                   "Chi-två", "p", "Förväntat antal under 5"]
        for col, title in enumerate(headers):
            ws.write_string(row, col, title, self.f["header"])
        row += 1
        for result in self.insatser:
            ws.write_string(row, 0, INSATS_NAMES.get(result.insats, result.insats), self.f["text"])
            outcome = result.outcome
            if outcome is None:
                for c in range(1, len(headers)):
                    ws.write_string(row, c, DASH, self.f["dash"])
            else:
                self._share(ws, row, 1, outcome.with_insats)
                self._share(ws, row, 4, outcome.without)
                self._number(ws, row, 7, outcome.chi2, "mean")
                self._number(ws, row, 8, outcome.p, "p")
                ws.write_string(row, 9, "ja" if outcome.caution else "nej", self.f["text"])
            row += 1


def write_project_xlsx(table: GoalTable, assessments: Mapping[str, Any], path: str | Path,
                       answers: Mapping[str, AnswerRows] | None = None,
                       insatser: Sequence[InsatsResult] | None = None) -> Path:
    """Writes the project workbook to ``path`` (replaced whole, never left half-written), with
    each questionnaire's answer sheet when its rows are in ``answers`` (by questionnaire key)
    and the insatser's sheet when ``insatser`` are given."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent or None)
    os.close(fd)
    try:
        ProjectWriter(table, assessments, Path(temporary), answers, insatser).write()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
