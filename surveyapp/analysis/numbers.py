"""Whole-number questions (an age, hours a week): how many answered, the mean and the median,
for everyone, each round and each group, small cells hidden as every other figure's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ..questionnaire import Question, Questionnaire

#: columns of each frame of :attr:`cells.Cells.numbers`: one row per answer
NUMBER_COLUMNS = ("response_id", "number", "profile")


@dataclass(frozen=True)
class NumberFigures:
    """n, mean and median of the answers of one cell; ``suppressed``: hidden, no figures."""

    n: int
    mean: float | None
    median: float | None
    suppressed: bool = False

    def hidden(self) -> NumberFigures:
        return NumberFigures(0, None, None, suppressed=True)


@dataclass(frozen=True)
class NumberResult:
    question: Question
    total: NumberFigures
    #: round name → figures, in round order
    rounds: dict[str, NumberFigures]
    #: dimension key → group key → figures, in group order
    by: dict[str, dict[str, NumberFigures]]


def number_questions(questionnaire: Questionnaire) -> tuple[Question, ...]:
    return tuple(q for q in questionnaire.questions if q.type == "integer")


@cache
def _empty() -> pd.DataFrame:
    return pd.DataFrame({"response_id": pd.Series(dtype="int64"), "number": pd.Series(dtype="float64"),
                         "profile": pd.Series(dtype="int64")})


def empty_numbers() -> pd.DataFrame:
    return _empty().copy()


def figures_of(values: np.ndarray) -> NumberFigures:
    if not len(values):
        return NumberFigures(0, None, None)
    return NumberFigures(len(values), float(np.mean(values)), float(np.median(values)))


def _groups_of(profiles: np.ndarray, assignment: pd.Series) -> np.ndarray:
    """The group of each answer's profile (None: in no group)."""
    lookup = assignment.reindex(pd.RangeIndex(int(profiles.max()) + 1 if len(profiles) else 0))
    return lookup.to_numpy(dtype=object)[profiles]


def number_results(
    questionnaire: Questionnaire,
    numbers: Mapping[str, pd.DataFrame],
    profile_round: pd.Series,
    rounds: Sequence[str],
    assignments: Mapping[str, pd.Series],
    groups: Mapping[str, Sequence[str]],
    threshold: int,
) -> tuple[NumberResult, ...]:
    """Every whole-number question's figures. ``assignments`` map each profile to its group of
    a dimension (``groups``: the dimension's group keys, in order)."""
    from . import suppression  # suppression reads groups, which reads cells, which reads this

    results = []
    for question in number_questions(questionnaire):
        frame = numbers.get(question.key, empty_numbers())
        values = frame["number"].to_numpy(dtype="float64")
        profiles = frame["profile"].to_numpy(dtype="int64")
        row_round = profile_round.to_numpy()[profiles] if len(profiles) else np.array([], object)
        by_round = {r: figures_of(values[row_round == r]) for r in rounds}
        # a round without answers gives nobody away: it needs no complement
        small_rounds = {("round", r) for r, f in by_round.items() if 0 < f.n < threshold}
        by_round = suppression.protect_figures({"round": by_round}, threshold, hide_small=False,
                                               hidden=small_rounds)["round"]
        by = {}
        for dim, keys in groups.items():
            group_of = _groups_of(profiles, assignments[dim])
            by[dim] = {g: figures_of(values[group_of == g]) for g in keys}
        whole = figures_of(values)
        # the people in no group shown (total minus the groups) are one more cell of each line
        by = suppression.protect_figures(by, threshold, total=whole.n) if by else {}
        results.append(NumberResult(question, whole, by_round, by))
    return tuple(results)
