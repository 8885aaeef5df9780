"""Insatser per participant: the share of participants who took part in each insats, per
kommun and per kön, and the exit outcome of those who did against those who did not (chi-square)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from . import suppression
from .figures import Share

#: the insatser: the samverkan matrix's rows, then the job-oriented ones
INSATSER = ("hantering_vardag", "samarbetsformaga", "halsa", "hantering_halsa", "tro_pa_jobb",
            "kunskap_arbetsmarknad", "sociala_kompetenser", "yrkeskompetenser", "jobbsokning",
            "social_mentor", "jobbinriktade")
#: columns of the insatser frame, one row per insats a participant took part in
INSATS_COLUMNS = ("participant_code", "insats", "started_on", "ended_on")
#: a chi-square test is flagged when an expected count is below this
SMALL_EXPECTED = 5


@dataclass(frozen=True)
class Outcome:
    """The exit outcome (share with a goal's codes) with and without the insats."""

    with_insats: Share
    without: Share
    chi2: float | None
    p: float | None
    #: an expected count under 5: the test is not to be trusted
    caution: bool


@dataclass(frozen=True)
class InsatsResult:
    insats: str
    #: participants who took part, of all registered
    total: Share
    #: organisation → share (None: a small cell)
    by: dict[str, Share | None]
    outcome: Outcome | None
    #: kön code (the register's) → share (None: a small cell)
    by_kon: dict[str, Share | None] = field(default_factory=dict)


def chi_square(a: Share, b: Share) -> tuple[float | None, float | None, bool]:
    """Pearson's chi-square (no continuity correction) of the 2×2 table k/n-k of two groups;
    None when a row or column is empty. The flag says an expected count is under 5."""
    table = np.array([[a.k, a.n - a.k], [b.k, b.n - b.k]], dtype=float)
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return None, None, True
    chi2, p, _, expected = stats.chi2_contingency(table, correction=False)
    return float(chi2), float(p), bool((expected < SMALL_EXPECTED).any())


def _shares(part: pd.Series, groups: pd.Series, order: tuple[str, ...] | None,
            threshold: int) -> dict[str, Share | None]:
    """Group → share of ``part`` within it; groups in ``order`` (those present), else sorted.
    Participants without a group value are left out (the rest of the line: see
    suppression.with_rest). Small cells are hidden by :func:`insats_results`."""
    present = groups.dropna().astype(str)
    present = present[present != ""]
    names = set(present.tolist())
    keys = sorted(names) if order is None else [g for g in order if g in names]
    keys += sorted(names - set(keys))
    sizes = present.value_counts()
    taking = present[part.reindex(present.index).to_numpy(dtype=bool)].value_counts()
    shares = {}
    for key in keys:
        shares[key] = Share(int(taking.get(key, 0)), int(sizes[key]))
    return shares


def insats_results(register: pd.DataFrame, insatser: pd.DataFrame, outcomes: pd.Series | None,
                   threshold: int = 5, kon_order: tuple[str, ...] | None = None) -> tuple[InsatsResult, ...]:
    """``register``: the participants (participant_code, organisation, kon); ``insatser``: the
    insatser they took part in; ``outcomes``: participant code → True when the exit outcome
    reached the goal (participants with an avslut only). ``kon_order``: the kön codes in the
    order the outputs show them."""
    columns = ["participant_code", "organisation"] + (["kon"] if "kon" in register else [])
    codes = register[columns].drop_duplicates("participant_code")
    kon = codes["kon"] if "kon" in codes else pd.Series(dtype="object")
    results = []
    for insats in INSATSER:
        took = set(insatser.loc[insatser["insats"] == insats, "participant_code"].tolist())
        part = codes["participant_code"].isin(took)
        protected = suppression.protect_shares({
            "organisation": _shares(part, codes["organisation"], None, threshold),
            "kon": _shares(part, kon, kon_order, threshold)}, threshold, hide_small=True, total=len(codes))
        by, by_kon = protected["organisation"], protected["kon"]
        outcome = None
        if outcomes is not None and len(outcomes):
            with_ = outcomes[outcomes.index.isin(took)]
            without = outcomes[~outcomes.index.isin(took)]
            a = Share(int(with_.sum()), len(with_))
            b = Share(int(without.sum()), len(without))
            if suppression.is_small(a.n, threshold) or suppression.is_small(b.n, threshold):
                outcome = None  # a group too small to show, let alone test
            else:
                chi2, p, caution = chi_square(a, b)
                outcome = Outcome(a, b, chi2, p, caution)
        results.append(InsatsResult(insats, Share(int(part.sum()), len(codes)), by, outcome, by_kon))
    return tuple(results)


def results_dict(results: tuple[InsatsResult, ...]) -> dict:
    def share(s: Share | None) -> dict:
        return {"suppressed": True} if s is None else {"k": s.k, "n": s.n, "pct": s.pct}

    out = {}
    for r in results:
        entry = {**share(r.total), "by": {"organisation": {o: share(s) for o, s in r.by.items()},
                                          "kon": {g: share(s) for g, s in r.by_kon.items()}}}
        if r.outcome is None:
            entry["outcome"] = {"suppressed": True}
        else:
            o = r.outcome
            entry["outcome"] = {"with": share(o.with_insats), "without": share(o.without),
                                "chi2": o.chi2, "p": o.p, "caution": o.caution}
        out[r.insats] = entry
    return out


def exit_outcomes(responses: pd.DataFrame, answers: pd.DataFrame, question: str,
                  codes: tuple[str, ...]) -> pd.Series:
    """Participant code → True when the latest avslut's answer to ``question`` is one of ``codes``."""
    latest = responses.dropna(subset=["participant_code"]).sort_values(["submitted_at", "response_id"])
    latest = latest.drop_duplicates("participant_code", keep="last")
    given = answers[answers["question"] == question][["response_id", "code"]]
    joined = latest.merge(given, on="response_id")
    return pd.Series(joined["code"].isin(codes).to_numpy(), index=joined["participant_code"].to_numpy())
