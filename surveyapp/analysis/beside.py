"""The staff's rating of a participant (personalskattning, BIP) beside the participant's own
rating (progressionskort) at the same time: the mean difference staff − own per item."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy import stats

from ..questionnaire import Questionnaire
from .data import AnswerData

#: the staff rating compared with the participant's own questionnaire
OWN_QUESTIONNAIRE = {"personalskattning": "progressionskort"}
#: staff items whose own counterpart has another key
OWN_ITEM = {"tro_pa_formaga": "tror_klarar_arbete"}
#: a staff rating and an own rating this many days apart or less are "at the same time"
SAME_TIME_DAYS = 31


@dataclass(frozen=True)
class Beside:
    """One item: mean of (staff − own) over the pairs rated at the same time, with its n."""

    item: str
    own_item: str
    delta: float | None
    ci95: tuple[float, float] | None
    n_pairs: int
    mean_staff: float | None
    mean_own: float | None


def _ratings(data: AnswerData, key: str) -> pd.DataFrame:
    a = data.answers
    numbers = a[(a["question"] == key) & (a["row"] == "")].dropna(subset=["number"])
    numbers = numbers[["response_id", "number"]]
    responses = data.responses.dropna(subset=["participant_code"])[
        ["response_id", "participant_code", "submitted_at"]]
    found = responses.merge(numbers.drop_duplicates("response_id"), on="response_id")
    # one type of code on both sides of the pairing, whether a side has answers or not
    return found.astype({"participant_code": object, "submitted_at": "datetime64[ns]"})


def compared_items(staff: Questionnaire, own: Questionnaire) -> list[tuple[str, str]]:
    """The staff questionnaire's scale questions that the participant's own one asks too:
    (staff key, own key), in the staff questionnaire's order."""
    own_keys = set(own.keys)
    return [(q.key, OWN_ITEM.get(q.key, q.key)) for q in staff.questions
            if q.type == "scale" and OWN_ITEM.get(q.key, q.key) in own_keys]


def beside_own(staff: AnswerData, own: AnswerData) -> tuple[Beside, ...]:
    """Each staff rating paired with the same participant's own rating nearest in time (within
    :data:`SAME_TIME_DAYS`); per item the mean difference, its 95 % CI and n pairs."""
    results = []
    for staff_key, own_key in compared_items(staff.questionnaire, own.questionnaire):
        left = _ratings(staff, staff_key).sort_values("submitted_at")
        right = _ratings(own, own_key).sort_values("submitted_at")
        pairs = pd.merge_asof(
            left, right.rename(columns={"number": "own", "response_id": "own_id"}),
            on="submitted_at", by="participant_code", direction="nearest",
            tolerance=pd.Timedelta(days=SAME_TIME_DAYS),
        ).dropna(subset=["own"])
        diffs = (pairs["number"] - pairs["own"]).to_numpy(dtype=float)
        n = len(diffs)
        delta = float(diffs.mean()) if n else None
        ci = None
        if n >= 2 and diffs.std(ddof=1) > 0:
            half = float(stats.t.ppf(0.975, n - 1)) * float(diffs.std(ddof=1)) / math.sqrt(n)
            ci = (delta - half, delta + half)
        results.append(Beside(staff_key, own_key, delta, ci, n,
                              float(pairs["number"].mean()) if n else None,
                              float(pairs["own"].mean()) if n else None))
    return tuple(results)


def beside_dict(results: tuple[Beside, ...], threshold: int) -> dict:
    """For the JSON: item → {"own_item", "delta", "ci95", "n_pairs"}; fewer pairs than the
    threshold are suppressed."""
    out = {}
    for r in results:
        if r.n_pairs < threshold:
            out[r.item] = {"own_item": r.own_item, "n_pairs": r.n_pairs, "suppressed": True} if r.n_pairs \
                else {"own_item": r.own_item, "n_pairs": 0, "delta": None, "ci95": None}
            continue
        out[r.item] = {"own_item": r.own_item, "delta": r.delta, "ci95": list(r.ci95) if r.ci95 else None,
                       "n_pairs": r.n_pairs, "mean_staff": r.mean_staff, "mean_own": r.mean_own}
    return out
