"""Change over time: the shift of a mean between two rounds (Welch), and the paired shift
of participants rated more than once (mean within-person difference, Wilcoxon)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .data import AnswerData, Item
from .figures import Share, valid_answers


@dataclass(frozen=True)
class Shift:
    """mean(to) − mean(from) with both n and a Welch 95 % confidence interval."""

    from_round: str
    to_round: str
    delta: float | None = None
    ci95: tuple[float, float] | None = None
    n_from: int | None = None
    n_to: int | None = None
    mean_from: float | None = None
    mean_to: float | None = None
    suppressed: bool = False

    def hidden(self) -> Shift:
        return Shift(self.from_round, self.to_round, suppressed=True)


@dataclass(frozen=True)
class Movement:
    """Pairs whose latest rating is at least one step above, equal to, or below the first."""

    up: Share
    stayed: Share
    down: Share


@dataclass(frozen=True)
class Paired:
    """Latest − first rating per participant code: mean, n pairs, 95 % CI, Wilcoxon p."""

    delta: float | None = None
    ci95: tuple[float, float] | None = None
    n_pairs: int | None = None
    p: float | None = None
    mean_first: float | None = None
    mean_latest: float | None = None
    movement: Movement | None = None
    suppressed: bool = False

    def hidden(self) -> Paired:
        return Paired(suppressed=True)


def welch_ci(a: np.ndarray, b: np.ndarray) -> tuple[float, float] | None:
    """95 % interval of mean(b) − mean(a), not assuming equal variances; None when it
    cannot be estimated (fewer than two answers in a round, or no spread at all)."""
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return None
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    se2 = va + vb
    if se2 == 0:
        return None
    df = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(se2)
    delta = float(b.mean() - a.mean())
    return (delta - half, delta + half)


def shift_between(item: Item, answers: pd.DataFrame, from_round: str, to_round: str) -> Shift:
    """The shift of the item's mean from one round to another over ``answers`` (with a
    ``round`` column)."""
    valid = valid_answers(item, answers).dropna(subset=["number"])
    a = valid.loc[valid["round"] == from_round, "number"].to_numpy(dtype=float)
    b = valid.loc[valid["round"] == to_round, "number"].to_numpy(dtype=float)
    mean_a = float(a.mean()) if len(a) else None
    mean_b = float(b.mean()) if len(b) else None
    delta = mean_b - mean_a if mean_a is not None and mean_b is not None else None
    return Shift(from_round, to_round, delta, welch_ci(a, b), len(a), len(b), mean_a, mean_b)


def pairs_of(
    data: AnswerData, item: Item, from_round: str | None = None, to_round: str | None = None
) -> pd.DataFrame:
    """One row per participant code rated at least twice: first, latest, delta, and the
    latest response's id (whose background places the pair in a group).

    Without rounds: the first and the latest rating in the selected rounds. With them: the
    first rating in ``from_round`` and the latest in ``to_round``.
    """
    columns = ["participant_code", "first", "latest", "delta", "response_id"]
    responses = data.responses.dropna(subset=["participant_code"])[
        ["response_id", "participant_code", "round", "submitted_at"]
    ]
    a = data.answers
    mask = (a["question"] == item.question.key) & (a["row"] == item.row_key)
    numbers = valid_answers(item, a[mask]).dropna(subset=["number"])[["response_id", "number"]]
    rated = responses.merge(numbers.drop_duplicates("response_id"), on="response_id")
    rated = rated.sort_values(["submitted_at", "response_id"])
    if from_round is None or to_round is None:
        grouped = rated.groupby("participant_code", sort=True)
        first = grouped.head(1).set_index("participant_code")
        latest = grouped.tail(1).set_index("participant_code")
    else:
        first = rated[rated["round"] == from_round].groupby("participant_code").head(1)
        latest = rated[rated["round"] == to_round].groupby("participant_code").tail(1)
        first, latest = first.set_index("participant_code"), latest.set_index("participant_code")
    joined = first[["response_id", "number"]].join(
        latest[["response_id", "number"]], suffixes=("_first", "_latest"), how="inner"
    )
    joined = joined[joined["response_id_first"] != joined["response_id_latest"]]
    if joined.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    out = pd.DataFrame({
        "participant_code": joined.index,
        "first": joined["number_first"].to_numpy(),
        "latest": joined["number_latest"].to_numpy(),
        "response_id": joined["response_id_latest"].to_numpy(),
    })
    out["delta"] = out["latest"] - out["first"]
    return out[columns].sort_values("participant_code").reset_index(drop=True)


def paired_of(pairs: pd.DataFrame) -> Paired:
    """The paired figures of a set of pairs (from :func:`pairs_of`)."""
    deltas = pairs["delta"].to_numpy(dtype=float)
    n = len(deltas)
    if n == 0:
        empty = Share(0, 0)
        return Paired(n_pairs=0, movement=Movement(empty, empty, empty))
    mean = float(deltas.mean())
    ci = None
    if n >= 2:
        sd = float(deltas.std(ddof=1))
        if sd > 0:
            half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
            ci = (mean - half, mean + half)
    # Wilcoxon ignores zero differences; with none left there is no test to make
    p = _wilcoxon_p(deltas) if np.any(deltas != 0) else None
    movement = Movement(
        up=Share(int((deltas >= 1).sum()), n),
        stayed=Share(int((deltas == 0).sum()), n),
        down=Share(int((deltas <= -1).sum()), n),
    )
    return Paired(
        delta=mean, ci95=ci, n_pairs=n, p=p,
        mean_first=float(pairs["first"].mean()), mean_latest=float(pairs["latest"].mean()),
        movement=movement,
    )



def _wilcoxon_p(deltas: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value; zero differences are dropped.

    Up to 50 non-zero differences the p-value is exact, ties included: the null
    distribution of the positive rank sum is counted over all sign assignments of the
    (mid)ranks. Beyond that, scipy's normal approximation with tie correction.
    """
    nonzero = deltas[deltas != 0]
    if len(nonzero) > 50:
        return float(stats.wilcoxon(nonzero, method="approx").pvalue)
    # midranks are whole or half numbers: doubled, they count in whole steps
    ranks = (2 * stats.rankdata(np.abs(nonzero))).astype(int)
    observed = int(ranks[nonzero > 0].sum())
    counts = np.zeros(int(ranks.sum()) + 1)
    counts[0] = 1.0
    for rank in ranks:
        shifted = np.zeros_like(counts)
        shifted[rank:] = counts[:-rank]
        counts = counts + shifted
    probabilities = counts / counts.sum()
    lower = probabilities[: observed + 1].sum()
    upper = probabilities[observed:].sum()
    return float(min(1.0, 2 * min(lower, upper)))
