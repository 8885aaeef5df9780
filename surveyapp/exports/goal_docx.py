"""The goal table as a Word document, ready to paste into the ESF report: the delmål grouped
by projektmål with value, verdict (word and colour) and motivering per row, the reach table
and a short method note. With a comparison, two dates stand side by side with the change.

Everything shown comes from the :class:`GoalTable` (and :class:`Comparison`); nothing is
computed here."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..analysis.goal_comparison import Comparison
from ..analysis.project import GoalTable
from .goal_words import VERDICT_FILLS, VERDICT_FONTS, GoalWords
from .labels import DASH
from .words import SWEDISH, Words

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADING_FILL = "E7ECEA"
SECTION_FILL = "F3F6F5"
#: the smallest text in the document (tables); headings and body are larger
TABLE_PT = 9


def _shade(cell, fill: str) -> None:
    """A table cell's background colour."""
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row) -> None:
    """The row is repeated at the top of every page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row_whole(row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _keep_with_next(cell) -> None:
    for paragraph in cell.paragraphs:
        paragraph.paragraph_format.keep_with_next = True


def _write(cell, text: str, *, bold: bool = False, italic: bool = False, colour: str | None = None,
           size: float = TABLE_PT) -> None:
    """``text`` in ``cell`` (its lines as paragraphs)."""
    lines = (text or "").split("\n")
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.font.size = Pt(size)
        run.bold = bold
        run.italic = italic
        if colour:
            run.font.color.rgb = RGBColor.from_string(colour)


class GoalDocument:
    def __init__(self, table: GoalTable, assessments: Mapping[str, Any], words: Words = SWEDISH,
                 comparison: Comparison | None = None):
        self.table = comparison.later if comparison is not None else table
        self.assessments = assessments
        self.comparison = comparison
        self.w = GoalWords(self.table, words)
        self._ = words.message
        self.document = Document()

    def build(self) -> Document:
        _ = self._
        document = self.document
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(1.8))
        document.styles["Normal"].font.size = Pt(10)
        project = self.table.project
        title = _("Måluppfyllelse")
        if project.title:
            title = _("%(project)s – måluppfyllelse") % {"project": project.title}
        document.add_heading(title, level=1)
        document.core_properties.title = title
        setup = self.w.setup_line()
        if setup:
            document.add_paragraph(setup)
        document.add_paragraph(self._scope_line())
        self.goal_table()
        self.reach_table()
        heading = document.add_heading(_("Om siffrorna"), level=2)
        heading.paragraph_format.keep_with_next = True
        for note in self.w.method_notes():
            document.add_paragraph(note)
        return document

    def _scope_line(self) -> str:
        _ = self._
        table = self.table
        if self.comparison is not None:
            line = _("Läget den %(earlier)s och den %(later)s.") % {
                "earlier": self.w.day(self.comparison.earlier.as_of), "later": self.w.day(table.as_of)}
        else:
            line = _("Läget den %(day)s.") % {"day": self.w.day(table.as_of)}
        if table.organisations is not None:
            line += " " + _("Kommuner: %(names)s.") % {"names": ", ".join(table.organisations) or DASH}
        else:
            line += " " + _("Alla kommuner.")
        return line

    # the goal table ------------------------------------------------------------------------
    def _columns(self) -> list[tuple[str, float]]:
        _ = self._
        if self.comparison is None:
            return [(_("Delmål"), 7.0), (_("Målvärde"), 2.6), (_("Utfall"), 3.6), (_("Bedömning"), 2.8),
                    (_("Motivering"), 10.0)]
        return [(_("Delmål"), 6.0), (_("Målvärde"), 2.4), (self.w.day(self.comparison.earlier.as_of), 3.0),
                (self.w.day(self.comparison.later.as_of), 3.0), (_("Förändring"), 2.4),
                (_("Bedömning"), 2.6), (_("Motivering"), 6.6)]

    def _table(self, columns: list[tuple[str, float]]):
        table = self.document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, (_title, width) in zip(table.columns, columns, strict=True):
            column.width = Cm(width)
        header = table.rows[0]
        _repeat_header(header)
        _keep_row_whole(header)
        for cell, (title, width) in zip(header.cells, columns, strict=True):
            cell.width = Cm(width)
            _write(cell, title, bold=True)
            _shade(cell, HEADING_FILL)
            _keep_with_next(cell)
        return table

    def _row(self, table, columns):
        row = table.add_row()
        _keep_row_whole(row)
        for cell, (_title, width) in zip(row.cells, columns, strict=True):
            cell.width = Cm(width)
        return row

    def goal_table(self) -> None:
        _ = self._
        heading = self.document.add_heading(_("Bedömning av måluppfyllelse"), level=2)
        heading.paragraph_format.keep_with_next = True
        columns = self._columns()
        table = self._table(columns)
        for section in self.table.sections:
            title = self.w.section(section.title)
            if title is not None:
                row = self._row(table, columns)
                merged = row.cells[0].merge(row.cells[-1])
                _write(merged, title, bold=True, size=TABLE_PT + 1)
                _shade(merged, SECTION_FILL)
                _keep_with_next(merged)  # a projektmål never ends a page alone
            for goal in section.goals:
                self._goal_row(table, columns, goal)

    def _goal_row(self, table, columns, goal) -> None:
        w = self.w
        row = self._row(table, columns)
        cells = row.cells
        found = self.assessments.get(goal.key)
        label = w.label(goal)
        source = self._("Bedöms av projektledningen") if goal.manual else w.questionnaire(goal.questionnaire)
        _write(cells[0], label)
        source_paragraph = cells[0].add_paragraph()
        source_paragraph.paragraph_format.space_after = Pt(0)
        run = source_paragraph.add_run(source)
        run.font.size = Pt(TABLE_PT - 1)
        run.italic = True
        _write(cells[1], w.target(goal))
        col = 2
        if self.comparison is not None:
            before = self.comparison.earlier_goal(goal.key)
            _write(cells[col], w.total(before) if before is not None else DASH)
            col += 1
        _write(cells[col], w.total(goal))
        col += 1
        if self.comparison is not None:
            _write(cells[col], w.change(goal, self.comparison.changes.get(goal.key)))
            col += 1
        verdict = w.verdict(goal, found)
        own = w.own_assessment(found)
        word = w.verdict_word(verdict)
        _write(cells[col], word, bold=verdict is not None,
               colour=VERDICT_FONTS.get(verdict) if verdict else None)
        if own:
            paragraph = cells[col].add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(own)
            run.italic = True
            run.font.size = Pt(TABLE_PT)
        if verdict:
            _shade(cells[col], VERDICT_FILLS[verdict])
        _write(cells[col + 1], (found.motivering or "").strip() if found else "")

    # reach ---------------------------------------------------------------------------------
    def reach_table(self) -> None:
        _ = self._
        if not self.table.reach:
            return
        heading = self.document.add_heading(_("Räckvidd"), level=2)
        heading.paragraph_format.keep_with_next = True
        if self.comparison is None:
            columns = [(_("Uppföljning"), 9.0), (_("Grupp"), 6.0), (_("Andel (k av n)"), 5.0)]
        else:
            columns = [(_("Uppföljning"), 8.0), (_("Grupp"), 5.0),
                       (self.w.day(self.comparison.earlier.as_of), 4.0),
                       (self.w.day(self.comparison.later.as_of), 4.0), (_("Förändring"), 4.0)]
        table = self._table(columns)
        notes = []
        for reach in self.table.reach:
            lines = self.w.reach_lines(reach, self.comparison)
            for index, (name, share, earlier) in enumerate(lines):
                cells = self._row(table, columns).cells
                name_cell = self.w.reach_name(reach.questionnaire) if index == 0 else ""
                _write(cells[0], name_cell, bold=index == 0)
                _write(cells[1], name, bold=index == 0)
                if self.comparison is None:
                    _write(cells[2], self.w.share(share))
                else:
                    _write(cells[2], self.w.share(earlier))
                    _write(cells[3], self.w.share(share))
                    change = self.comparison.reach_changes.get(reach.questionnaire) if index == 0 else None
                    _write(cells[4], self.w.points(change))
            if reach.without_code or reach.unmatched:
                notes.append(_("%(name)s: %(without)s svar utan deltagarkod och %(unmatched)s svar med en "
                               "kod som inte hör till en avslutad deltagare räknas inte.")
                             % {"name": self.w.reach_name(reach.questionnaire),
                                "without": self.w.number(reach.without_code),
                                "unmatched": self.w.number(reach.unmatched)})
        for note in notes:
            self.document.add_paragraph(note)


def write_goal_docx(table: GoalTable, assessments: Mapping[str, Any], path: str | Path,
                    words: Words = SWEDISH, comparison: Comparison | None = None) -> Path:
    """Writes the Word document to ``path`` (replaced whole, never left half-written)."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(suffix=".docx", dir=path.parent or None)
    os.close(fd)
    try:
        GoalDocument(table, assessments, words, comparison).build().save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def docx_bytes(table: GoalTable, assessments: Mapping[str, Any], words: Words = SWEDISH,
               comparison: Comparison | None = None) -> bytes:
    import io

    buffer = io.BytesIO()
    GoalDocument(table, assessments, words, comparison).build().save(buffer)
    return buffer.getvalue()

