"""Shares, means and distributions, computed by hand."""

from __future__ import annotations

import pytest

from surveyapp.analysis.data import Item
from surveyapp.analysis.figures import Share, percent
from surveyapp.analysis.report import build_report
from tests.analysis.helpers import avslut_row, make_data, questionnaire, samverkan_row


def test_share_leaves_not_applicable_answers_out_of_n():
    rows = [avslut_row(bemotande_handlaggare=code)
            for code in ("bra", "bra", "bra", "varken_eller", "daligt", "ingen", "ingen")]
    report = build_report(make_data("avslutningsenkat", rows))
    figures = report.item("bemotande_handlaggare").total.figures
    assert figures.n == 5
    assert (figures.share.k, figures.share.n, figures.share.pct) == (3, 5, 60.0)
    assert dict(figures.distribution) == {"bra": 3, "varken_eller": 1, "daligt": 1, "ingen": 2}


def test_mean_of_a_scale_and_its_positive_share():
    rows = [avslut_row(tro_formaga=v) for v in ("5", "4", "4", "2")]
    figures = build_report(make_data("avslutningsenkat", rows)).item("tro_formaga").total.figures
    assert figures.mean.value == pytest.approx(3.75)
    assert figures.mean.n == 4
    assert (figures.share.k, figures.share.n, figures.share.pct) == (3, 4, 75.0)


def test_vet_ej_is_left_out_of_the_mean():
    rows = [samverkan_row(("4", "1", "1", "1")), samverkan_row(("5", "1", "1", "1")),
            samverkan_row(("vet_ej", "1", "1", "1"))]
    figures = build_report(make_data("samverkan", rows)).item("samverkan_forsorjningsstod_vard").total.figures
    assert figures.mean.value == pytest.approx(4.5)
    assert figures.mean.n == 2
    assert figures.n == 2
    assert dict(figures.distribution)["vet_ej"] == 1


def test_matrix_rows_are_reported_one_by_one():
    matrix = {f"insatser_indikatorer.{r.key}": "3" for r in questionnaire("samverkan").question(
        "insatser_indikatorer").rows}
    matrix["insatser_indikatorer.halsa"] = "vet_ej"
    rows = [samverkan_row(("3", "3", "3", "3"), role="samordnare", **matrix)] * 2
    report = build_report(make_data("samverkan", rows))
    assert report.item("insatser_indikatorer.hantering_vardag").total.figures.mean.value == 3.0
    assert report.item("insatser_indikatorer.halsa").total.figures.mean.n == 0
    assert report.item("insatser_indikatorer.halsa").total.figures.mean.value is None


def test_multiple_choice_counts_each_respondent_once_in_n():
    rows = [
        avslut_row(bemotande_samordnare="daligt", diskriminering=["kon", "alder"]),
        avslut_row(bemotande_samordnare="daligt", diskriminering=["kon"]),
        avslut_row(),
    ]
    figures = build_report(make_data("avslutningsenkat", rows)).item("diskriminering").total.figures
    assert figures.n == 2
    assert dict(figures.distribution)["kon"] == 2
    assert dict(figures.distribution)["alder"] == 1
    assert figures.share is None


def test_vet_ej_alone_on_diskriminering_is_left_out_of_n():
    """PRODUCT.md: n leaves out those who answered only a not-applicable code (vet_ej)."""
    rows = [
        avslut_row(bemotande_samordnare="daligt", diskriminering=["kon"]),
        avslut_row(bemotande_samordnare="daligt", diskriminering=["vet_ej"]),
        avslut_row(bemotande_samordnare="daligt", diskriminering=["alder", "vet_ej"]),
    ]
    figures = build_report(make_data("avslutningsenkat", rows)).item("diskriminering").total.figures
    assert figures.n == 2
    assert dict(figures.distribution)["vet_ej"] == 2


def test_no_answers_give_no_figures_not_zero():
    report = build_report(make_data("avslutningsenkat", []))
    figures = report.item("tro_formaga").total.figures
    assert figures.n == 0
    assert figures.share == Share(0, 0)
    assert figures.share.pct is None
    assert figures.mean.value is None
    assert report.respondents == 0
    assert report.goals[0].total.status is None


def test_all_not_applicable_is_zero_of_zero():
    rows = [avslut_row(bemotande_handlaggare="ingen") for _ in range(6)]
    figures = build_report(make_data("avslutningsenkat", rows)).item("bemotande_handlaggare").total.figures
    assert (figures.n, figures.share.k, figures.share.n, figures.share.pct) == (0, 0, 0, None)
    assert dict(figures.distribution)["ingen"] == 6


@pytest.mark.parametrize(
    ("k", "n", "one_decimal", "whole"),
    [(1, 8, 12.5, 13.0), (1, 16, 6.3, 6.0), (5, 8, 62.5, 63.0), (2, 3, 66.7, 67.0), (0, 4, 0.0, 0.0),
     (7, 7, 100.0, 100.0)],
)
def test_percentages_round_half_up(k, n, one_decimal, whole):
    assert percent(k, n, 1) == one_decimal
    assert percent(k, n, 0) == whole
    assert Share(k, n).fraction == pytest.approx(one_decimal / 100)


def test_goal_codes_override_the_positive_codes():
    q = questionnaire("avslut")
    outcomes = ["arbete", "studier", "arbetstraning", "arbetstraning", "sjukskriven"]
    rows = [{"utfall": o, "samtycke_uppfoljning": "ja", "participant_code": f"P{i:03d}"}
            for i, o in enumerate(outcomes)]
    report = build_report(make_data("avslut", rows))
    work, training = report.goals
    assert work.goal.codes == q.goals[0].codes
    assert (work.total.share.k, work.total.share.n, work.total.value) == (2, 5, 40.0)
    assert work.total.status.value == "uppnatt"
    assert (training.total.share.k, training.total.value) == (2, 40.0)
    assert Item(q.question("utfall")).has_share is False
