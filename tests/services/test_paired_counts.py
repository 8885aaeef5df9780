"""Paired figures from the pairs the database counts equal a computation from the answer rows
themselves, on generated answers with the odd cases: ratings without a code or without a
second rating, a latest rating left unanswered, three rounds, two ratings at the same moment
and an organisation too small to show."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from benchmarks.generated import generate, store
from surveyapp.analysis.cells import has_ratings
from surveyapp.analysis.data import items_of
from surveyapp.analysis.report import build_report
from surveyapp.services.cells import load_cells
from surveyapp.services.questionnaires import current_version, definition_of

ROUNDS = ("Start", "Mitt", "Slut")
ORGANISATIONS = ("Mariestad", "Skövde", "Lidköping", "Gullspång")
THRESHOLD = 5


def _odd_answers(seed: int = 21):
    questionnaire = definition_of(current_version("progressionskort"))
    generated = generate(questionnaire, 600, ROUNDS, seed=seed, organisations=ORGANISATIONS)
    responses, answers = generated.responses, generated.answers
    # three answers from Gullspång: each of its groups is a small cell
    few = responses["organisation"] == "Gullspång"
    responses.loc[few[few].index[3:], "organisation"] = "Mariestad"
    # answers given without a participant code are in no pair
    responses.loc[responses.index[:15], "participant_code"] = None
    ordered = responses.dropna(subset=["participant_code"]).sort_values(["submitted_at", "response_id"])
    several = ordered.groupby("participant_code").filter(lambda r: len(r) >= 2)
    latest = several.groupby("participant_code").tail(1)
    first = several.groupby("participant_code").head(1)
    # some latest ratings left unanswered: the rating before is the latest
    item = next(i for i in items_of(questionnaire) if has_ratings(questionnaire, i))
    unanswered = set(latest["response_id"].iloc[:25])
    answers = answers[~((answers["question"] == item.question.key) & answers["response_id"].isin(unanswered))]
    # two ratings at the same moment: the later response is the later rating
    same = latest.iloc[30:40]
    moment = dict(zip(same["participant_code"], first.set_index("participant_code").loc[
        same["participant_code"], "submitted_at"], strict=True))
    at_same = responses["response_id"].isin(same["response_id"])
    responses.loc[at_same, "submitted_at"] = responses.loc[at_same, "participant_code"].map(moment)
    generated.answers = answers.reset_index(drop=True)
    store("progressionskort", generated)
    return questionnaire, responses, generated.answers


def _pairs_by_hand(responses: pd.DataFrame, answers: pd.DataFrame, item, from_round=None, to_round=None):
    """(organisation of the latest rating, first, latest) per code, from the rows."""
    numbers = answers[(answers["question"] == item.question.key) & (answers["row"] == item.row_key)]
    numbers = numbers.dropna(subset=["number"])  # not-applicable codes carry no number
    rated = responses.dropna(subset=["participant_code"]).merge(numbers[["response_id", "number"]])
    rated = rated.sort_values(["submitted_at", "response_id"])
    pairs = []
    for _, ratings in rated.groupby("participant_code"):
        firsts = ratings if from_round is None else ratings[ratings["round"] == from_round]
        latests = ratings if to_round is None else ratings[ratings["round"] == to_round]
        if firsts.empty or latests.empty:
            continue
        first, latest = firsts.iloc[0], latests.iloc[-1]
        if first["response_id"] == latest["response_id"]:
            continue
        pairs.append((latest["organisation"], float(first["number"]), float(latest["number"])))
    return pairs


def _check(paired, pairs) -> None:
    first = np.array([p[1] for p in pairs])
    latest = np.array([p[2] for p in pairs])
    deltas = latest - first
    n = len(deltas)
    assert paired.n_pairs == n
    assert paired.delta == pytest.approx(deltas.mean(), rel=1e-12)
    assert (paired.mean_first, paired.mean_latest) == (pytest.approx(first.mean(), rel=1e-12),
                                                        pytest.approx(latest.mean(), rel=1e-12))
    half = stats.t.ppf(0.975, n - 1) * np.std(deltas, ddof=1) / math.sqrt(n)
    assert paired.ci95 == pytest.approx((deltas.mean() - half, deltas.mean() + half), rel=1e-12)
    movement = paired.movement
    assert (movement.up.k, movement.stayed.k, movement.down.k) == (
        int((deltas >= 1).sum()), int((deltas == 0).sum()), int((deltas <= -1).sum()))
    nonzero = deltas[deltas != 0]
    if len(nonzero) > 50:
        assert paired.p == pytest.approx(stats.wilcoxon(nonzero, method="approx").pvalue, rel=1e-12)


@pytest.mark.parametrize("between", [None, ("Start", "Slut"), ("Slut", "Mitt"), ("Mitt", "Mitt")])
def test_paired_figures_counted_in_the_database_equal_the_answer_rows(app, between):
    questionnaire, responses, answers = _odd_answers()
    named = {"shift_from": between[0], "shift_to": between[1]} if between else {}
    report = build_report(load_cells("progressionskort", dimensions=["organisation"]),
                          dimensions=["organisation"], threshold=THRESHOLD, **named)
    checked = shown = 0
    for item in items_of(questionnaire):
        if not has_ratings(questionnaire, item):
            continue
        pairs = _pairs_by_hand(responses, answers, item, *(between or (None, None)))
        result = report.item(item.key)
        assert len(pairs) > 20
        _check(result.total.paired, pairs)
        groups = result.by["organisation"]
        # the small organisation's pairs are hidden, whatever else is
        assert groups["Gullspång"].suppressed or groups["Gullspång"].paired.suppressed
        for organisation, cell in groups.items():
            if cell.suppressed or cell.paired.suppressed:
                continue
            _check(cell.paired, [p for p in pairs if p[0] == organisation])
            shown += 1
        checked += 1
    assert checked >= 5 and shown > 0


def test_the_goal_tables_pairs_are_first_to_latest_only(app):
    _odd_answers(seed=23)
    everything = build_report(load_cells("progressionskort", dimensions=["organisation"]),
                              dimensions=["organisation"], threshold=THRESHOLD)
    cells = load_cells("progressionskort", dimensions=["organisation"], between_rounds=False)
    assert {key: len(frame) for key, frame in cells.pairs.items()} == {
        key: int(frame["from_round"].isna().sum())
        for key, frame in load_cells("progressionskort", dimensions=["organisation"]).pairs.items()}
    first_to_latest = build_report(cells, dimensions=["organisation"], threshold=THRESHOLD)
    assert [(i.total.paired, i.by) for i in first_to_latest.items] == [
        (i.total.paired, i.by) for i in everything.items]
    with pytest.raises(ValueError, match="pairs between rounds"):
        build_report(cells, shift_from="Start", shift_to="Slut")
