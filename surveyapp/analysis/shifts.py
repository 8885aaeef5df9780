"""Change over time: the shift of a mean between two rounds (Welch), and the paired shift
of participants rated more than once (mean within-person difference, Wilcoxon)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .figures import ItemCounts, Share


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


def variance(n: int, total: float, total_sq: float) -> float:
    """The sample variance (ddof 1) of ``n`` values from their sum and sum of squares; the
    numerator is exact for whole steps, so no spread gives exactly 0."""
    numerator = n * total_sq - total * total
    if numerator <= 1e-9 * max(1.0, n * total_sq):
        return 0.0
    return numerator / (n * (n - 1))


def welch_ci(a: tuple[int, float, float], b: tuple[int, float, float]) -> tuple[float, float] | None:
    """95 % interval of mean(b) − mean(a) from each side's (n, sum, sum of squares), not
    assuming equal variances; None when it cannot be estimated (fewer than two answers in a
    round, or no spread at all)."""
    (na, sa, qa), (nb, sb, qb) = a, b
    if na < 2 or nb < 2:
        return None
    va, vb = variance(na, sa, qa) / na, variance(nb, sb, qb) / nb
    se2 = va + vb
    if se2 == 0:
        return None
    df = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(se2)
    delta = sb / nb - sa / na
    return (delta - half, delta + half)


def shift_between(counts: ItemCounts, mask: np.ndarray, in_round: Mapping[str, np.ndarray],
                  from_round: str, to_round: str) -> Shift:
    """The shift of the item's mean from one round to another over the rows of ``mask``;
    ``in_round`` gives each round's rows."""
    a = counts.moments(mask & in_round[from_round])
    b = counts.moments(mask & in_round[to_round])
    mean_a = a[1] / a[0] if a[0] else None
    mean_b = b[1] / b[0] if b[0] else None
    delta = mean_b - mean_a if mean_a is not None and mean_b is not None else None
    return Shift(from_round, to_round, delta, welch_ci(a, b), a[0], b[0], mean_a, mean_b)


PAIR_COLUMNS = ("participant_code", "first", "latest", "delta", "response_id", "profile")
#: columns of a paired item's pairs counted (:attr:`cells.Cells.pairs`): the pairing
#: (``from_round`` and ``to_round`` None: each code's first and latest rating in the selected
#: rounds; else the first in ``from_round`` and the latest in ``to_round``), the latest
#: rating's profile, latest − first, how many pairs, and the sum of their first ratings
PAIR_COUNT_COLUMNS = ("from_round", "to_round", "profile", "delta", "count", "first_total")


def pairs_of(ratings: pd.DataFrame, from_round: str | None = None,
             to_round: str | None = None) -> pd.DataFrame:
    """One row per participant code rated at least twice: first, latest, delta, and the
    latest response's id and profile (whose background places the pair in a group).

    ``ratings``: one item's ratings (:data:`cells.RATING_COLUMNS`). Without rounds: the first
    and the latest rating in the selected rounds. With them: the first rating in
    ``from_round`` and the latest in ``to_round``.
    """
    columns = list(PAIR_COLUMNS)
    rated = ratings.sort_values(["submitted_at", "response_id"])
    if from_round is None or to_round is None:
        grouped = rated.groupby("participant_code", sort=True)
        first = grouped.head(1).set_index("participant_code")
        latest = grouped.tail(1).set_index("participant_code")
    else:
        first = rated[rated["round"] == from_round].groupby("participant_code").head(1)
        latest = rated[rated["round"] == to_round].groupby("participant_code").tail(1)
        first, latest = first.set_index("participant_code"), latest.set_index("participant_code")
    joined = first[["response_id", "number"]].join(
        latest[["response_id", "number", "profile"]], suffixes=("_first", "_latest"), how="inner"
    )
    joined = joined[joined["response_id_first"] != joined["response_id_latest"]]
    if joined.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    out = pd.DataFrame({
        "participant_code": joined.index,
        "first": joined["number_first"].to_numpy(),
        "latest": joined["number_latest"].to_numpy(),
        "response_id": joined["response_id_latest"].to_numpy(),
        "profile": joined["profile"].to_numpy(),
    })
    out["delta"] = out["latest"] - out["first"]
    return out[columns].sort_values("participant_code").reset_index(drop=True)


def empty_pair_counts() -> pd.DataFrame:
    return pd.DataFrame({
        "from_round": pd.Series(dtype="object"), "to_round": pd.Series(dtype="object"),
        **{c: pd.Series(dtype="int64") for c in PAIR_COUNT_COLUMNS[2:]},
    })


def typed_pair_counts(counts: pd.DataFrame) -> pd.DataFrame:
    """Pairs counted, with the columns and types of :data:`PAIR_COUNT_COLUMNS` (ratings are
    whole steps, so every number is whole)."""
    if counts.empty:
        return empty_pair_counts()
    counts = counts[list(PAIR_COUNT_COLUMNS)].astype(
        {c: "int64" for c in PAIR_COUNT_COLUMNS[2:]} | {"from_round": object, "to_round": object})
    for column in ("from_round", "to_round"):
        counts[column] = counts[column].where(counts[column].notna(), None)
    return counts.reset_index(drop=True)


def pair_counts(ratings: pd.DataFrame, rounds: Sequence[str]) -> pd.DataFrame:
    """One item's pairs counted per pairing, profile and difference (:data:`PAIR_COUNT_COLUMNS`):
    each code's first and latest rating, and its first in one selected round and latest in
    another (or the same), for every two of ``rounds``."""
    parts = []
    for pairing in (None, *((a, b) for a in rounds for b in rounds)):
        pairs = pairs_of(ratings, *(pairing or (None, None)))
        if pairs.empty:
            continue
        counted = pairs.groupby(["profile", "delta"], as_index=False, sort=True).agg(
            count=("first", "size"), first_total=("first", "sum"))
        counted["from_round"], counted["to_round"] = pairing or (None, None)
        parts.append(counted)
    return typed_pair_counts(pd.concat(parts, ignore_index=True) if parts else empty_pair_counts())


def pairs_between(counts: pd.DataFrame, from_round: str | None = None,
                  to_round: str | None = None) -> pd.DataFrame:
    """The pairs counted for one pairing (both rounds None: first and latest rating)."""
    if from_round is None or to_round is None:
        mask = counts["from_round"].isna()
    else:
        mask = (counts["from_round"] == from_round) & (counts["to_round"] == to_round)
    return counts[mask.to_numpy(dtype=bool)]


def paired_of(pairs: pd.DataFrame) -> Paired:
    """The paired figures of a set of pairs counted (rows of :data:`PAIR_COUNT_COLUMNS`):
    everything follows from how many pairs differ by each number of steps."""
    deltas = pairs["delta"].to_numpy(dtype=np.int64)
    counts = pairs["count"].to_numpy(dtype=np.int64)
    n = int(counts.sum())
    if n == 0:
        empty = Share(0, 0)
        return Paired(n_pairs=0, movement=Movement(empty, empty, empty))
    total = int((deltas * counts).sum())
    mean = total / n
    ci = None
    if n >= 2:
        var = variance(n, float(total), float((deltas * deltas * counts).sum()))
        if var > 0:
            half = float(stats.t.ppf(0.975, n - 1)) * math.sqrt(var) / math.sqrt(n)
            ci = (mean - half, mean + half)
    # Wilcoxon ignores zero differences; with none left there is no test to make
    p = _wilcoxon_p(np.repeat(deltas, counts).astype(float)) if np.any(counts[deltas != 0]) else None
    movement = Movement(
        up=Share(int(counts[deltas >= 1].sum()), n),
        stayed=Share(int(counts[deltas == 0].sum()), n),
        down=Share(int(counts[deltas <= -1].sum()), n),
    )
    first_total = int(pairs["first_total"].to_numpy(dtype=np.int64).sum())
    return Paired(
        delta=mean, ci95=ci, n_pairs=n, p=p,
        mean_first=first_total / n, mean_latest=(first_total + total) / n,
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
