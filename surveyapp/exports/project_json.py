"""The goal table as JSON: the public contract of ``surveyapp goals --json`` (docs/contract.md)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..analysis.figures import Share
from ..analysis.goals import GoalFigure
from ..analysis.project import GoalTable, TableGoal

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
    if goal.measure == "mean_shift":
        out["ci95"] = None if figure.ci95 is None else [figure.ci95[0], figure.ci95[1]]
    return out


def _share(share: Share | None) -> dict:
    if share is None:
        return dict(SUPPRESSED)
    return {"k": share.k, "n": share.n, "pct": share.pct}


def to_dict(table: GoalTable, assessments: Mapping[str, Any] | None = None) -> dict:
    assessments = assessments or {}
    goals = []
    for goal in table.goals:
        found = assessments.get(goal.key)
        target = list(goal.target) if isinstance(goal.target, tuple) else goal.target
        by = {}
        for dim, groups in goal.by.items():
            by[dim] = {}
            for group, figure in groups.items():
                group_target = None
                if goal.key == "participants" and dim == "organisation":
                    group_target = table.project.organisation_targets.get(group)
                by[dim][group] = _figure(goal, figure, group_target)
        goals.append({
            "key": goal.key,
            "questionnaire": goal.questionnaire,
            "question": goal.question,
            "codes": list(goal.codes),
            "measure": goal.measure,
            "label": goal.label,
            "target": target,
            **_figure(goal, goal.total, goal.target),
            "motivering": found.motivering if found else None,
            "bedomning": found.assessment if found else None,
            "by": by,
        })
    return {
        "participants": {
            "n": table.participants,
            "target": table.project.total,
            "by": {dim: {g: (n if n is not None else dict(SUPPRESSED)) for g, n in groups.items()}
                   for dim, groups in table.participants_by.items()},
            "status": table.participants_status.value if table.participants_status else None,
        },
        "reach": {
            r.questionnaire: {
                **_share(r.total),
                "by": {dim: {g: _share(s) for g, s in groups.items()} for dim, groups in r.by.items()},
            }
            for r in table.reach
        },
        "goals": goals,
    }


def dumps(table: GoalTable, assessments: Mapping[str, Any] | None = None) -> str:
    return json.dumps(to_dict(table, assessments), ensure_ascii=False, indent=2)
