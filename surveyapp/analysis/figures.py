"""Distribution, share (k of n) and mean of one item over a set of answers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


def valid_answers(item: Item, answers: pd.DataFrame) -> pd.DataFrame:
    """Answers that count in n: every code but the not-applicable ones."""
    return answers[~answers["code"].isin(item.question.not_applicable_codes)]


def share_of(item: Item, answers: pd.DataFrame, codes: tuple[str, ...] | None = None) -> Share:
    """Respondents with one of ``codes`` (default: the positive codes) of those answering."""
    valid = valid_answers(item, answers)
    codes = codes or item.question.positive
    k = valid.loc[valid["code"].isin(codes), "response_id"].nunique()
    return Share(int(k), int(valid["response_id"].nunique()))


def mean_of(item: Item, answers: pd.DataFrame) -> Mean:
    numbers = valid_answers(item, answers)["number"].dropna()
    return Mean(float(numbers.mean()) if len(numbers) else None, int(len(numbers)))


def figures_of(item: Item, answers: pd.DataFrame) -> Figures:
    """The figures of one item over ``answers`` (columns response_id, code, number)."""
    counts = answers["code"].value_counts()
    distribution = tuple((code, int(counts.get(code, 0))) for code in item.question.option_codes)
    valid = valid_answers(item, answers)
    return Figures(
        n=int(valid["response_id"].nunique()),
        distribution=distribution,
        share=share_of(item, answers) if item.has_share else None,
        mean=mean_of(item, answers) if item.has_mean else None,
        answered=int(answers["response_id"].nunique()),
    )
