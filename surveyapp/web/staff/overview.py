"""Projektöversikt: the projects a user holds side by side on the goals they share (the same
questionnaire goal, or the same participant target), per project and per shared kommun, with
the goal table's small-cell rules."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import gettext as _

from ...analysis.project import GoalTable, TableGoal
from ...exports.labels import STATUS
from ...models import Project, Role
from ...services.project import goal_table
from ..access import for_styrgrupp, held_projects, roles_required
from . import blueprint
from .goals import Shown, goal_label, shown, target_text


@dataclass(frozen=True)
class Cell:
    figure: Shown
    target: str


@dataclass(frozen=True)
class SharedGoal:
    key: str
    label: str
    #: project id → the project's figure (None: the project does not have the goal)
    cells: dict[int, Cell | None]
    #: kommun → project id → figure, for kommuner that two or more of the projects share
    by_kommun: dict[str, dict[int, Cell | None]]


def shared_goals(tables: dict[int, GoalTable]) -> list[SharedGoal]:
    """The goals two or more of the tables have, in the first table's order."""
    order: list[str] = []
    found: dict[str, dict[int, TableGoal]] = {}
    for project_id, table in tables.items():
        for goal in table.goals:
            if goal.kind == "manual":
                continue
            if goal.key not in found:
                order.append(goal.key)
            found.setdefault(goal.key, {})[project_id] = goal
    rows = []
    for key in order:
        goals = found[key]
        if len(goals) < 2:
            continue
        first = next(iter(goals.values()))
        cells = {pid: _cell(goals.get(pid)) for pid in tables}
        kommuner: dict[str, int] = {}
        for goal in goals.values():
            for name in goal.by.get("organisation", {}):
                kommuner[name] = kommuner.get(name, 0) + 1
        by_kommun = {name: {pid: _kommun_cell(goals.get(pid), name) for pid in tables}
                     for name in sorted(k for k, n in kommuner.items() if n >= 2)}
        rows.append(SharedGoal(key, goal_label(first), cells, by_kommun))
    return rows


def _cell(goal: TableGoal | None) -> Cell | None:
    """A project's figure; a participant count says its target already ("av 500")."""
    if goal is None:
        return None
    target = "" if goal.measure == "participants" else target_text(goal)
    return Cell(shown(goal, goal.total, goal.target), target)


def _kommun_cell(goal: TableGoal | None, name: str) -> Cell | None:
    if goal is None or name not in goal.by.get("organisation", {}):
        return None
    target = goal.group_targets.get("organisation", {}).get(name)
    return Cell(shown(goal, goal.by["organisation"][name], target), "")


@blueprint.get("/projektoversikt")
@roles_required(Role.ADMIN, Role.PROJEKTLEDNING)
@for_styrgrupp
def overview():
    projects: list[Project] = held_projects()
    tables = {p.id: goal_table(None, full_reports=False, project_id=p.id) for p in projects}
    return render_template("staff/overview.html", projects=projects, rows=shared_goals(tables),
                           status_text=lambda s: _(STATUS[s]) if s else "–")
