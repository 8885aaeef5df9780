"""Breakdowns and small-cell suppression."""

from __future__ import annotations

import pytest

from surveyapp.analysis.groups import UnknownDimension
from surveyapp.analysis.report import build_report
from tests.analysis.helpers import avslut_row, make_data, samverkan_row


def _rows(women: int, men: int) -> list[dict]:
    women_rows = [avslut_row(kon="kvinna", tro_formaga="5")] * women
    return women_rows + [avslut_row(kon="man", tro_formaga="2")] * men


def test_a_group_exactly_at_the_threshold_is_shown_and_one_below_is_hidden():
    rows = _rows(5, 4) + [avslut_row(kon="annan")]
    report = build_report(make_data("avslutningsenkat", rows), dimensions=["kon"])
    by = report.item("tro_formaga").by["kon"]
    assert by["kvinna"].figures.n == 5
    assert by["kvinna"].figures.mean.value == 5.0
    assert by["man"].suppressed
    assert by["man"].figures is None
    # the two hidden groups add up to 5: neither can be told from the other
    assert by["annan"].suppressed
    assert report.item("tro_formaga").total.figures.n == 10  # totals are shown


def test_a_group_of_no_answers_is_hidden_with_the_smallest_shown_one():
    report = build_report(make_data("avslutningsenkat", _rows(5, 6)), dimensions=["kon"])
    by = report.item("tro_formaga").by["kon"]
    assert by["annan"].suppressed  # 0 answers is a small cell too
    assert by["kvinna"].suppressed  # else 11 − 5 − 6 would show the 0
    assert by["man"].figures.n == 6


def test_the_threshold_is_configurable():
    rows = _rows(5, 4) + [avslut_row(kon="annan")] * 4
    report = build_report(make_data("avslutningsenkat", rows), dimensions=["kon"], threshold=4)
    assert report.item("tro_formaga").by["kon"]["man"].figures.mean.value == 2.0


def test_one_respondent_shows_in_the_total_only():
    report = build_report(make_data("avslutningsenkat", [avslut_row()]), dimensions=["organisation"])
    result = report.item("tro_formaga")
    assert result.total.figures.n == 1
    assert result.by["organisation"]["Mariestad"].suppressed
    assert result.rounds["Mättillfälle 1"].suppressed


def test_fodelseregion_groups_sverige_with_norden_and_leaves_ej_svar_out():
    rows = ([avslut_row(fodelseregion="sverige")] * 3 + [avslut_row(fodelseregion="norden")] * 2
            + [avslut_row(fodelseregion="utanfor_norden")] * 5 + [avslut_row(fodelseregion="ej_svar")] * 5)
    report = build_report(make_data("avslutningsenkat", rows), dimensions=["fodelseregion"])
    by = report.item("tro_formaga").by["fodelseregion"]
    assert list(by) == ["sverige_norden", "utanfor_norden"]
    assert by["sverige_norden"].figures.n == 5
    assert by["utanfor_norden"].figures.n == 5
    assert report.item("tro_formaga").total.figures.n == 15


def test_crossing_of_kon_and_fodelseregion():
    rows = ([avslut_row(kon="kvinna", fodelseregion="utanfor_norden", mar_battre="5")] * 8
            + [avslut_row(kon="kvinna", fodelseregion="sverige", mar_battre="3")] * 6
            + [avslut_row(kon="man", fodelseregion="norden")] * 2
            + [avslut_row(kon="man", fodelseregion="utanfor_norden")] * 5)
    report = build_report(make_data("avslutningsenkat", rows), dimensions=["kon×fodelseregion"])
    by = report.item("mar_battre").by["kon*fodelseregion"]
    assert by["kvinna*utanfor_norden"].figures.share.pct == 100.0
    assert by["kvinna*sverige_norden"].figures.share.pct == 0.0
    # the men's 2 and the empty groups add up to 2: the smallest shown group is hidden with them
    assert by["man*sverige_norden"].suppressed
    assert by["man*utanfor_norden"].suppressed
    assert len(by) == 6


def test_breakdown_by_role_and_channel():
    rows = ([samverkan_row(("4", "4", "4", "4"), role="samordnare", channel="assisted",
                           **{f"insatser_indikatorer.{k}": "3" for k in (
                               "hantering_vardag", "samarbetsformaga", "halsa", "hantering_halsa",
                               "tro_pa_jobb", "kunskap_arbetsmarknad", "sociala_kompetenser",
                               "yrkeskompetenser", "jobbsokning", "social_mentor")})] * 6
            + [samverkan_row(("2", "2", "2", "2"), role="region")] * 6
            + [samverkan_row(("3", "3", "3", "3"), role="annan")] * 5)
    report = build_report(make_data("samverkan", rows), dimensions=["role", "channel"])
    by_role = report.item("samverkan_ame_af").by["role"]
    assert by_role["samordnare"].figures.mean.value == 4.0
    assert by_role["region"].figures.mean.value == 2.0
    assert by_role["kommunchef"].suppressed
    assert by_role["annan"].suppressed  # the smallest shown group, hidden with the empty one
    assert report.item("samverkan_ame_af").by["channel"]["assisted"].figures.n == 6


def test_unknown_breakdown_is_refused():
    with pytest.raises(UnknownDimension):
        build_report(make_data("avslutningsenkat", []), dimensions=["role"])
    with pytest.raises(UnknownDimension):
        build_report(make_data("samverkan", []), dimensions=["kon"])


def test_the_same_crossing_asked_twice_is_reported_once():
    report = build_report(make_data("avslutningsenkat", [avslut_row()] * 5),
                          dimensions=["kon*fodelseregion", "kon×fodelseregion", "kon"])
    assert [d.key for d in report.dimensions] == ["kon*fodelseregion", "kon"]
