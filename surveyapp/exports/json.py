"""The report as one JSON document: the public interchange contract (docs/contract.md)."""

from __future__ import annotations

import json
from typing import Any

from ..analysis.figures import Share
from ..analysis.goals import GoalFigure
from ..analysis.numbers import NumberFigures
from ..analysis.rates import Rate, ResponseRates
from ..analysis.report import Cell, Report
from ..analysis.shifts import Paired, Shift

SUPPRESSED = {"suppressed": True}


def _ci(ci: tuple[float, float] | None) -> list[float] | None:
    return None if ci is None else [ci[0], ci[1]]


def _share(share: Share) -> dict:
    return {"k": share.k, "n": share.n, "pct": share.pct}


def _shift(shift: Shift) -> dict:
    if shift.suppressed:
        return {"from": shift.from_round, "to": shift.to_round, **SUPPRESSED}
    return {
        "from": shift.from_round,
        "to": shift.to_round,
        "delta": shift.delta,
        "ci95": _ci(shift.ci95),
        "n_from": shift.n_from,
        "n_to": shift.n_to,
    }


def _paired(paired: Paired) -> dict:
    if paired.suppressed:
        return dict(SUPPRESSED)
    out: dict[str, Any] = {
        "delta": paired.delta,
        "ci95": _ci(paired.ci95),
        "n_pairs": paired.n_pairs,
        "p": paired.p,
    }
    if paired.movement is not None:
        out["moved"] = {
            "up": _share(paired.movement.up),
            "stayed": _share(paired.movement.stayed),
            "down": _share(paired.movement.down),
        }
    return out


def cell(c: Cell) -> dict:
    if c.suppressed:
        return dict(SUPPRESSED)
    f = c.figures
    out: dict[str, Any] = {"n": f.n, "distribution": dict(f.distribution)}
    if f.share is not None:
        out["share"] = _share(f.share)
    if f.mean is not None:
        out["mean"] = {"value": f.mean.value, "n": f.mean.n}
    if c.shift is not None:
        out["shift"] = _shift(c.shift)
    if c.paired is not None:
        out["paired"] = _paired(c.paired)
    return out


def _goal_figure(figure: GoalFigure) -> dict:
    if figure.suppressed:
        return dict(SUPPRESSED)
    out: dict[str, Any] = {"value": figure.value, "status": figure.status and figure.status.value}
    if figure.share is not None:
        out.update(k=figure.share.k, n=figure.share.n)
    else:
        out["n_pairs"] = figure.n
        out["ci95"] = _ci(figure.ci95)
    return out


def number_cell(f: NumberFigures) -> dict:
    """A whole-number question's cell: n, the mean (as a scale's) and the median."""
    if f.suppressed:
        return dict(SUPPRESSED)
    return {"n": f.n, "mean": {"value": f.mean, "n": f.n}, "median": f.median}


def to_dict(report: Report) -> dict:
    questions = {}
    for result in report.items:
        entry = cell(result.total)
        entry["by"] = {
            dim: {group: cell(c) for group, c in groups.items()} for dim, groups in result.by.items()
        }
        entry["rounds"] = {name: cell(c) for name, c in result.rounds.items()}
        questions[result.item.key] = entry
    for number in report.numbers:
        entry = number_cell(number.total)
        entry["by"] = {dim: {group: number_cell(f) for group, f in groups.items()}
                       for dim, groups in number.by.items()}
        entry["rounds"] = {name: number_cell(f) for name, f in number.rounds.items()}
        questions[number.question.key] = entry
    goals = []
    for g in report.goals:
        goals.append({
            "question": g.goal.question,
            "label": g.goal.label,
            "measure": g.goal.measure,
            "target": g.goal.target,
            **_goal_figure(g.total),
            "by": {
                dim: {group: _goal_figure(f) for group, f in groups.items()} for dim, groups in g.by.items()
            },
        })
    return {
        "questionnaire": report.questionnaire.key,
        "rounds": list(report.rounds),
        "respondents": report.respondents,
        "suppression_threshold": report.threshold,
        "questions": questions,
        "goals": goals,
        "response_rates": [_response_rates(r) for r in report.response_rates],
    }


def _rate(rate: Rate) -> dict:
    return {"answered": rate.answered, "expected": rate.expected, "pct": rate.pct_rounded}


def _response_rates(rates: ResponseRates) -> dict:
    return {
        "round": rates.round,
        "answered": rates.answered,
        # the rows that have an expected number, together
        "total": _rate(rates.total),
        "by": [{"organisation": r.organisation, "role": r.role, **_rate(r.rate)} for r in rates.rows],
        "invitations": {
            "sent": rates.invitations_sent,
            "used": rates.invitations_used,
            "by": [{"organisation": i.organisation, "role": i.role, "sent": i.sent, "used": i.used}
                   for i in rates.invitations],
        },
        "kiosk_by_day": {day.isoformat(): answers for day, answers in rates.kiosk_by_day},
    }


def dumps(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2)
