"""``surveyapp report --json``: the public interchange document."""

from __future__ import annotations

import json

import pytest

from tests.exports.dataset import samverkan_rows


def _report(runner, *args) -> dict:
    result = runner.invoke(args=["report", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _mean(values: list[str]) -> float:
    numbers = [int(v) for v in values if v.isdigit()]
    return sum(numbers) / len(numbers)


def test_samverkan_by_role_shows_round_means_shift_and_goals(runner, samverkan):
    doc = _report(runner, "samverkan", "--by", "role")
    assert doc["questionnaire"] == "samverkan"
    assert doc["rounds"] == ["Mättillfälle 1", "Mättillfälle 2"]
    assert doc["goals"] == []
    key = "samverkan_ame_fk"
    first = [r[key] for r in samverkan_rows(30, month=3)]
    second = [r[key] for r in samverkan_rows(35, month=10, lift=1)]
    q = doc["questions"][key]
    assert q["rounds"]["Mättillfälle 1"]["mean"]["value"] == pytest.approx(_mean(first))
    assert q["rounds"]["Mättillfälle 2"]["mean"]["value"] == pytest.approx(_mean(second))
    assert q["n"] == sum(v != "vet_ej" for v in first + second)
    assert q["distribution"]["vet_ej"] == sum(v == "vet_ej" for v in first + second)
    shift = q["shift"]
    assert (shift["from"], shift["to"]) == ("Mättillfälle 1", "Mättillfälle 2")
    assert shift["delta"] == pytest.approx(_mean(second) - _mean(first))
    assert shift["ci95"][0] < shift["delta"] < shift["ci95"][1]
    assert shift["n_from"] == sum(v != "vet_ej" for v in first)
    assert set(q["by"]["role"]) == {"kommunchef", "samordnare", "region", "annan"}
    samordnare = q["by"]["role"]["samordnare"]
    assert "shift" in samordnare or samordnare == {"suppressed": True}
    assert set(q["share"]) == {"k", "n", "pct"}
    assert q["share"]["pct"] == round(q["share"]["k"] * 100 / q["share"]["n"], 1)


def test_suppressed_cells_carry_no_figures(runner, samverkan):
    doc = _report(runner, "samverkan", "--by", "organisation", "--by", "role*organisation")
    cells = [c for q in doc["questions"].values() for groups in q["by"].values() for c in groups.values()]
    hidden = [c for c in cells if c.get("suppressed")]
    assert hidden, "a crossing of role and kommun has small cells"
    assert all(c == {"suppressed": True} for c in hidden)
    assert all(c["n"] >= 5 for c in cells if not c.get("suppressed"))


def test_goals_with_status_per_kon_and_organisation(runner, avslutningsenkat):
    doc = _report(runner, "avslutningsenkat", "--by", "fodelseregion")
    goals = {g["question"]: g for g in doc["goals"]}
    goal = goals["bemotande_samordnare"]
    q = doc["questions"]["bemotande_samordnare"]
    assert goal["target"] == 90
    assert goal["value"] == q["share"]["pct"]
    assert goal["status"] in ("uppnatt", "nara", "ej_uppnatt")
    assert set(goal["by"]) == {"kon", "organisation"}
    assert set(goal["by"]["organisation"]) == {"Lidköping", "Mariestad", "Skövde"}
    assert set(q["by"]["fodelseregion"]) == {"sverige_norden", "utanfor_norden"}


def test_paired_figures_of_the_progressionskort(runner, progressionskort):
    doc = _report(runner, "progressionskort", "--by", "kon")
    paired = doc["questions"]["tror_klarar_arbete"]["paired"]
    assert set(paired) >= {"delta", "ci95", "n_pairs", "p"}
    assert paired["n_pairs"] == sum(1 for i in range(40) if i % 7)
    moved = doc["questions"]["timmar_aktivitet"]["paired"]["moved"]
    assert moved["up"]["k"] + moved["stayed"]["k"] + moved["down"]["k"] == paired["n_pairs"]
    goal = next(g for g in doc["goals"] if g["question"] == "timmar_aktivitet")
    assert goal["value"] == moved["up"]["pct"]
    shift_goal = next(g for g in doc["goals"] if g["question"] == "tror_klarar_arbete")
    assert shift_goal["value"] == pytest.approx(paired["delta"])
    assert shift_goal["status"] in ("uppnatt", "ej_uppnatt")


def test_filters_by_round_organisation_and_period(runner, samverkan):
    one = _report(runner, "samverkan", "--round", "Mättillfälle 2")
    assert one["rounds"] == ["Mättillfälle 2"]
    assert "shift" not in one["questions"]["samverkan_ame_af"]
    assert one["respondents"] == 35
    mariestad = _report(runner, "samverkan", "--organisation", "Mariestad")
    expected = sum(r["organisation"] == "Mariestad"
                   for r in samverkan_rows(30, month=3) + samverkan_rows(35, month=10, lift=1))
    assert mariestad["respondents"] == expected
    spring = _report(runner, "samverkan", "--since", "2026-01-01", "--until", "2026-06-30")
    assert spring["respondents"] == 30


def test_shift_between_named_rounds(runner, samverkan):
    doc = _report(runner, "samverkan", "--from", "Mättillfälle 2", "--to", "Mättillfälle 1")
    shift = doc["questions"]["samverkan_ame_vard"]["shift"]
    assert (shift["from"], shift["to"]) == ("Mättillfälle 2", "Mättillfälle 1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["samverkan", "--json", "--round", "Mättillfälle 9"], "has no round 'Mättillfälle 9'"),
        (["samverkan", "--json", "--by", "kon"], "has no breakdown 'kon'"),
        (["okand", "--json"], "no questionnaire 'okand'"),
        (["samverkan", "--json", "--organisation", "Hjo"], "Unknown organisation 'Hjo'"),
        (["samverkan"], "Choose an output"),
    ],
)
def test_bad_requests_fail_with_a_message(runner, samverkan, args, message):
    result = runner.invoke(args=["report", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""
