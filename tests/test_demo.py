"""The demo project's files look like a real project's: plausible distributions near the
Cresco+ evaluation's figures, backgrounds that agree with the register, ordinary comments."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from surveyapp.demo import BANDS, LAST_DAY, PROJECT_START, demo_files


@pytest.fixture(scope="module")
def files() -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for demo_file in demo_files():
        found.setdefault(demo_file.kind, []).extend(demo_file.rows)
    return found


def _share(rows, test) -> float:
    return 100 * sum(1 for row in rows if test(row)) / len(rows)


def test_the_demo_is_the_same_every_time():
    assert [f.rows for f in demo_files()] == [f.rows for f in demo_files()]


def test_the_register_spreads_kon_age_and_kommun_like_a_project(files):
    register = files["register"]
    assert len(register) == 450
    assert Counter(r["organisation"] for r in register) == {"Mariestad": 108, "Skövde": 180, "Lidköping": 162}
    kon = Counter(r["kon"] for r in register)
    assert 40 <= 100 * kon["kvinna"] / 450 <= 52 and 46 <= 100 * kon["man"] / 450 <= 58
    assert 0 < kon["annan"] <= 15
    ages = Counter(r["aldersgrupp"] for r in register)
    assert set(ages) == {"16-18", "19-24", "25-29", "30-44", "45-65"}
    assert max(ages.values()) < 0.4 * 450
    ended = [r for r in register if r["ended_on"]]
    assert 270 <= len(ended) <= 330


def test_answers_about_a_participant_carry_the_registers_background(files):
    register = {r["participant_code"]: r for r in files["register"]}
    for row in files["progressionskort"]:
        entry = register[row["participant_code"]]
        assert (row["organisation"], row["kon"], row["aldersgrupp"], row["fodelseregion"]) == (
            entry["organisation"], entry["kon"], entry["aldersgrupp"], entry["fodelseregion"])
        assert entry["enrolled_on"] <= row["submitted_at"][:10] <= (entry["ended_on"] or LAST_DAY.isoformat())
    for kind in ("avslut", "uppfoljning_6man", "personalskattning"):
        assert all(row["participant_code"] in register for row in files[kind])
    ended = {code for code, entry in register.items() if entry["ended_on"]}
    assert {row["participant_code"] for row in files["avslut"]} == ended


def test_every_date_lies_in_the_project_period(files):
    for kind, rows in files.items():
        for row in rows:
            for column in ("submitted_at", "enrolled_on", "ended_on", "started_on"):
                if row.get(column):
                    day = date.fromisoformat(row[column][:10])
                    assert PROJECT_START <= day <= LAST_DAY < date.today(), (kind, row)


def test_the_exit_survey_is_near_the_evaluations_figures(files):
    answers = files["avslutningsenkat"]
    assert 0.8 * 300 <= len(answers) <= 300 + 12
    assert 78 <= _share(answers, lambda r: r["bemotande_samordnare"] == "bra") <= 90
    assert 82 <= _share(answers, lambda r: r["tro_formaga"] in ("4", "5")) <= 94
    assert 80 <= _share(answers, lambda r: r["mar_battre"] in ("4", "5")) <= 92
    reasons = Counter(code for r in answers for code in r["diskriminering"].split(";") if code)
    # asked only after a bemötande that was not good: most say they were not badly treated
    assert reasons.most_common(1)[0][0] == "nej" and reasons["nej"] > sum(reasons.values()) / 2
    assert Counter(r["kon"] for r in answers)["annan"] < 0.05 * len(answers)


def test_comments_are_ordinary_sentences(files):
    comments = [r["kommentar"] for r in files["avslutningsenkat"]] + [
        r["forbattra_samverkan"] for r in files["samverkan"]]
    written = [c for c in comments if c]
    assert "" in comments and len(set(written)) >= 30
    assert all(c[0].isupper() and c[-1] in ".!" for c in written)
    assert not any(c.startswith(("=", "+", "-", "@")) or "HYPERLINK" in c for c in written)


def test_progression_rises_most_within_a_band_and_half_move_up_one(files):
    by_code: dict[str, list[dict[str, str]]] = {}
    for row in sorted(files["progressionskort"], key=lambda r: r["submitted_at"]):
        by_code.setdefault(row["participant_code"], []).append(row)
    pairs = [(rows[0], rows[-1]) for rows in by_code.values() if len(rows) > 1]
    assert len(pairs) > 300
    moved_up = _share(pairs, lambda pair: BANDS.index(pair[1]["timmar_aktivitet"])
                      > BANDS.index(pair[0]["timmar_aktivitet"]))
    assert 45 <= moved_up <= 62
    for item in ("tror_klarar_arbete", "halsa_for_arbete", "hantera_vardag"):
        shift = sum(int(last[item]) - int(first[item]) for first, last in pairs) / len(pairs)
        assert 0.3 < shift < 1.5
    ages = Counter(rows[0]["aldersgrupp"] for rows in by_code.values())
    assert len(ages) == 5


def test_exits_and_follow_ups_are_near_the_evaluations_figures(files):
    avslut = files["avslut"]
    work = ("arbete", "arbete_subventionerat", "studier", "arbetssokande")
    assert 26 <= _share(avslut, lambda r: r["utfall"] in work) <= 38
    assert 25 <= _share(avslut, lambda r: r["utfall"] == "arbetstraning") <= 36
    assert 62 <= _share(avslut, lambda r: r["samtycke_uppfoljning"] == "ja") <= 80
    follow_ups = files["uppfoljning_6man"]
    assert 68 <= _share(follow_ups, lambda r: r["progression"] in ("okat", "behallit")) <= 85
    kon = {r["participant_code"]: r["kon"] for r in files["register"]}
    reached = Counter(kon[r["participant_code"]] for r in follow_ups)
    assert reached["man"] > reached["kvinna"] > 0


def test_samverkan_has_two_rounds_with_every_role_and_kommun(files):
    rows = files["samverkan"]
    assert {r["role"] for r in rows} == {"kommunchef", "samordnare", "region", "annan"}
    kommuner = {r["organisation"] for r in rows if r["role"] == "samordnare"}
    assert kommuner == {"Mariestad", "Skövde", "Lidköping"}
    assert {r["submitted_at"][:7] for r in rows} == {"2025-03", "2025-10"}


def test_insatser_are_spread_over_the_codes(files):
    from surveyapp.analysis.insatser import INSATSER

    taken = Counter(r["insats"] for r in files["insatser"])
    assert set(taken) == set(INSATSER)
    assert max(taken.values()) < 0.25 * sum(taken.values())
