"""Distribution, share (k of n) and mean of one item over a set of answers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from .data import Item


def percent(k: int, n: int, digits: int = 1) -> float | None:
    """k of n as a percentage rounded half-up; None for 0 of 0 (shown as "–", never 0 %)."""
    if n == 0:
        return None
    exact = Decimal(k) * 100 / Decimal(n)
    return float(exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Share:
    """k of n respondents answered positively."""

    k: int
    n: int

    @property
    def pct(self) -> float | None:
        """0–100, one decimal (JSON and Excel)."""
        return percent(self.k, self.n, 1)

    @property
    def pct_whole(self) -> float | None:
        """0–100, whole number (the page)."""
        return percent(self.k, self.n, 0)

    @property
    def fraction(self) -> float | None:
        """The one-decimal percentage as a fraction (Excel stores 84.5 % as 0.845)."""
        pct = self.pct
        return None if pct is None else float(Decimal(str(pct)) / 100)


@dataclass(frozen=True)
class Mean:
    """Mean of the scale steps given, not-applicable codes left out."""

    value: float | None
    n: int


@dataclass(frozen=True)
class Figures:
    """What a cell shows: n, the count per option code, the share and the mean."""

    n: int
    distribution: tuple[tuple[str, int], ...]
    share: Share | None = None
    mean: Mean | None = None
    #: respondents who gave any answer, not-applicable ones included: the base of
    #: :attr:`option_shares`
    answered: int = 0

    @property
    def option_shares(self) -> tuple[tuple[str, Share], ...]:
        """Each option's count as a share of everyone who answered (k and % per option)."""
        return tuple((code, Share(count, self.answered)) for code, count in self.distribution)


class ItemCounts:
    """One item's rows of :attr:`cells.Cells.counts` as arrays: each row one profile and one
    code (a multiple-choice item: one set of codes), with its count and scale sums."""

    def __init__(self, item: Item, rows: pd.DataFrame):
        from .cells import COMBO_SEPARATOR

        question = item.question
        self.item = item
        self.profile = rows["profile"].to_numpy(dtype="int64")
        self.count = rows["count"].to_numpy(dtype="int64")
        self.total = rows["total"].to_numpy(dtype="float64")
        self.total_sq = rows["total_sq"].to_numpy(dtype="float64")
        self.numbers = rows["numbers"].to_numpy(dtype="int64")
        # as a list: iterating the column itself reads it one element at a time
        combos = rows["combo"].astype(str).tolist()
        if question.type == "multi":
            sets = [frozenset(c.split(COMBO_SEPARATOR)) for c in combos]
        else:
            sets = [frozenset((c,)) for c in combos]
        not_applicable = set(question.not_applicable_codes)
        #: the row's codes (or any of them) count in n: not only not-applicable ones
        self.valid = np.fromiter((bool(s - not_applicable) for s in sets), bool, len(sets))
        self._sets = sets
        self._members: dict[str, np.ndarray] = {}

    def member(self, codes: tuple[str, ...] | frozenset[str]) -> np.ndarray:
        """Rows whose codes include one of ``codes``."""
        wanted = frozenset(codes)
        key = ",".join(sorted(wanted))
        if key not in self._members:
            self._members[key] = np.fromiter((bool(s & wanted) for s in self._sets), bool, len(self._sets))
        return self._members[key]

    def everything(self) -> np.ndarray:
        return np.ones(len(self.count), dtype=bool)

    def moments(self, mask: np.ndarray) -> tuple[int, float, float]:
        """n, sum and sum of squares of the scale steps given in the rows of ``mask``."""
        rows = mask & self.valid
        return int(self.numbers[rows].sum()), float(self.total[rows].sum()), float(self.total_sq[rows].sum())


def share_of(counts: ItemCounts, mask: np.ndarray, codes: tuple[str, ...] | None = None) -> Share:
    """Respondents with one of ``codes`` (default: the positive codes) of those answering."""
    codes = codes or counts.item.question.positive
    valid = mask & counts.valid
    k = counts.count[valid & counts.member(codes)].sum()
    return Share(int(k), int(counts.count[valid].sum()))


def mean_of(counts: ItemCounts, mask: np.ndarray) -> Mean:
    n, total, _ = counts.moments(mask)
    return Mean(total / n if n else None, n)


def figures_of(counts: ItemCounts, mask: np.ndarray) -> Figures:
    """The figures of one item over the rows of ``mask``."""
    item = counts.item
    selected = counts.count[mask]
    distribution = tuple(
        (code, int(counts.count[mask & counts.member((code,))].sum())) for code in item.question.option_codes
    )
    return Figures(
        n=int(counts.count[mask & counts.valid].sum()),
        distribution=distribution,
        share=share_of(counts, mask) if item.has_share else None,
        mean=mean_of(counts, mask) if item.has_mean else None,
        answered=int(selected.sum()),
    )
