"""Goal status: uppnått, nära (within 5 percentage points), ej uppnått."""

from __future__ import annotations

import pytest

from surveyapp.analysis.figures import Share
from surveyapp.analysis.goals import GoalStatus, share_status
from surveyapp.analysis.report import build_report
from tests.analysis.helpers import avslut_row, make_data, progression_row


@pytest.mark.parametrize(
    ("k", "n", "status"),
    [(9, 10, GoalStatus.MET), (90, 100, GoalStatus.MET), (899, 1000, GoalStatus.NEAR),
     (85, 100, GoalStatus.NEAR), (849, 1000, GoalStatus.NOT_MET), (0, 3, GoalStatus.NOT_MET),
     (0, 0, None)],
)
def test_share_status_against_a_target_of_90(k, n, status):
    assert share_status(Share(k, n), 90) == status


def test_goals_overall_per_kon_and_organisation():
    rows = ([avslut_row(kon="kvinna", bemotande_samordnare="bra")] * 9
            + [avslut_row(kon="kvinna", bemotande_samordnare="daligt")]
            + [avslut_row(kon="man", bemotande_samordnare="bra", organisation="Skövde")] * 4
            + [avslut_row(kon="man", bemotande_samordnare="varken_eller", organisation="Skövde")] * 2)
    report = build_report(make_data("avslutningsenkat", rows))
    goal = next(g for g in report.goals if g.goal.question == "bemotande_samordnare")
    assert (goal.total.share.k, goal.total.share.n) == (13, 16)
    assert goal.total.value == 81.3
    assert goal.total.status is GoalStatus.NOT_MET
    assert goal.by["kon"]["kvinna"].value == 90.0
    assert goal.by["kon"]["kvinna"].status is GoalStatus.MET
    # nobody answered "annan": 16 − 10 − 6 would show it, so the men's 6 are hidden with it
    assert goal.by["kon"]["man"].suppressed
    assert goal.by["kon"]["annan"].suppressed
    assert goal.by["organisation"]["Mariestad"].status is GoalStatus.MET
    assert goal.by["organisation"]["Skövde"].status is GoalStatus.NOT_MET


def test_paired_goals_moved_up_and_mean_shift():
    rows = []
    for i, (start, end, band_start, band_end) in enumerate(
        [(2, 3, "0", "1-5"), (2, 3, "0", "6-9"), (3, 3, "1-5", "1-5"), (3, 2, "6-9", "1-5"),
         (1, 2, "0", "1-5")]
    ):
        rows.append(progression_row(f"P{i:03d}", start, band_start, day=0))
        rows.append(progression_row(f"P{i:03d}", end, band_end, day=100))
    report = build_report(make_data("progressionskort", rows))
    goals = {g.goal.question: g for g in report.goals}
    moved = goals["timmar_aktivitet"].total
    assert (moved.share.k, moved.share.n, moved.value) == (3, 5, 60.0)
    assert moved.status is GoalStatus.NOT_MET  # 60 is more than 5 points below 70
    shift = goals["tror_klarar_arbete"].total
    assert shift.delta == pytest.approx(0.4)
    # differences 1, 1, 0, -1, 1: sd 0.894, t(4) 2.776 → 0.4 ± 1.111, the interval spans 0
    assert shift.ci95 == pytest.approx((0.4 - 1.1106, 0.4 + 1.1106), abs=1e-3)
    assert shift.status is GoalStatus.UNCERTAIN


def test_mean_shift_goal_is_met_only_when_its_whole_interval_lies_above_the_target():
    rows = []
    for i, (start, end) in enumerate([(2, 3), (2, 4), (3, 4), (1, 2), (2, 3), (3, 5)]):
        rows.append(progression_row(f"P{i:03d}", start, "0", day=0))
        rows.append(progression_row(f"P{i:03d}", end, "0", day=100))
    goals = {g.goal.question: g for g in build_report(make_data("progressionskort", rows)).goals}
    shift = goals["tror_klarar_arbete"].total
    # differences 1, 2, 1, 1, 1, 2: mean 1.333, sd 0.516, t(5) 2.571 → 0.792 to 1.875
    assert shift.delta == pytest.approx(4 / 3)
    assert shift.ci95[0] == pytest.approx(0.7916, abs=1e-3)
    assert shift.status is GoalStatus.MET


def test_mean_shift_of_zero_does_not_meet_a_goal_of_more_than_zero():
    rows = [progression_row(f"P{i:03d}", 3, "0", day=d) for i in range(5) for d in (0, 50)]
    goals = {g.goal.question: g for g in build_report(make_data("progressionskort", rows)).goals}
    assert goals["soka_arbete"].total.delta == 0.0
    assert goals["soka_arbete"].total.status is GoalStatus.NOT_MET
