"""Words the exports show for report codes, in Swedish (the source language).

The page translates the same msgids with gettext; files written from the command line
are in Swedish.
"""

from __future__ import annotations

from collections.abc import Callable

from ..analysis.groups import CROSS, Label
from ..analysis.report import Report
from ..questionnaire.messages import N_

STATUS = {"uppnatt": N_("Uppnått"), "nara": N_("Nära"), "ej_uppnatt": N_("Ej uppnått"),
          "osaker": N_("Osäker")}
MEASURES = {
    "share": N_("Andel"),
    "moved_up": N_("Andel som ökat minst ett steg"),
    "mean_shift": N_("Medelförändring"),
}
TOTAL = N_("Totalt")
ROUND = N_("Mättillfälle")
DASH = "–"


def text(labels: tuple[Label, ...], translate: Callable[[Label], str] | None = None) -> str:
    """A group's or dimension's label; a crossing's two parts joined by ×."""
    return " × ".join((translate(label) if translate else label.text) for label in labels)


def group_label(report: Report, dimension_key: str, group_key: str, translate=None) -> str:
    dim = report.dimension(dimension_key)
    for group in dim.groups:
        if group.key == group_key:
            return text(group.label, translate)
    return group_key.replace(CROSS, " × ")
