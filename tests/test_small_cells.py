"""Small cells stay hidden in every table: on a project made to tempt subtraction (a kommun of
one participant, one of three beside its target, a single "annan", an age group of two and
one of nobody), no hidden cell of ``surveyapp goals --json``, ``surveyapp report --json``,
the Måluppfyllelse page or the project workbook comes out of a row or column by subtraction."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl

from tests import factories
from tests.subtraction import goal_table_problems, report_problems
from tests.web.test_goals_page import _cell as goal_cell

#: kommun → participants (Lidköping's 3 stand beside its target of 180; Töreboda has none)
KOMMUNER = (("Mariestad", 40), ("Skövde", 45), ("Lidköping", 3), ("Töreboda", 1))
UTFALL = ("arbete", "studier", "arbetstraning", "annat", "arbetssokande", "sjukskriven", "arbetstraning")
PROGRESSION = ("okat", "behallit", "backat")


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _participants() -> list[dict]:
    people = []
    i = 0
    for organisation, count in KOMMUNER:
        for _ in range(count):
            people.append({
                "participant_code": f"P-{i:03d}", "organisation": organisation,
                "enrolled_on": "2025-01-15", "ended_on": "" if i % 5 == 4 else "2025-09-01",
                "kon": "annan" if i in (5, 50) else ("kvinna" if i % 2 else "man"),
                # nobody 16-18; two 19-24
                "aldersgrupp": "19-24" if i in (2, 47) else ("25-29", "30-44", "45-65")[i % 3],
                "fodelseregion": "utanfor_norden" if i % 4 == 0 else "sverige",
            })
            i += 1
    return people


def load_tempting_project(runner, directory: Path) -> None:
    for name, _ in KOMMUNER:
        factories.organisation(name)
    people = _participants()
    assert runner.invoke(args=["participants", "import",
                               str(_write(directory / "register.csv", people))]).exit_code == 0
    ended = [(i, p) for i, p in enumerate(people) if p["ended_on"]]
    files = {
        "avslut": [{"submitted_at": p["ended_on"], "language": "sv", "organisation": p["organisation"],
                    "participant_code": p["participant_code"], "utfall": UTFALL[i % len(UTFALL)],
                    "samtycke_uppfoljning": "nej" if i % 6 == 5 else "ja"} for i, p in ended],
        "uppfoljning_6man": [{"submitted_at": "2026-04-01", "language": "sv",
                              "organisation": p["organisation"], "participant_code": p["participant_code"],
                              "progression": PROGRESSION[i % 3]}
                             for i, p in ended if i % 6 != 5 and i % 3 != 2],
        "avslutningsenkat": [{"submitted_at": "2025-10-01", "language": "sv",
                              "organisation": p["organisation"], "kon": p["kon"],
                              "aldersgrupp": p["aldersgrupp"], "fodelseregion": p["fodelseregion"],
                              "bemotande_samordnare": "varken_eller" if i % 7 == 3 else "bra",
                              "bemotande_handlaggare": "bra",
                              "diskriminering": "nej" if i % 7 == 3 else "",
                              "tro_formaga": str(1 + i % 5), "mar_battre": str(1 + (2 * i) % 5)}
                             for i, p in ended if i % 4 != 3],
    }
    for key, rows in files.items():
        path = _write(directory / f"{key}.csv", rows)
        result = runner.invoke(args=["import", key, str(path), "--round", "Test"])
        assert result.exit_code == 0, result.output


def _json(runner, *args) -> dict:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_no_hidden_cell_of_the_goal_table_comes_out_by_subtraction(runner, tmp_path):
    load_tempting_project(runner, tmp_path)
    table = _json(runner, "goals", "--json", "--by", "kon", "--by", "aldersgrupp", "--by", "organisation")
    assert goal_table_problems(table, 5) == []
    # the tempting cells are hidden, each with company
    assert table["participants"]["by"]["organisation"]["Töreboda"] == {"suppressed": True}
    assert table["participants"]["by"]["aldersgrupp"]["19-24"] == {"suppressed": True}
    work = next(g for g in table["goals"] if g["key"] == "avslut.0")
    assert work["by"]["kon"]["annan"] == {"suppressed": True}
    assert sum(1 for c in work["by"]["kon"].values() if c.get("suppressed")) >= 2
    # a kommun's participants beside its target stay in view
    participants = next(g for g in table["goals"] if g["key"] == "participants")
    assert participants["by"]["organisation"]["Lidköping"]["value"] == 3


def test_no_hidden_cell_of_a_report_comes_out_by_subtraction(runner, tmp_path):
    load_tempting_project(runner, tmp_path)
    for key in ("avslut", "avslutningsenkat", "uppfoljning_6man"):
        report = _json(runner, "report", key, "--json", "--by", "kon", "--by", "aldersgrupp",
                       "--by", "organisation", "--by", "kon*organisation")
        assert report_problems(report, 5) == [], key


def test_the_page_and_the_workbook_hide_what_the_json_hides(client, runner, tmp_path):
    load_tempting_project(runner, tmp_path)
    table = _json(runner, "goals", "--json")
    assert goal_table_problems(table, 5) == []
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    out = tmp_path / "projekt.xlsx"
    assert runner.invoke(args=["goals", "--xlsx", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Måluppfyllelse"]
    names = {"kon": "Kön", "organisation": "Kommun"}
    labels = {"kvinna": "Kvinna", "man": "Man", "annan": "Annan definition"}
    # row 5 names each group's block of columns (value, k, n, status) and row 6 the columns
    header = [cell.value for cell in sheet[5]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=7, values_only=True) if r[0]}
    hidden = 0
    for goal in table["goals"]:
        for dim, groups in goal["by"].items():
            for group, figure in groups.items():
                text = goal_cell(html, goal["key"], f"{dim}:{group}")
                value = rows[goal["label"]][header.index(f"{names[dim]}: {labels.get(group, group)}")]
                if figure.get("suppressed"):
                    hidden += 1
                    assert text == "–" and value == "–", (goal["key"], dim, group, text, value)
                elif figure["value"] is not None:
                    assert text != "–" and value != "–", (goal["key"], dim, group, text, value)
    assert hidden > 0
