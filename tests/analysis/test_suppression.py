"""Complementary suppression: no hidden cell can be worked out by subtracting the shown cells
of its row or column from the total."""

from __future__ import annotations

import random

import pandas as pd

from surveyapp.analysis.figures import Share
from surveyapp.analysis.insatser import insats_results
from surveyapp.analysis.report import build_report
from surveyapp.analysis.suppression import REST, cells_to_hide, small, with_rest
from surveyapp.exports.json import to_dict
from tests.analysis.helpers import avslut_row, make_data, progression_row
from tests.subtraction import HIDDEN, attack, report_problems


def _hide(sizes: dict, threshold: int = 5) -> set:
    return cells_to_hide([sizes], threshold, small(sizes, threshold))


def test_a_single_hidden_cell_takes_the_smallest_shown_one_with_it():
    # Deltagare 138: kvinna 64, man 71, annan 3 — annan would be 138 − 64 − 71
    assert _hide({"kvinna": 64, "man": 71, "annan": 3}) == {"annan", "kvinna"}


def test_hidden_cells_adding_up_to_one_person_take_a_third_with_them():
    # "1 + 0" would show one person's exit outcome, though not whose group
    assert _hide({"a": 40, "b": 1, "c": 0, "d": 50}) == {"a", "b", "c"}


def test_two_small_cells_that_add_up_to_the_threshold_are_enough():
    assert _hide({"a": 3, "b": 2, "c": 40, "d": 50}) == {"a", "b"}


def test_nothing_is_hidden_when_every_cell_is_large():
    assert _hide({"a": 5, "b": 40}) == set()


def test_a_cell_hidden_before_with_its_n_unknown_counts_as_small():
    assert cells_to_hide([{"a": None, "b": 2, "c": 30, "d": 40}], 5) == {"a", "b", "c"}


def test_a_pinned_cell_is_hidden_only_when_nothing_else_can_be():
    line = {"target": 3, "hidden": 1, "big": 40}
    assert cells_to_hide([line], 5, {"hidden"}, pinned={"target"}) == {"hidden", "big"}
    alone = {"target": 3, "hidden": 1}
    assert cells_to_hide([alone], 5, {"hidden"}, pinned={"target"}) == {"hidden", "target"}


def _grid_lines(grid: dict[tuple[int, int], int]) -> list[dict]:
    rows = {r for r, _ in grid}
    columns = {c for _, c in grid}
    return ([dict(grid)] + [{k: n for k, n in grid.items() if k[0] == r} for r in rows]
            + [{k: n for k, n in grid.items() if k[1] == c} for c in columns])


def test_no_hidden_cell_comes_out_of_a_row_or_column_of_random_tables():
    chance = random.Random(20)
    for _ in range(300):
        shape = (chance.randint(1, 4), chance.randint(2, 5))
        grid = {(r, c): chance.choice([0, 1, 2, 3, 4, 5, 6, 9, 20, 60])
                for r in range(shape[0]) for c in range(shape[1])}
        lines = _grid_lines(grid)
        hidden = cells_to_hide(lines, 5, small(grid, 5))
        assert small(grid, 5) <= hidden
        for index, line in enumerate(lines):
            if len(line) == 1:
                continue  # the line's total is the cell itself
            total = {"n": sum(line.values())}
            parts = {str(k): (HIDDEN if k in hidden else {"n": n}) for k, n in line.items()}
            assert attack(f"line {index} of {grid}", total, parts, 5) == []


def _tempting_rows() -> list[dict]:
    """Exit surveys: two large kommuner and one of 3, women and men and one "annan", an age
    group of 2 and one of nobody."""
    rows = []
    plan = [("Mariestad", 23), ("Skövde", 27), ("Töreboda", 3)]
    i = 0
    for organisation, count in plan:
        for _ in range(count):
            kon = "annan" if i == 7 else ("kvinna" if i % 2 else "man")
            age = "19-24" if i in (3, 30) else ("25-29", "30-44", "45-65")[i % 3]
            rows.append(avslut_row(organisation=organisation, kon=kon, aldersgrupp=age,
                                   bemotande_samordnare=("bra", "bra", "varken_eller")[i % 3],
                                   tro_formaga=str(1 + i % 5), mar_battre=str(1 + (i * 2) % 5)))
            i += 1
    return rows


def test_no_hidden_cell_of_a_report_comes_out_by_subtraction():
    data = make_data("avslutningsenkat", _tempting_rows())
    report = build_report(data, dimensions=["kon", "aldersgrupp", "organisation", "kon*organisation"])
    document = to_dict(report)
    assert report_problems(document, 5) == []
    # the tempting cells are hidden, and so is something beside each
    question = document["questions"]["tro_formaga"]
    assert question["by"]["kon"]["annan"] == {"suppressed": True}
    assert question["by"]["organisation"]["Töreboda"] == {"suppressed": True}
    assert question["by"]["aldersgrupp"]["16-18"] == {"suppressed": True}
    assert sum(1 for c in question["by"]["kon"].values() if c.get("suppressed")) >= 2
    assert sum(1 for c in question["by"]["organisation"].values() if c.get("suppressed")) >= 2


def test_a_goals_groups_hide_what_its_item_hides():
    data = make_data("avslutningsenkat", _tempting_rows())
    report = build_report(data, dimensions=["kon*organisation"])
    document = to_dict(report)
    item = document["questions"]["bemotande_samordnare"]["by"]["kon*organisation"]
    goal = next(g for g in document["goals"] if g["question"] == "bemotande_samordnare")
    assert report_problems(document, 5) == []
    # the goal's kön and kommun are the crossing's rows and columns: hidden together
    for dim in ("kon", "organisation"):
        for group, figure in goal["by"][dim].items():
            if figure.get("suppressed"):
                continue
            row = [c for g, c in item.items() if g.split("*")[dim == "organisation"] == group]
            assert sum(1 for c in row if c.get("suppressed")) != 1


def test_insatser_per_kommun_hide_a_second_kommun():
    register = pd.DataFrame({
        "participant_code": [f"P{i}" for i in range(44)],
        "organisation": ["Mariestad"] * 20 + ["Skövde"] * 21 + ["Töreboda"] * 3,
    })
    insatser = pd.DataFrame({"participant_code": [f"P{i}" for i in range(0, 44, 2)], "insats": "halsa",
                             "started_on": None, "ended_on": None})
    result = next(r for r in insats_results(register, insatser, None) if r.insats == "halsa")
    assert result.total == Share(22, 44)
    assert result.by == {"Mariestad": None, "Skövde": Share(11, 21), "Töreboda": None}


def test_a_small_rest_of_a_line_hides_a_second_cell_beside_it():
    # Deltagare 138: kvinna 64, man 71, and 3 of kön annan or not given in no column
    line = with_rest({"kvinna": 64, "man": 71}, 138, 5, ("kon",))
    assert line[(REST, "kon")] == 3
    assert cells_to_hide([line], 5) == {(REST, "kon"), "kvinna"}
    # a rest of none, or of a group as large as any shown, needs nothing
    assert cells_to_hide([with_rest({"kvinna": 64, "man": 74}, 138, 5)], 5) == set()
    assert cells_to_hide([with_rest({"kvinna": 64, "man": 69}, 138, 5)], 5) == set()
    # beside a small hidden cell the rest counts towards the hidden group's size
    line = with_rest({"kvinna": 64, "man": 71, "annan": 2}, 138, 5, ("kon",))
    assert cells_to_hide([line], 5, {"annan"}) == {(REST, "kon"), "annan", "kvinna"}


def test_a_reports_groups_hide_a_second_one_beside_the_answers_of_no_group():
    rows = _tempting_rows()
    for index, row in enumerate(rows):
        row["kon"] = ("kvinna", "man", "annan")[index % 3]  # no small group of its own
    for row in rows[:2]:
        row["kon"] = "ej_svar"  # two answers whose kön is not given
    document = to_dict(build_report(make_data("avslutningsenkat", rows), dimensions=["kon"]))
    question = document["questions"]["tro_formaga"]
    groups = question["by"]["kon"]
    assert sum(1 for c in groups.values() if c.get("suppressed")) == 1
    shown = [c["n"] for c in groups.values() if not c.get("suppressed")]
    assert question["n"] - sum(shown) >= 5


def test_insatser_per_kon_hide_a_second_group_beside_those_whose_kon_is_not_given():
    register = pd.DataFrame({
        "participant_code": [f"P{i}" for i in range(40)],
        "organisation": ["Mariestad"] * 40,
        "kon": ["kvinna"] * 20 + ["man"] * 19 + [None],
    })
    insatser = pd.DataFrame({"participant_code": [f"P{i}" for i in range(0, 40, 2)], "insats": "halsa",
                             "started_on": None, "ended_on": None})
    result = next(r for r in insats_results(register, insatser, None) if r.insats == "halsa")
    assert result.total == Share(20, 40)
    # 40 − 20 − 19 would give the one whose kön is not given: the men hide beside them
    assert result.by_kon == {"kvinna": Share(10, 20), "man": None}


def test_paired_figures_per_group_hide_a_second_group_beside_the_pairs_of_no_group():
    rows = []
    for i in range(57):
        kon = ("kvinna", "man", "annan")[i % 3] if i < 45 else "ej_svar"
        rows.append(progression_row(f"P{i:03d}", 2, "1-5", day=0, kon=kon))
        if i < 47:  # two of those whose kön is not given have a pair; ten answered once
            rows.append(progression_row(f"P{i:03d}", 3, "6-9", day=90, kon=kon))
    report = build_report(make_data("progressionskort", rows), dimensions=["kon"])
    item = report.item("tror_klarar_arbete")
    groups = item.by["kon"]
    assert item.total.paired.n_pairs == 47
    # every group is shown, but 47 − 15 − 15 − 15 would give the two pairs of no group
    assert not any(cell.suppressed for cell in groups.values())
    hidden = [g for g, cell in groups.items() if cell.paired is not None and cell.paired.suppressed]
    assert len(hidden) == 1
