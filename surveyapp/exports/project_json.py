"""The goal table as JSON: the public contract of ``surveyapp goals --json`` (docs/contract.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..analysis.figures import Share
from ..analysis.goals import GoalFigure
from ..analysis.project import GoalTable, TableGoal, verdict_of

SUPPRESSED = {"suppressed": True}


def _figure(goal: TableGoal, figure: GoalFigure, target: Any = None) -> dict:
    if figure.suppressed:
        return dict(SUPPRESSED)
    status = figure.status.value if figure.status else None
    if figure.share is not None:
        return {"value": figure.share.pct, "k": figure.share.k, "n": figure.share.n, "status": status}
    if goal.measure == "participants":
        # a count of participants: k of the target
        count = int(figure.n or 0)
        return {"value": count, "k": count, "n": target, "status": status}
    out = {"value": figure.value, "k": None, "n": figure.n, "status": status}
    if goal.measure in ("mean_shift", "shift"):
        out["ci95"] = None if figure.ci95 is None else [figure.ci95[0], figure.ci95[1]]
    return out


def _share(share: Share | None) -> dict:
    if share is None:
        return dict(SUPPRESSED)
    return {"k": share.k, "n": share.n, "pct": share.pct}


def goal_dict(table: GoalTable, goal: TableGoal, found: Any = None) -> dict:
    """One row of the goal table as the public contract gives it."""
    target = list(goal.target) if isinstance(goal.target, tuple) else goal.target
    by = {}
    for dim, groups in goal.by.items():
        by[dim] = {}
        for group, figure in groups.items():
            group_target = goal.target_for(dim, group)
            if goal.key == "participants" and dim == "organisation":
                group_target = table.project.organisation_targets.get(group)
            cell = _figure(goal, figure, group_target)
            if group_target is not None and not figure.suppressed:
                cell["target"] = group_target
            by[dim][group] = cell
    assessment = found.assessment if found else None
    figure = {} if goal.manual else _figure(goal, goal.total, goal.target)
    return {
        "key": goal.key,
        "questionnaire": goal.questionnaire,
        "question": goal.question,
        "codes": list(goal.codes),
        "measure": goal.measure,
        "label": goal.label,
        "manual": goal.manual,
        "target": target,
        "target_of": list(goal.target_of) if goal.target_of is not None else None,
        "targets": {dim: dict(groups) for dim, groups in goal.group_targets.items()},
        **({"value": None, "k": None, "n": None, "status": None} if goal.manual else figure),
        "verdict": verdict_of(goal.total.status, assessment),
        "motivering": found.motivering if found else None,
        "bedomning": assessment,
        "by": by,
    }


def to_dict(table: GoalTable, assessments: Mapping[str, Any] | None = None) -> dict:
    assessments = assessments or {}
    goals = [goal_dict(table, goal, assessments.get(goal.key)) for goal in table.goals]
    participants = table.goal("participants")
    return {
        "project": table.project_name,
        "setup_version": table.setup_version,
        "as_of": table.as_of.isoformat() if table.as_of else None,
        "organisations": list(table.organisations) if table.organisations is not None else None,
        "participants": {
            "n": table.participants,
            "target": participants.target if participants else table.project.total,
            "target_of": list(participants.target_of) if participants and participants.target_of
            is not None else None,
            "by": {dim: {g: (n if n is not None else dict(SUPPRESSED)) for g, n in groups.items()}
                   for dim, groups in table.participants_by.items()},
            "status": table.participants_status.value if table.participants_status else None,
        },
        "reach": {
            r.questionnaire: {
                **_share(r.total),
                "without_code": r.without_code,
                "unmatched": r.unmatched,
                "by": {dim: {g: _share(s) for g, s in groups.items()} for dim, groups in r.by.items()},
            }
            for r in table.reach
        },
        "projektmal": [
            {"title": section.title, "goals": [g.key for g in section.goals]} for section in table.sections
        ],
        "goals": goals,
    }


def dumps(table: GoalTable, assessments: Mapping[str, Any] | None = None) -> str:
    return json.dumps(to_dict(table, assessments), ensure_ascii=False, indent=2)
