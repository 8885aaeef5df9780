"""Shifts between rounds (Welch) and paired shifts (progressionskort), by hand."""

from __future__ import annotations

import math

import pytest

from surveyapp.analysis.report import build_report
from tests.analysis.helpers import PROGRESSION_ITEMS, make_data, progression_row, samverkan_row

T_975_DF3 = 3.182446305284263  # t-distribution, 97.5th percentile, 3 degrees of freedom
T_975_DF4 = 2.7764451051977987


def _samverkan(first: list[str], second: list[str]) -> list[dict]:
    return ([samverkan_row((v, "3", "3", "3"), round="Mättillfälle 1") for v in first]
            + [samverkan_row((v, "3", "3", "3"), round="Mättillfälle 2", day=90) for v in second])


def test_shift_between_rounds_with_welch_interval():
    # A: 2 3 4 (mean 3, variance 1); B: 4 5 5 4 (mean 4.5, variance 1/3)
    # se² = 1/3 + 1/12 = 5/12; Welch df = (25/144) / (1/18 + 1/432) = 3
    data = make_data("samverkan", _samverkan(["2", "3", "4"], ["4", "5", "5", "4"]))
    shift = build_report(data, threshold=1).item("samverkan_forsorjningsstod_vard").total.shift
    assert (shift.from_round, shift.to_round) == ("Mättillfälle 1", "Mättillfälle 2")
    assert (shift.n_from, shift.n_to) == (3, 4)
    assert shift.delta == pytest.approx(1.5)
    half = T_975_DF3 * math.sqrt(5 / 12)
    assert shift.ci95 == pytest.approx((1.5 - half, 1.5 + half), abs=1e-9)


def test_shift_is_hidden_when_a_round_is_a_small_cell():
    data = make_data("samverkan", _samverkan(["2", "3", "4"], ["4", "5", "5", "4", "5"]))
    report = build_report(data)
    result = report.item("samverkan_forsorjningsstod_vard")
    assert result.total.shift.suppressed
    assert result.total.shift.delta is None
    assert result.rounds["Mättillfälle 1"].suppressed
    # 8 answers in all − 5 would show the first round: the second is hidden with it
    assert result.rounds["Mättillfälle 2"].suppressed


def test_shift_without_spread_has_no_interval():
    data = make_data("samverkan", _samverkan(["3"] * 5, ["4"] * 5))
    shift = build_report(data).item("samverkan_ame_vard").total.shift
    assert shift.delta == 0.0
    assert shift.ci95 is None


def test_shift_goes_between_named_rounds():
    rows = _samverkan(["2"] * 5, ["4"] * 5) + [
        samverkan_row(("5", "3", "3", "3"), round="Mättillfälle 3", day=200) for _ in range(5)]
    data = make_data("samverkan", rows)
    shift = build_report(data, shift_from="Mättillfälle 2", shift_to="Mättillfälle 3").item(
        "samverkan_forsorjningsstod_vard").total.shift
    assert (shift.from_round, shift.to_round, shift.delta) == ("Mättillfälle 2", "Mättillfälle 3", 1.0)
    default = build_report(data).item("samverkan_forsorjningsstod_vard").total.shift
    assert (default.from_round, default.to_round, default.delta) == ("Mättillfälle 1", "Mättillfälle 3", 3.0)


def test_by_default_a_shift_goes_to_the_latest_selected_round_even_without_answers():
    """The public contract: earliest to latest selected round, unless --from/--to say otherwise."""
    rows = _samverkan(["2"] * 5, ["4"] * 5)
    data = make_data("samverkan", rows, rounds=("Mättillfälle 1", "Mättillfälle 2", "Mättillfälle 3"))
    shift = build_report(data).item("samverkan_forsorjningsstod_vard").total.shift
    assert (shift.from_round, shift.to_round, shift.suppressed) == ("Mättillfälle 1", "Mättillfälle 3", True)
    named = build_report(data, shift_to="Mättillfälle 2").item("samverkan_forsorjningsstod_vard").total.shift
    assert (named.to_round, named.delta) == ("Mättillfälle 2", 2.0)


def test_one_round_has_no_shift():
    data = make_data("samverkan", [samverkan_row(("3", "3", "3", "3"))] * 5)
    assert build_report(data).item("samverkan_ame_vard").total.shift is None


def _progression(diffs: list[int], base: int = 2) -> list[dict]:
    rows = []
    for i, d in enumerate(diffs):
        rows.append(progression_row(f"P{i:03d}", base, "1-5", day=0))
        band = ["0", "1-5", "6-9"][1 + max(-1, min(1, d))]
        rows.append(progression_row(f"P{i:03d}", base + d, band, day=90))
    return rows


def test_paired_shift_mean_interval_and_movement():
    # differences +1 +2 0 −1 +1: mean 0.6, sd² = 5.2/4 = 1.3
    report = build_report(make_data("progressionskort", _progression([1, 2, 0, -1, 1])))
    paired = report.item("tror_klarar_arbete").total.paired
    assert paired.n_pairs == 5
    assert paired.delta == pytest.approx(0.6)
    half = T_975_DF4 * math.sqrt(1.3) / math.sqrt(5)
    assert paired.ci95 == pytest.approx((0.6 - half, 0.6 + half), abs=1e-9)
    assert (paired.mean_first, paired.mean_latest) == (pytest.approx(2.0), pytest.approx(2.6))
    assert (paired.movement.up.k, paired.movement.stayed.k, paired.movement.down.k) == (3, 1, 1)
    assert paired.movement.up.pct == 60.0
    band = report.item("timmar_aktivitet").total.paired
    assert (band.movement.up.k, band.movement.stayed.k, band.movement.down.k) == (3, 1, 1)


def test_wilcoxon_p_when_everyone_moved_up():
    # five positive differences, no ties: exact two-sided p = 2 / 2⁵
    report = build_report(make_data("progressionskort", _progression([1, 1, 1, 1, 1], base=1)))
    paired = report.item("soka_arbete").total.paired
    assert paired.p == pytest.approx(0.0625)
    assert paired.ci95 is None  # no spread in the differences


def test_no_change_has_no_wilcoxon_p():
    report = build_report(make_data("progressionskort", _progression([0] * 5)))
    paired = report.item("ide_om_arbete").total.paired
    assert paired.delta == 0.0
    assert paired.p is None


def test_paired_uses_first_and_latest_of_several_ratings():
    rows = []
    for i in range(5):
        for day, level in ((0, 2), (90, 3), (180, 5)):
            rows.append(progression_row(f"P{i:03d}", level, "0", day=day))
    paired = build_report(make_data("progressionskort", rows)).item("hantera_vardag").total.paired
    assert (paired.n_pairs, paired.delta) == (5, 3.0)


def test_paired_between_two_named_rounds():
    rows = []
    for i in range(5):
        for day, level, round_ in ((0, 2, "Start"), (90, 3, "Mitt"), (180, 5, "Avslut")):
            rows.append(progression_row(f"P{i:03d}", level, "0", day=day, round=round_))
    data = make_data("progressionskort", rows)

    def delta(**between) -> float:
        return build_report(data, **between).item("hantera_vardag").total.paired.delta

    assert delta(shift_from="Start", shift_to="Mitt") == 1.0
    assert delta(shift_from="Mitt", shift_to="Avslut") == 2.0
    assert delta(shift_from="Start", shift_to="Avslut") == 3.0


def test_a_round_without_pairs():
    rows = [progression_row(f"P{i:03d}", 3, "0", round="Start") for i in range(5)]
    rows += [progression_row(f"Q{i:03d}", 4, "0", round="Avslut", day=90) for i in range(5)]
    report = build_report(make_data("progressionskort", rows), shift_from="Start", shift_to="Avslut")
    paired = report.item("tror_klarar_arbete").total.paired
    assert paired.n_pairs == 0
    assert paired.delta is None
    assert paired.movement.up.pct is None
    goals = {g.goal.question: g for g in report.goals}
    assert goals["timmar_aktivitet"].total.status is None
    assert goals["tror_klarar_arbete"].total.status is None


def test_paired_per_group_is_suppressed_below_threshold():
    rows = _progression([1] * 6)
    for row in rows[:2]:
        row["organisation"] = "Skövde"
    # four more in Skövde rated once: the group is shown, its one pair is not
    rows += [progression_row(f"S{i:03d}", 2, "1-5", organisation="Skövde") for i in range(4)]
    report = build_report(make_data("progressionskort", rows), dimensions=["organisation"])
    by = report.item(PROGRESSION_ITEMS[0]).by["organisation"]
    assert by["Skövde"].figures.n == 6
    assert by["Skövde"].paired.suppressed
    # 6 pairs − Mariestad's 5 would show Skövde's one: Mariestad's pairs are hidden too
    assert by["Mariestad"].figures.n == 10
    assert by["Mariestad"].paired.suppressed
