"""One report of one questionnaire: every figure the page, the JSON and the Excel file show."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from ..questionnaire import Goal, Questionnaire
from . import suppression
from .cells import Cells, cells_of, empty_counts, has_ratings
from .data import AnswerData, Item, items_of
from .figures import Figures, ItemCounts, figures_of, share_of
from .goals import GoalFigure, GoalResult, share_figure, shift_figure
from .groups import GOAL_DIMENSIONS, Dimension, assign, available, dimension, parse
from .numbers import NumberResult, number_results
from .rates import ResponseRates
from .shifts import Paired, Shift, empty_pair_counts, paired_of, pairs_between, shift_between


@dataclass(frozen=True)
class Cell:
    """The figures of one item for everyone, one round or one group."""

    figures: Figures | None
    shift: Shift | None = None
    paired: Paired | None = None
    suppressed: bool = False

    def hidden(self) -> Cell:
        return Cell(None, suppressed=True)


@dataclass(frozen=True)
class ItemResult:
    item: Item
    total: Cell
    #: round name → cell, in round order
    rounds: dict[str, Cell]
    #: dimension key → group key → cell, in group order
    by: dict[str, dict[str, Cell]]


@dataclass(frozen=True)
class Report:
    questionnaire: Questionnaire
    #: the selected rounds, ordered by their start
    rounds: tuple[str, ...]
    #: round name → the date it started
    round_starts: dict[str, date]
    #: the rounds a shift goes from and to (None with fewer than two rounds)
    shift_rounds: tuple[str, str] | None
    #: the rounds a paired shift goes between; None: first and latest rating
    paired_rounds: tuple[str, str] | None
    dimensions: tuple[Dimension, ...]
    items: tuple[ItemResult, ...]
    goals: tuple[GoalResult, ...]
    goal_dimensions: tuple[Dimension, ...]
    threshold: int
    respondents: int
    generated_at: datetime
    #: what the report was limited to, as shown to the reader (name → value)
    filters: dict[str, str] = field(default_factory=dict)
    #: the selected rounds' response rates, when the caller added them (they come from the database)
    response_rates: tuple[ResponseRates, ...] = ()
    #: the whole-number questions' figures, in question order
    numbers: tuple[NumberResult, ...] = ()

    def item(self, key: str) -> ItemResult:
        return next(i for i in self.items if i.item.key == key)

    def dimension(self, key: str) -> Dimension:
        return next(d for d in (*self.dimensions, *self.goal_dimensions) if d.key == key)


def _cell(counts: ItemCounts, mask: np.ndarray, in_round: Mapping[str, np.ndarray],
          pairs: pd.DataFrame | None, shift_rounds: tuple[str, str] | None) -> Cell:
    shift = None
    if shift_rounds is not None and counts.item.has_mean:
        shift = shift_between(counts, mask, in_round, *shift_rounds)
    paired = paired_of(pairs) if pairs is not None else None
    return Cell(figures_of(counts, mask), shift, paired)


def build_report(
    source: Cells | AnswerData,
    *,
    dimensions: Sequence[str] = (),
    shift_from: str | None = None,
    shift_to: str | None = None,
    threshold: int = 5,
    filters: Mapping[str, str] | None = None,
    now: datetime | None = None,
    goal_dimensions: Sequence[str] = GOAL_DIMENSIONS,
    questions: Collection[str] | None = None,
) -> Report:
    """Computes every figure of a report from the answers counted per cell (answer frames
    are counted first). ``dimensions`` are breakdown keys (checked with :func:`groups.parse`);
    ``shift_from``/``shift_to`` name rounds (default: the earliest and the latest selected);
    ``threshold`` is the smallest group n shown."""
    q = source.questionnaire
    dimension_keys = tuple(dict.fromkeys(parse(q, d) for d in dimensions))
    if isinstance(source, AnswerData):
        cells = cells_of(source, (*dimension_keys, *goal_dimensions))
    else:
        cells = source
    rounds = cells.rounds
    for name in (shift_from, shift_to):
        if name is not None and name not in rounds:
            raise ValueError(f"round {name!r} is not among the selected rounds")
    shift_rounds = None
    if shift_from or shift_to or len(rounds) >= 2:
        shift_rounds = (shift_from or rounds[0], shift_to or rounds[-1])
    paired_rounds = shift_rounds if (shift_from or shift_to) else None
    if paired_rounds is not None and not cells.between_rounds:
        raise ValueError("the pairs between rounds were not counted")

    dims = tuple(dimension(cells, key) for key in dimension_keys)
    goal_dims = tuple(dimension(cells, d) for d in goal_dimensions if d in available(q))
    assignments = {d.key: assign(cells, d.key) for d in (*dims, *goal_dims)}
    profile_round = cells.profiles["round"]

    items = []
    goal_items = {Item(q.question(goal.question)).key for goal in q.goals}
    protected_by_item: dict[str, dict[str, dict[str, Cell]]] = {}
    pairs_by_item = {}
    counts_by_item = {}
    by_item = dict(tuple(cells.counts.groupby(["question", "row"], sort=False))) if len(cells.counts) else {}
    for item in items_of(q):
        if questions is not None and item.question.key not in questions:
            continue
        rows = by_item.get((item.question.key, item.row_key), empty_counts())
        counts = counts_by_item[item.key] = ItemCounts(item, rows)
        everyone = counts.everything()
        row_round = profile_round.to_numpy()[counts.profile] if len(counts.profile) else np.array([], object)
        in_round = {r: row_round == r for r in rounds}
        pairs = None
        if has_ratings(q, item):
            pairs = pairs_between(cells.pairs.get(item.key, empty_pair_counts()),
                                  *(paired_rounds or (None, None)))
        pairs_by_item[item.key] = pairs
        by_round = suppression.protect_rounds(
            {r: Cell(figures_of(counts, in_round[r])) for r in rounds}, threshold)
        hidden_rounds = {r for r, cell in by_round.items() if cell.suppressed}
        total = suppression.protect_total(_cell(counts, everyone, in_round, pairs, shift_rounds), threshold,
                                          hidden_rounds)
        # an item with a goal is protected together with the goal's breakdowns, so that the
        # goal's groups hide what the item's groups hide
        shown_dims = (*dims, *(d for d in goal_dims if d.key not in dimension_keys)) \
            if item.key in goal_items else dims
        raw: dict[str, dict[str, Cell]] = {}
        for dim in shown_dims:
            groups = _groups_of(counts.profile, assignments[dim.key])
            pair_groups = pairs["profile"].map(assignments[dim.key]) if pairs is not None else None
            raw[dim.key] = {
                g.key: _cell(
                    counts,
                    groups == g.key,
                    in_round,
                    pairs[pair_groups == g.key] if pairs is not None else None,
                    shift_rounds,
                )
                for g in dim.groups
            }
        protected = suppression.protect_cells(raw, threshold, total=total)
        protected_by_item[item.key] = protected
        by = {dim.key: protected[dim.key] for dim in dims}
        items.append(ItemResult(item, total, by_round, by))

    goals = tuple(
        _goal(q, goal, counts_by_item, pairs_by_item, goal_dims, assignments, threshold,
              protected_by_item.get(Item(q.question(goal.question)).key, {}))
        for goal in q.goals
    )
    numbers = number_results(q, cells.numbers, profile_round, rounds, assignments,
                             {d.key: [g.key for g in d.groups] for d in dims}, threshold)
    return Report(
        questionnaire=q,
        rounds=rounds,
        round_starts=dict(zip(rounds, cells.round_starts, strict=False)),
        shift_rounds=shift_rounds,
        paired_rounds=paired_rounds,
        dimensions=dims,
        items=tuple(items),
        goals=goals,
        goal_dimensions=goal_dims,
        threshold=threshold,
        respondents=cells.respondents,
        generated_at=now or datetime.now().replace(microsecond=0),
        filters=dict(filters or {}),
        numbers=numbers,
    )


def _groups_of(profiles: np.ndarray, assignment: pd.Series) -> np.ndarray:
    """The group of each row's profile (None: in no group)."""
    lookup = assignment.reindex(pd.RangeIndex(int(profiles.max()) + 1 if len(profiles) else 0))
    return lookup.to_numpy(dtype=object)[profiles]


def _goal(
    questionnaire: Questionnaire,
    goal: Goal,
    counts_by_item: Mapping[str, ItemCounts],
    pairs_by_item: Mapping[str, pd.DataFrame | None],
    goal_dims: Sequence[Dimension],
    assignments: Mapping[str, pd.Series],
    threshold: int,
    cells: Mapping[str, Mapping[str, Cell]],
) -> GoalResult:
    """A goal's value and status for everyone and per group (kön, organisation). ``cells``:
    its item's groups as the report shows them; a group hidden there (its paired figures,
    for a paired goal) is hidden here too, and the goal's own groups are protected again."""
    item = Item(questionnaire.question(goal.question))

    if goal.measure == "share":
        counts = counts_by_item[item.key]
        codes = goal.codes or None

        def figure(mask: np.ndarray) -> GoalFigure:
            return share_figure(share_of(counts, mask, codes), goal.target)

        total = figure(counts.everything())
        by = {}
        for d in goal_dims:
            groups = _groups_of(counts.profile, assignments[d.key])
            by[d.key] = {g.key: figure(groups == g.key) for g in d.groups}
        return GoalResult(goal, total, _protect_goal_groups(by, cells, threshold, total, paired=False))

    pairs = pairs_by_item[item.key]

    def paired_figure(subset: pd.DataFrame) -> GoalFigure:
        paired = paired_of(subset)
        if goal.measure == "moved_up":
            return share_figure(paired.movement.up, goal.target)
        return shift_figure(paired.delta, paired.n_pairs, goal.target, paired.ci95)

    total = paired_figure(pairs)
    by = {}
    for d in goal_dims:
        groups = pairs["profile"].map(assignments[d.key])
        by[d.key] = {g.key: paired_figure(pairs[groups == g.key]) for g in d.groups}
    return GoalResult(goal, total, _protect_goal_groups(by, cells, threshold, total, paired=True))


def _protect_goal_groups(by: dict[str, dict[str, GoalFigure]], cells: Mapping[str, Mapping[str, Cell]],
                         threshold: int, total: GoalFigure, *,
                         paired: bool) -> dict[str, dict[str, GoalFigure]]:
    def hidden_in_item(dim: str, group: str) -> bool:
        cell = cells.get(dim, {}).get(group)
        if cell is None:
            return False
        return cell.suppressed or (paired and (cell.paired is None or cell.paired.suppressed))

    hidden = {(dim, g) for dim, groups in by.items() for g in groups if hidden_in_item(dim, g)}
    return suppression.protect_figures(by, threshold, hidden=hidden, total=total.n)
