"""Reports counted in the database give the same figures as the answer frames and as a
straightforward computation by hand on the same generated answers, suppression included."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from scipy import stats

from benchmarks.generated import generate, store
from surveyapp.analysis.data import items_of
from surveyapp.analysis.report import build_report
from surveyapp.exports import json as json_export
from surveyapp.services.cells import load_cells
from surveyapp.services.frames import load_answers
from surveyapp.services.questionnaires import current_version, definition_of

#: a small organisation, so that its groups are hidden
SMALL = ("Mariestad", "Skövde", "Lidköping", "Töreboda", "Gullspång")

CASES = {
    "avslutningsenkat": (
        ("Avslut vår", "Avslut höst"),
        ("kon", "fodelseregion", "organisation", "kon*fodelseregion", "channel"),
    ),
    "samverkan": (("Mättillfälle 1", "Mättillfälle 2"), ("role", "organisation", "role*organisation")),
    "progressionskort": (
        ("Start", "Mitt", "Slut"),
        (
            "kon",
            "fodelseregion",
            "aldersgrupp",
            "inskrivning",
            "inskrivning_kvartal",
            "tid_i_projekt",
            "organisation",
        ),
    ),
}


def _stored(key: str, n: int, seed: int):
    questionnaire = definition_of(current_version(key))
    rounds, dimensions = CASES[key]
    generated = generate(questionnaire, n, rounds, seed=seed, organisations=SMALL)
    # one organisation with three answers: every group of it is a small cell
    few = generated.responses["organisation"] == "Gullspång"
    generated.responses.loc[few[few].index[3:], "organisation"] = "Mariestad"
    store(key, generated)
    return questionnaire, generated, dimensions


def _without_time(document: dict) -> dict:
    document.pop("generated_at", None)
    return document


@pytest.mark.parametrize("key", sorted(CASES))
def test_counted_in_the_database_equals_counted_from_frames(app, key):
    _, _, dimensions = _stored(key, 400, seed=7)
    from_database = build_report(load_cells(key, dimensions=dimensions), dimensions=dimensions)
    from_frames = build_report(load_answers(key), dimensions=dimensions)
    assert from_database.respondents == from_frames.respondents == 400
    assert _without_time(json_export.to_dict(from_database)) == _without_time(
        json_export.to_dict(from_frames)
    )
    # and with shifts between two named rounds, on one organisation
    rounds = CASES[key][0]
    named = {"shift_from": rounds[-1], "shift_to": rounds[0]}
    from_database = build_report(
        load_cells(key, dimensions=dimensions, organisation_ids={1, 2}), dimensions=dimensions, **named
    )
    from_frames = build_report(load_answers(key, organisation_ids={1, 2}), dimensions=dimensions, **named)
    assert _without_time(json_export.to_dict(from_database)) == _without_time(
        json_export.to_dict(from_frames)
    )


def test_figures_equal_a_computation_by_hand(app):
    questionnaire, generated, _ = _stored("avslutningsenkat", 500, seed=11)
    report = build_report(
        load_cells("avslutningsenkat", dimensions=["kon", "organisation"]),
        dimensions=["kon", "organisation"],
        threshold=5,
    )
    responses = generated.responses.set_index("response_id")
    answers = generated.answers
    kon = answers[(answers["question"] == "kon") & (answers["code"] != "ej_svar")].set_index("response_id")[
        "code"
    ]
    checked = 0
    for item in items_of(questionnaire):
        q = item.question
        mine = answers[(answers["question"] == q.key) & (answers["row"] == item.row_key)]
        codes_of = defaultdict(set)
        for response_id, code in zip(mine["response_id"], mine["code"], strict=True):
            codes_of[response_id].add(code)
        na = set(q.not_applicable_codes)

        def by_hand(ids, q=q, codes_of=codes_of, na=na, mine=mine):
            answered = [i for i in ids if i in codes_of]
            valid = [i for i in answered if codes_of[i] - na]
            positive = [i for i in valid if codes_of[i] & set(q.positive)]
            numbers = mine[mine["response_id"].isin(valid) & ~mine["code"].isin(na)]["number"].dropna()
            return (
                len(valid),
                len(positive),
                (numbers.mean() if len(numbers) else None),
                {c: sum(c in codes_of[i] for i in answered) for c in q.option_codes},
            )

        result = report.item(item.key)
        n, k, mean, distribution = by_hand(list(responses.index))
        figures = result.total.figures
        assert (figures.n, dict(figures.distribution)) == (n, distribution)
        if item.has_share:
            assert figures.share.k == k
        if item.has_mean:
            assert figures.mean.value == pytest.approx(mean)
            # Welch's interval between the two rounds, from the individual values
            valid = mine[~mine["code"].isin(na)].dropna(subset=["number"])
            rounds = valid["response_id"].map(responses["round"])
            a = valid.loc[rounds == "Avslut vår", "number"].to_numpy()
            b = valid.loc[rounds == "Avslut höst", "number"].to_numpy()
            welch = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
            shift = result.total.shift
            assert shift.delta == pytest.approx(b.mean() - a.mean())
            assert shift.ci95 == pytest.approx((welch.low, welch.high))
        for group, cell in result.by["organisation"].items():
            ids = list(responses.index[responses["organisation"] == group])
            n, k, _, _ = by_hand(ids)
            assert cell.suppressed or n >= 5  # a complement of a small cell is hidden too
            if not cell.suppressed:
                assert cell.figures.n == n
                if item.has_share:
                    assert cell.figures.share.k == k
            checked += 1
        for group, cell in result.by["kon"].items():
            n, k, _, _ = by_hand(list(kon.index[kon == group]))
            assert cell.suppressed or n >= 5
            if not cell.suppressed:
                assert cell.figures.n == n
    assert checked > 0
    assert report.item("bemotande_samordnare").by["organisation"]["Gullspång"].suppressed


def test_paired_figures_equal_a_computation_by_hand(app):
    questionnaire, generated, _ = _stored("progressionskort", 600, seed=5)
    report = build_report(load_cells("progressionskort", dimensions=["kon"]), dimensions=["kon"])
    responses = generated.responses.sort_values(["submitted_at", "response_id"])
    answers = generated.answers
    item = next(i for i in items_of(questionnaire) if i.question.type == "scale")
    numbers = answers[(answers["question"] == item.question.key)].dropna(subset=["number"])
    rated = responses.merge(numbers[["response_id", "number"]], on="response_id")
    deltas = []
    for _, ratings in rated.groupby("participant_code"):
        if len(ratings) >= 2:
            deltas.append(ratings["number"].iloc[-1] - ratings["number"].iloc[0])
    paired = report.item(item.key).total.paired
    assert paired.n_pairs == len(deltas) > 20
    assert paired.delta == pytest.approx(np.mean(deltas))
    half = stats.t.ppf(0.975, len(deltas) - 1) * np.std(deltas, ddof=1) / math.sqrt(len(deltas))
    assert paired.ci95 == pytest.approx((np.mean(deltas) - half, np.mean(deltas) + half))


def test_enrolment_limits_count_only_the_kept_participants(app):
    _stored("progressionskort", 300, seed=3)
    from datetime import date

    limited = build_report(load_cells("progressionskort", enrolled_until=date(2025, 6, 30)))
    data = load_answers("progressionskort")
    from surveyapp.analysis.register import limit_enrolment

    by_frames = build_report(limit_enrolment(data, enrolled_until=date(2025, 6, 30)))
    assert 0 < limited.respondents == by_frames.respondents < 300
    assert _without_time(json_export.to_dict(limited)) == _without_time(json_export.to_dict(by_frames))


def test_answers_stored_between_the_counting_statements_still_add_up(app):
    """A response stored after the responses were counted and before its answers were (as a
    submission may be, between two statements): its profile is added with no responses."""
    from surveyapp.extensions import db
    from surveyapp.services import cells as counting

    _stored("avslutningsenkat", 60, seed=13)
    real = counting._readable
    calls = []

    def readable(frame, attributes, round_names):
        calls.append(1)
        if len(calls) == 1:  # after the responses' count: a new kind of response arrives
            extra = generate(definition_of(current_version("avslutningsenkat")), 1, ("Avslut vår",),
                             seed=99, organisations=("Nyköping",), first_id=10_000)
            store("avslutningsenkat", extra)
            db.session.flush()
        return real(frame, attributes, round_names)

    counting._readable = readable
    try:
        cells = counting.load_cells("avslutningsenkat")
    finally:
        counting._readable = real
    late = cells.profiles[cells.profiles["organisation"] == "Nyköping"]
    assert list(late["responses"]) == [0]
    counted = cells.counts[cells.counts["profile"] == late.index[0]]
    assert counted["count"].sum() > 0  # its answers are counted, under a profile of their own
    report = build_report(cells)
    assert report.respondents == 60
