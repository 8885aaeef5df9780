"""The project's goal table: participants against their targets (total, women, men, gender
balance, per kommun), the reach of the avslutningsenkät and the uppföljning, and every goal
of the project's questionnaires, each per kön and kommun (groups from the register)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd

from ..questionnaire.messages import N_
from ..questionnaire.project import Project
from . import suppression
from .data import AnswerData
from .figures import Share
from .goals import NEAR, GoalFigure, GoalStatus
from .groups import assign_responses
from .register import BACKGROUND, empty_register
from .report import Report

#: the breakdowns of the goal table when none are asked for
DEFAULT_DIMENSIONS = ("kon", "organisation")
#: the dimensions the goal table can show (register groups, and kommun)
TABLE_DIMENSIONS = (*BACKGROUND, "organisation")

PARTICIPANTS_LABEL = N_("Deltagare")
WOMEN_LABEL = N_("Kvinnor")
MEN_LABEL = N_("Män")
BALANCE_LABEL = N_("Könsfördelning: andel kvinnor")


@dataclass(frozen=True)
class TableGoal:
    """One row of the goal table."""

    #: stable key, e.g. "participants", "avslut.0"; motivering and bedömning are stored by it
    key: str
    questionnaire: str | None
    question: str | None
    codes: tuple[str, ...]
    #: share, moved_up, mean_shift, participants or balance
    measure: str
    label: str
    #: a number, or the (low, high) band of a balance goal
    target: float | tuple[float, float] | None
    total: GoalFigure
    by: dict[str, dict[str, GoalFigure]]
    #: where its label's translation lives ("messages" or "questionnaires")
    domain: str = "questionnaires"

    @property
    def is_percentage(self) -> bool:
        return self.measure in ("share", "moved_up", "balance")


@dataclass(frozen=True)
class Reach:
    """k of n: avslutningsenkät answers of participants who ended; uppföljningar done of consenting."""

    questionnaire: str
    total: Share
    by: dict[str, dict[str, Share | None]]


@dataclass(frozen=True)
class GoalTable:
    project: Project
    dimensions: tuple[str, ...]
    #: participants registered, and per dimension and group (None: a small cell, hidden)
    participants: int
    participants_by: dict[str, dict[str, int | None]]
    participants_status: GoalStatus | None
    reach: tuple[Reach, ...]
    goals: tuple[TableGoal, ...]
    threshold: int
    #: questionnaire key → its report (the figures of its own sheets)
    reports: dict[str, Report] = field(default_factory=dict)


def count_status(value: int, target: int | None) -> GoalStatus | None:
    """A count against its target: reached, within 5 % of it (nära), or not."""
    if not target:
        return None
    if value >= target:
        return GoalStatus.MET
    if Fraction(value * 100, target) >= 100 - NEAR:
        return GoalStatus.NEAR
    return GoalStatus.NOT_MET


def balance_status(share: Share, band: tuple[float, float]) -> GoalStatus | None:
    if share.n == 0:
        return None
    value = Fraction(share.k * 100, share.n)
    low, high = Fraction(band[0]), Fraction(band[1])
    if low <= value <= high:
        return GoalStatus.MET
    if low - NEAR <= value <= high + NEAR:
        return GoalStatus.NEAR
    return GoalStatus.NOT_MET


def _count_figure(value: int, target: int | None) -> GoalFigure:
    return GoalFigure(share=None, delta=float(value), n=value, status=count_status(value, target))


#: the order groups are shown in: the background questions' option order, then by name
GROUP_ORDER = {
    "kon": ("kvinna", "man", "annan"),
    "aldersgrupp": ("16-18", "19-24", "25-29", "30-44", "45-65"),
    "fodelseregion": ("sverige_norden", "utanfor_norden"),
}


def group_order(dim: str, group) -> tuple[int, str]:
    order = GROUP_ORDER.get(dim, ())
    text = str(group)
    return (order.index(text) if text in order else len(order), text.casefold())


def _groups(register: pd.DataFrame, dim: str) -> pd.Series:
    values = register[dim]
    if dim in BACKGROUND:
        values = values.where(values != "ej_svar")
    if dim == "fodelseregion":
        values = values.map({"sverige": "sverige_norden", "norden": "sverige_norden",
                             "utanfor_norden": "utanfor_norden"})
    return values


def _register_goals(project: Project, register: pd.DataFrame, dims: Sequence[str],
                    threshold: int, organisations: Sequence[str] | None) -> list[TableGoal]:
    goals = []
    n = len(register)
    by = {}
    for dim in dims:
        groups = _groups(register, dim)
        cells = {}
        for group, count in groups.value_counts().sort_index().items():
            target = project.organisation_targets.get(group) if dim == "organisation" else None
            figure = _count_figure(int(count), target)
            cells[str(group)] = suppression.protect_goal(figure, threshold) if target is None else figure
        if dim == "organisation":
            for name, target in project.organisation_targets.items():
                if organisations is None or name in organisations:
                    cells.setdefault(name, _count_figure(0, target))
        by[dim] = dict(sorted(cells.items(), key=lambda kv: group_order(dim, kv[0])))
    goals.append(TableGoal("participants", None, None, (), "participants", PARTICIPANTS_LABEL,
                           project.total, _count_figure(n, project.total), by, "messages"))
    kon = register["kon"]
    for key, code, label, target in (("participants.women", "kvinna", WOMEN_LABEL, project.women),
                                     ("participants.men", "man", MEN_LABEL, project.men)):
        if target is None:
            continue
        subset = register[kon == code]
        by = {}
        for dim in dims:
            if dim == "kon":
                continue
            counts = _groups(subset, dim).value_counts()
            by[dim] = {str(g): suppression.protect_goal(_count_figure(int(counts[g]), None), threshold)
                       for g in sorted(counts.index, key=lambda v: group_order(dim, v))}
        goals.append(TableGoal(key, None, "kon", (code,), "participants", label, target,
                               _count_figure(len(subset), target), by, "messages"))
    if project.balance is not None:

        def figure(subset: pd.DataFrame) -> GoalFigure:
            women = int((subset["kon"] == "kvinna").sum())
            share = Share(women, women + int((subset["kon"] == "man").sum()))
            return GoalFigure(share=share, n=share.n, status=balance_status(share, project.balance))

        by = {
            dim: {str(g): suppression.protect_goal(figure(register[groups == g]), threshold)
                  for g in sorted(groups.dropna().unique(), key=lambda v: group_order(dim, v))}
            for dim in dims if dim != "kon"
            for groups in [_groups(register, dim)]
        }
        goals.append(TableGoal("participants.balance", None, "kon", ("kvinna",), "balance", BALANCE_LABEL,
                               project.balance, figure(register), by, "messages"))
    return goals


def _reach(key: str, reached: pd.Series, eligible: pd.DataFrame, dims: Sequence[str],
           threshold: int, answered_by: Mapping[str, pd.Series] | None = None) -> Reach:
    """``eligible``: register rows that should have answered; ``reached``: bool per row,
    or (avslutningsenkät, anonymous) counts of answers per group in ``answered_by``."""
    by: dict[str, dict[str, Share | None]] = {}
    for dim in dims:
        groups = _groups(eligible, dim)
        cells: dict[str, Share | None] = {}
        names = set(groups.dropna().unique())
        if answered_by is not None:
            names |= set(answered_by[dim].dropna().unique())
        for group in sorted(names, key=lambda v: group_order(dim, v)):
            n = int((groups == group).sum())
            k = int((answered_by[dim] == group).sum()) if answered_by is not None else \
                int(reached[groups == group].sum())
            cells[str(group)] = None if suppression.is_small(n, threshold) else Share(k, n)
        by[dim] = cells
    k = len(answered_by["organisation"]) if answered_by is not None else int(reached.sum())
    return Reach(key, Share(k, len(eligible)), by)


def build_goal_table(
    project: Project,
    register: pd.DataFrame | None,
    reports: Mapping[str, Report],
    *,
    exit_answers: pd.DataFrame | None = None,
    followed_up: set[str] | frozenset[str] = frozenset(),
    consenting: set[str] | frozenset[str] = frozenset(),
    dimensions: Sequence[str] = DEFAULT_DIMENSIONS,
    threshold: int = 5,
    organisations: Sequence[str] | None = None,
) -> GoalTable:
    """Every figure of the goal table.

    ``register``: the participant register (limited to the organisations shown);
    ``reports``: each questionnaire's report, built with these dimensions as goal
    dimensions; ``exit_answers``: one row per avslutningsenkät answer with its
    ``organisation`` and background columns; ``followed_up``: codes with an
    uppföljning; ``consenting``: codes whose avslut consents to it.
    """
    register = register if register is not None else empty_register()
    enrolled = register[register["enrolled_on"].notna()]
    dims = tuple(dimensions)
    goals = _register_goals(project, enrolled, dims, threshold, organisations)
    keys = project.questionnaires or tuple(reports)
    for key in keys:
        report = reports.get(key)
        if report is None:
            continue
        for index, result in enumerate(report.goals):
            goal = result.goal
            by = {d: result.by[d] for d in dims if d in result.by}
            goals.append(TableGoal(f"{key}.{index}", key, goal.question, goal.codes, goal.measure,
                                   goal.label, goal.target, result.total, by))

    reach = []
    if "avslutningsenkat" in reports:
        ended = enrolled[enrolled["ended_on"].notna()]
        answers = exit_answers if exit_answers is not None else pd.DataFrame(columns=list(TABLE_DIMENSIONS))
        answered_by = {d: _groups(answers, d) for d in dims}
        answered_by.setdefault("organisation", answers["organisation"])
        reach.append(_reach("avslutningsenkat", pd.Series(dtype=bool), ended, dims, threshold, answered_by))
    if "uppfoljning_6man" in reports:
        asked = enrolled[enrolled["participant_code"].isin(consenting)]
        done = asked["participant_code"].isin(followed_up)
        reach.append(_reach("uppfoljning_6man", done, asked, dims, threshold))

    goals, reach = suppression.protect_goal_table(goals, reach, threshold)
    participants_by = {
        dim: {g: (None if f.suppressed else f.n) for g, f in goals[0].by[dim].items()} for dim in dims
    }
    return GoalTable(
        project=project,
        dimensions=dims,
        participants=len(enrolled),
        participants_by=participants_by,
        participants_status=goals[0].total.status,
        reach=tuple(reach),
        goals=tuple(goals),
        threshold=threshold,
        reports=dict(reports),
    )



def exit_answers_of(data: AnswerData, dims: Sequence[str]) -> pd.DataFrame:
    """One row per avslutningsenkät answer: its organisation and the background it gave
    (as register codes, so that the reach's groups match the register's)."""
    frame = data.responses[["response_id", "organisation"]].set_index("response_id")
    for dim in dims:
        if dim != "organisation" and dim in data.questionnaire.keys:
            frame[dim] = assign_responses(data, dim)
    if "fodelseregion" in frame:
        frame["fodelseregion"] = frame["fodelseregion"].map(
            {"sverige_norden": "sverige", "utanfor_norden": "utanfor_norden"})
    return frame.reset_index(drop=True)
