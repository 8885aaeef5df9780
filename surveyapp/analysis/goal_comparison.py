"""The goal table at two dates side by side (halvtid and slut): each row's figure at the
earlier and the later date and the change between them.

The change is in the row's own unit: percentage points for shares, participants for
counts, the difference of the two mean shifts for shift goals. Hidden cells and rows
without a figure have no change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .figures import Share
from .goals import GoalFigure
from .project import GoalTable, TableGoal


@dataclass(frozen=True)
class Comparison:
    """Two goal tables over the same project, in date order, and each row's change."""

    earlier: GoalTable
    later: GoalTable
    #: goal key → change from the earlier to the later figure (None: no change to show)
    changes: dict[str, float | None]
    #: questionnaire key → change of its reach in percentage points
    reach_changes: dict[str, float | None]

    def earlier_goal(self, key: str) -> TableGoal | None:
        return self.earlier.goal(key)

    def earlier_reach(self, questionnaire: str):
        return next((r for r in self.earlier.reach if r.questionnaire == questionnaire), None)


def _value(goal: TableGoal | None, figure: GoalFigure | None) -> float | None:
    if goal is None or figure is None or figure.suppressed or goal.manual:
        return None
    if figure.share is not None:
        return figure.share.pct
    if goal.measure == "participants":
        return float(figure.n or 0)
    return figure.delta


def _difference(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return round(after - before, 10)


def _share_pct(share: Share | None) -> float | None:
    return None if share is None else share.pct


def compare_tables(first: GoalTable, second: GoalTable) -> Comparison:
    """The two tables in date order (a table without a date stands for today) and every
    row's change from the earlier to the later."""
    def day(table: GoalTable) -> date:
        return table.as_of or date.today()

    earlier, later = sorted((first, second), key=day)
    changes = {}
    for goal in later.goals:
        before = earlier.goal(goal.key)
        changes[goal.key] = _difference(_value(before, before.total if before else None),
                                        _value(goal, goal.total))
    reach_changes = {}
    for reach in later.reach:
        before = next((r for r in earlier.reach if r.questionnaire == reach.questionnaire), None)
        reach_changes[reach.questionnaire] = _difference(_share_pct(before.total if before else None),
                                                         _share_pct(reach.total))
    return Comparison(earlier, later, changes, reach_changes)
