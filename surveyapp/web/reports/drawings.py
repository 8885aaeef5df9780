"""Which charts the report page draws for a question, a matrix and the paired figures, and
with which words: the same kinds as the Excel file, from the report's figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from ...analysis.groups import Label
from ...analysis.report import Cell, ItemResult, Report
from ...i18n import format_number, format_pct, qtext
from .charts import Bar, Segment, bars_chart, column_chart, stacked_chart

#: colour classes of a scale's steps, from its worst to its best
RAMP = ("r0", "r1", "r2", "r3", "r4")


@dataclass(frozen=True)
class Drawing:
    title: str
    svg: Markup


def _target(report: Report, result: ItemResult) -> float | None:
    for goal in report.questionnaire.goals:
        if goal.question == result.item.key and goal.measure == "share" and not goal.codes:
            return goal.target
    return None


def _sections(report: Report, result: ItemResult, label: Callable[[tuple[Label, ...]], str]):
    """(dimension key, its name, rows of (group, cell, is the total)), as the Excel file has them."""
    total = (_("Totalt"), result.total, True)
    sections = []
    if len(result.rounds) > 1:
        sections.append(("round", _("Mättillfälle"),
                         [*((name, c, False) for name, c in result.rounds.items()), total]))
    for dim in report.dimensions:
        groups = [(label(g.label), result.by[dim.key][g.key], False) for g in dim.groups]
        sections.append((dim.key, label(dim.label), [*groups, total]))
    return sections


def option_classes(question) -> list[str]:
    """Each option's colour class: a red-to-blue ramp for scales, grey for not applicable."""
    valued = [o for o in question.options if not o.not_applicable]
    classes = []
    for n, option in enumerate(question.options):
        if option.not_applicable:
            classes.append("na")
        elif question.is_scale or question.type == "band":
            position = valued.index(option) * (len(RAMP) - 1) / max(len(valued) - 1, 1)
            classes.append(RAMP[round(position)])
        else:
            classes.append(f"s{n % 8}")
    return classes


def _positive(question) -> str:
    labels = [qtext(o.label) for o in question.options if o.code in question.positive]
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s eller %(last)s", first=", ".join(labels[:-1]), last=labels[-1])


def _share_bars(rows) -> list[Bar]:
    bars = []
    for group, cell, total in rows:
        if cell.suppressed or cell.figures.share is None:
            bars.append(Bar(group, None, "–", total))
        else:
            share = cell.figures.share
            bars.append(Bar(group, share.pct, format_pct(share.pct), total))
    return bars


def _mean_bars(rows) -> list[Bar]:
    bars = []
    for group, cell, total in rows:
        mean = None if cell.suppressed else cell.figures.mean
        value = mean.value if mean else None
        bars.append(Bar(group, value, format_number(value, 2) if value is not None else "–", total))
    return bars


def _stacked_rows(question, rows) -> list[tuple[str, list[Segment]]]:
    out = []
    for group, cell, _total in rows:
        if cell.suppressed:
            out.append((f"{group} (–)", [Segment(None, "") for _o in question.options]))
        else:
            out.append((group, [Segment(s.pct, format_pct(s.pct)) for _c, s in cell.figures.option_shares]))
    return out


def item_drawings(report: Report, result: ItemResult, label) -> list[Drawing]:
    """A question's charts: the share (or mean) per section with the target, and how the
    answers spread, for the first section that is not the question itself."""
    item = result.item
    question = item.question
    target = _target(report, result)
    drawings = []
    first = None
    for key, name, rows in _sections(report, result, label):
        if key == question.key:
            continue  # kön per kön says nothing
        first = first or rows
        by = _("per %(dimension)s", dimension=name.lower())
        if item.has_share:
            title = _("Andel som svarat %(positive)s", positive=_positive(question)) + " " + by
            svg = column_chart(
                _share_bars(rows), 100, target,
                _("Mål %(target)s", target=format_pct(target)) if target is not None else "",
                axis=format_pct,
            )
            drawings.append(Drawing(title, svg))
        elif item.has_mean:
            drawings.append(Drawing(_("Medelvärde") + " " + by,
                                    column_chart(_mean_bars(rows), 5, axis=lambda v: format_number(v, 0),
                                                 ticks=5)))
    rows = first or [(_("Totalt"), result.total, True)]
    if question.type == "multi":
        cell = result.total
        if not cell.suppressed:
            bars = [Bar(qtext(o.label), s.pct, format_pct(s.pct))
                    for o, (_c, s) in zip(question.options, cell.figures.option_shares, strict=True)]
            drawings.append(Drawing(_("Andel av dem som svarat som valt varje svar"),
                                    column_chart(bars, 100, axis=format_pct)))
    elif question.options:
        series = list(zip((qtext(o.label) for o in question.options), option_classes(question), strict=True))
        drawings.append(Drawing(_("Svaren"), stacked_chart(_stacked_rows(question, rows), series)))
    return drawings


def matrix_drawings(report: Report, results: list[ItemResult]) -> list[Drawing]:
    """A matrix's rows together: the share per row, rounds side by side; and the answers per
    row and round as stacked bars."""
    question = results[0].item.question
    rounds = list(report.rounds) if len(report.rounds) > 1 else []
    drawings = []

    def cells(result: ItemResult) -> list[tuple[str | None, Cell]]:
        return [(n, result.rounds[n]) for n in rounds] or [(None, result.total)]

    if results[0].item.has_share:
        rows = []
        for result in results:
            values = []
            for _name, cell in cells(result):
                pct = None if cell.suppressed else cell.figures.share.pct
                values.append((pct, format_pct(pct)))
            rows.append((qtext(result.item.row.text), values))
        names = rounds or [_("Totalt")]
        drawings.append(Drawing(_("Andel som svarat %(positive)s", positive=_positive(question)),
                                bars_chart(rows, names, 100)))
    stacked = []
    for result in results:
        for name, cell in cells(result):
            row = qtext(result.item.row.text)
            stacked += _stacked_rows(question, [(f"{row}, {name}" if name else row, cell, False)])
    series = list(zip((qtext(o.label) for o in question.options), option_classes(question), strict=True))
    title = _("Svaren per rad och mättillfälle") if rounds else _("Svaren per rad")
    drawings.append(Drawing(title, stacked_chart(stacked, series)))
    return drawings


def paired_drawing(results: list[ItemResult]) -> Drawing | None:
    """First against latest mean rating per question, for everyone."""
    rows = []
    for result in results:
        paired = result.total.paired
        if paired is None or paired.suppressed or paired.mean_first is None:
            continue
        if result.item.question.type != "scale":
            continue
        rows.append((qtext(result.item.question.text), [
            (paired.mean_first, format_number(paired.mean_first, 1)),
            (paired.mean_latest, format_number(paired.mean_latest, 1)),
        ]))
    if not rows:
        return None
    names = (_("Första skattningen"), _("Senaste skattningen"))
    return Drawing(_("Medelvärde per fråga: första och senaste skattningen"), bars_chart(rows, names, 5))
