"""The project's goal table: participants against their targets (total, women, men, gender
balance, per kommun), the reach of the avslutningsenkät and the uppföljning, and every goal
of the project's questionnaires, each per kön and kommun (groups from the register)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction

import pandas as pd

from ..questionnaire.messages import N_
from ..questionnaire.project import Delmal, Project
from . import suppression
from .figures import Share
from .goals import NEAR, GoalFigure, GoalStatus, share_status, shift_figure, shift_status
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
REACH_LABELS = {"avslutningsenkat": N_("Svar på avslutningsenkäten av avslutade deltagare"),
                "uppfoljning_6man": N_("Uppföljningar gjorda av dem som samtyckt")}
#: the uppföljning is due this many months after avslut
FOLLOW_UP_MONTHS = 6
#: the heading of the goals no projektmål names
OTHER_GOALS = N_("Övriga mål")

#: the evaluator's scale, in order: a row's verdict is projektledning's bedömning on it, or
#: the one proposed by the computed status
VERDICTS = ("uppnatt", "delvis", "ej_uppnatt", "osaker")
PROPOSED_VERDICT = {GoalStatus.MET: "uppnatt", GoalStatus.NEAR: "delvis", GoalStatus.NOT_MET: "ej_uppnatt",
                    GoalStatus.UNCERTAIN: "osaker"}


def verdict_of(status: GoalStatus | None, assessment: str | None) -> str | None:
    """The row's verdict: projektledning's bedömning when it is on the scale, else the proposal."""
    if assessment in VERDICTS:
        return assessment
    return PROPOSED_VERDICT.get(status) if status is not None else None


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
    #: where its label's translation lives ("messages", "questionnaires", or "project": the
    #: project file's own text)
    domain: str = "questionnaires"
    #: participants, goal, shift (round to round), reach or manual (judged by hand)
    kind: str = "goal"
    #: dimension → group → the group's own target, where the project sets one
    group_targets: dict[str, dict[str, float]] = field(default_factory=dict)
    #: whose target the total is judged against when the table shows some kommuner only
    #: (their names), None: the project's
    target_of: tuple[str, ...] | None = None

    @property
    def is_percentage(self) -> bool:
        return self.measure in ("share", "moved_up", "balance", "reach")

    @property
    def manual(self) -> bool:
        return self.kind == "manual"

    def target_for(self, dim: str, group: str) -> float | tuple[float, float] | None:
        """A group's target: its own where set, a kommun's participant target, else none."""
        return self.group_targets.get(dim, {}).get(group)


@dataclass(frozen=True)
class Section:
    """A projektmål and its delmål, in the project file's order (title None: the goals no
    projektmål names, or every goal when the project file has no projektmål)."""

    title: str | None
    goals: tuple[TableGoal, ...]


@dataclass(frozen=True)
class Reach:
    """k of n: avslutningsenkät answers of participants who ended; uppföljningar done of consenting."""

    questionnaire: str
    total: Share
    by: dict[str, dict[str, Share | None]]
    #: answers not counted: without a participant code, and with a code of no participant
    #: who ended (among the kommuner shown)
    without_code: int = 0
    unmatched: int = 0


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
    #: the goals grouped by projektmål, in the project file's order
    sections: tuple[Section, ...] = ()
    #: the day the table stands at (registered, ended and answered by then); None: today
    as_of: object = None
    #: the kommuner shown, None: every one
    organisations: tuple[str, ...] | None = None
    #: the version of the project's set-up the table was computed from (None: the project file)
    setup_version: int | None = None
    #: the project's name
    project_name: str | None = None

    def goal(self, key: str) -> TableGoal | None:
        return next((g for g in self.goals if g.key == key), None)


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


def participant_targets(project: Project, organisations: Sequence[str] | None,
                        ) -> tuple[dict[str, int | None], tuple[str, ...] | None]:
    """The participant targets (total, women, men) the table judges by, and whose they are:
    the project's, or, when the table shows some kommuner only, the sum of those kommuners'
    own targets (women and men in the project's proportion)."""
    wanted = {"total": project.total, "women": project.women, "men": project.men}
    if organisations is None:
        return wanted, None
    own = {name: project.organisation_targets[name] for name in organisations
           if name in project.organisation_targets}
    if not own:
        return {"total": None, "women": None, "men": None}, ()
    total = sum(own.values())
    scaled = {"total": total}
    for key in ("women", "men"):
        value = wanted[key]
        scaled[key] = None if value is None or not project.total else round(total * value / project.total)
    return scaled, tuple(own)


def _register_goals(project: Project, register: pd.DataFrame, dims: Sequence[str],
                    threshold: int, organisations: Sequence[str] | None) -> list[TableGoal]:
    goals = []
    n = len(register)
    targets, target_of = participant_targets(project, organisations)
    kommun_targets = {"organisation": {k: float(v) for k, v in project.organisation_targets.items()}}
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
                           targets["total"], _count_figure(n, targets["total"]), by, "messages",
                           kind="participants", group_targets=kommun_targets, target_of=target_of))
    kon = register["kon"]
    for key, code, label, target in (("participants.women", "kvinna", WOMEN_LABEL, targets["women"]),
                                     ("participants.men", "man", MEN_LABEL, targets["men"])):
        if (project.women if code == "kvinna" else project.men) is None:
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
                               _count_figure(len(subset), target), by, "messages", kind="participants",
                               target_of=target_of))
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
                               project.balance, figure(register), by, "messages", kind="participants"))
    return goals


def _reach(key: str, reached: pd.Series, eligible: pd.DataFrame, dims: Sequence[str],
           threshold: int, without_code: int = 0, unmatched: int = 0) -> Reach:
    """k of n: ``eligible`` register rows that should have answered, ``reached`` a bool per
    row; groups are the register's, so no cell passes 100 %."""
    by: dict[str, dict[str, Share | None]] = {}
    for dim in dims:
        groups = _groups(eligible, dim)
        cells: dict[str, Share | None] = {}
        for group in sorted(groups.dropna().unique(), key=lambda v: group_order(dim, v)):
            inside = (groups == group).to_numpy()
            # small groups are hidden with the table (suppression.protect_goal_table)
            cells[str(group)] = Share(int(reached.to_numpy()[inside].sum()), int(inside.sum()))
        by[dim] = cells
    return Reach(key, Share(int(reached.sum()), len(eligible)), by, without_code, unmatched)


def _with_group_targets(goal: TableGoal, delmal: Delmal | None, organisations: Sequence[str] | None,
                        ) -> TableGoal:
    """A goal judged per group by the groups' own targets, and as a whole by a kommun's own
    target when the table shows that kommun alone."""
    if delmal is None or not delmal.targets or goal.measure not in ("share", "moved_up", "mean_shift",
                                                                      "shift", "reach"):
        return goal
    by = {dim: {group: _judged(figure, goal.measure, delmal.targets.get(dim, {}).get(group))
                for group, figure in groups.items()} for dim, groups in goal.by.items()}
    total, target, target_of = goal.total, goal.target, None
    own = delmal.targets.get("organisation", {})
    if organisations is not None and len(organisations) == 1 and organisations[0] in own:
        target, target_of = own[organisations[0]], (organisations[0],)
        total = _judged(goal.total, goal.measure, target)
    return replace(goal, by=by, total=total, target=target, group_targets=delmal.targets,
                   target_of=target_of)


def _judged(figure: GoalFigure, measure: str, target: float | None) -> GoalFigure:
    if target is None or figure.suppressed:
        return figure
    if figure.share is not None:
        return replace(figure, status=share_status(figure.share, target))
    if figure.delta is not None:
        return replace(figure, status=shift_status(figure.delta, figure.ci95, target))
    return figure


def _shift_goal(delmal: Delmal, report: Report | None, dims: Sequence[str], threshold: int) -> TableGoal:
    """A round-to-round mean shift of an unpaired questionnaire (Welch CI), e.g. samverkan
    from mättillfälle 1 to 2: judged like a paired mean shift."""
    questionnaire, _, question = (delmal.ref or "").partition(".")
    label = delmal.label or question
    target = float(delmal.target or 0)

    def figure(cell) -> GoalFigure:
        shift = cell.shift if cell is not None else None
        if shift is None or shift.suppressed:
            return GoalFigure(suppressed=bool(shift and shift.suppressed))
        n = min(shift.n_from or 0, shift.n_to or 0)
        if shift.delta is None:
            return GoalFigure(n=n)
        figure = shift_figure(shift.delta, n, target, shift.ci95)
        return figure if not suppression.is_small(n, threshold) else figure.hidden()

    total, by = GoalFigure(), {}
    if report is not None:
        try:
            item = report.item(question)
        except StopIteration:
            item = None
        if item is not None:
            total = figure(item.total)
            by = {dim: {g: figure(c) for g, c in item.by.get(dim, {}).items()} for dim in dims
                  if dim in item.by}
    return TableGoal(delmal.key, questionnaire, question, (), "shift", label, target, total, by,
                     "project" if delmal.label else "questionnaires", kind="shift")


def _reach_goal(delmal: Delmal, reach: Reach | None) -> TableGoal:
    label = delmal.label or REACH_LABELS[delmal.ref]
    target = delmal.target
    if reach is None:
        total, by = GoalFigure(), {}
    else:
        total = GoalFigure(share=reach.total, n=reach.total.n,
                           status=share_status(reach.total, target) if target is not None else None)
        by = {dim: {g: (GoalFigure(suppressed=True) if s is None else GoalFigure(
            share=s, n=s.n, status=share_status(s, target) if target is not None else None))
            for g, s in groups.items()} for dim, groups in reach.by.items()}
    return TableGoal(delmal.key, delmal.ref, None, (), "reach", label, target, total, by,
                     "project" if delmal.label else "messages", kind="reach")


def _manual_goal(delmal: Delmal) -> TableGoal:
    return TableGoal(delmal.key, None, None, (), "manual", delmal.label or delmal.key, None, GoalFigure(),
                     {}, "project", kind="manual")


def _sections(project: Project, goals: list[TableGoal], reach: Sequence[Reach],
              reports: Mapping[str, Report], dims: Sequence[str], threshold: int,
              organisations: Sequence[str] | None) -> tuple[list[TableGoal], tuple[Section, ...]]:
    """The rows in Tabell 1's order: each projektmål's delmål, then the goals no projektmål
    names under "Övriga mål" (every row, in one untitled section, without projektmål)."""
    by_key = {g.key: g for g in goals}
    reach_of = {r.questionnaire: r for r in reach}
    sections, placed = [], set()
    for mal in project.projektmal:
        rows = []
        for delmal in mal.delmal:
            if delmal.kind == "manual":
                goal = _manual_goal(delmal)
            elif delmal.kind == "shift":
                goal = _shift_goal(delmal, reports.get((delmal.ref or "").partition(".")[0]), dims,
                                   threshold)
            elif delmal.kind == "reach":
                goal = _reach_goal(delmal, reach_of.get(delmal.ref))
            else:
                goal = by_key.get(delmal.key)
                if goal is None:
                    continue
                if delmal.label:
                    goal = replace(goal, label=delmal.label, domain="project")
                if delmal.target is not None and goal.kind == "goal":
                    goal = replace(goal, target=delmal.target, total=_judged(goal.total, goal.measure,
                                                                             delmal.target))
            rows.append(_with_group_targets(goal, delmal, organisations))
            placed.add(delmal.key)
        sections.append(Section(mal.title, tuple(rows)))
    rest = tuple(g for g in goals if g.key not in placed)
    if rest:
        sections.append(Section(OTHER_GOALS if sections else None, rest))
    ordered = [g for section in sections for g in section.goals]
    return ordered, tuple(sections)


def build_goal_table(
    project: Project,
    register: pd.DataFrame | None,
    reports: Mapping[str, Report],
    *,
    exit_codes: pd.DataFrame | None = None,
    followed_up: set[str] | frozenset[str] = frozenset(),
    consenting: set[str] | frozenset[str] = frozenset(),
    dimensions: Sequence[str] = DEFAULT_DIMENSIONS,
    threshold: int = 5,
    organisations: Sequence[str] | None = None,
    as_of=None,
) -> GoalTable:
    """Every figure of the goal table.

    ``register``: the participant register (limited to the organisations shown, and as it
    stood ``as_of``); ``reports``: each questionnaire's report, built with these dimensions
    as goal dimensions; ``exit_codes``: one row per avslutningsenkät answer, its
    ``participant_code`` (None: given without one); ``followed_up``: codes with an
    uppföljning; ``consenting``: codes whose avslut consents to it (the uppföljning's reach
    counts those whose six months after avslut have passed by ``as_of``, else today).
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
        codes = exit_codes if exit_codes is not None else pd.DataFrame({"participant_code": []})
        given = codes["participant_code"].dropna()
        answered = set(given)
        reached = ended["participant_code"].isin(answered)
        without_code = int(codes["participant_code"].isna().sum())
        unmatched = int((~given.isin(set(ended["participant_code"]))).sum())
        reach.append(_reach("avslutningsenkat", reached, ended, dims, threshold, without_code, unmatched))
    if "uppfoljning_6man" in reports:
        # those consenting whose six months after avslut have passed (by ``as_of``)
        due_by = pd.Timestamp(as_of or date.today()) - pd.DateOffset(months=FOLLOW_UP_MONTHS)
        asked = enrolled[enrolled["participant_code"].isin(consenting) & (enrolled["ended_on"] <= due_by)]
        done = asked["participant_code"].isin(followed_up)
        reach.append(_reach("uppfoljning_6man", done, asked, dims, threshold))

    goals, reach = suppression.protect_goal_table(goals, reach, threshold)
    participants_by = {
        dim: {g: (None if f.suppressed else f.n) for g, f in goals[0].by[dim].items()} for dim in dims
    }
    ordered, sections = _sections(project, goals, reach, reports, dims, threshold, organisations)
    return GoalTable(
        project=project,
        dimensions=dims,
        participants=len(enrolled),
        participants_by=participants_by,
        participants_status=goals[0].total.status,
        reach=tuple(reach),
        goals=tuple(ordered),
        threshold=threshold,
        reports=dict(reports),
        sections=sections,
        as_of=as_of,
        organisations=tuple(organisations) if organisations is not None else None,
    )
