"""Small cells stay hidden in every table: on a project made to tempt subtraction (a kommun of
one participant, one of three beside its target, a kommun with three "annan", one participant
whose kön is not given, an age group of two and one of nobody), no hidden cell of ``surveyapp
goals --json``, ``surveyapp report --json``, the Måluppfyllelse page or the project workbook
comes out of a row or column by subtraction, nor do the people in no group shown."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import openpyxl

from tests import factories
from tests.exports.test_goal_docx import _rows as _docx_rows
from tests.subtraction import goal_table_problems, insatser_problems, page_document, report_problems
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
                # Mariestad's three "annan"; one Skövde participant's kön not given
                "kon": ("annan" if i in (5, 6, 7) else "ej_svar" if i == 50
                        else "kvinna" if i % 2 else "man"),
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


def _truth(app, runner, *args) -> dict:
    """The same JSON with nothing hidden (threshold 1): how many people each line really has
    in no group shown (the reader does not know it; the attack uses it)."""
    threshold = app.config["SMALL_CELL_THRESHOLD"]
    app.config["SMALL_CELL_THRESHOLD"] = 1
    app.extensions.pop("surveyapp.report_cache", None)  # nothing kept from another threshold
    try:
        return _json(runner, *args)
    finally:
        app.config["SMALL_CELL_THRESHOLD"] = threshold
        app.extensions.pop("surveyapp.report_cache", None)


def test_no_hidden_cell_of_the_goal_table_comes_out_by_subtraction(app, runner, tmp_path):
    load_tempting_project(runner, tmp_path)
    args = ("goals", "--json", "--by", "kon", "--by", "aldersgrupp", "--by", "organisation")
    table = _json(runner, *args)
    assert goal_table_problems(table, 5, _truth(app, runner, *args)) == []
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


def test_the_page_and_the_workbook_hide_what_the_json_hides(app, client, runner, tmp_path):
    load_tempting_project(runner, tmp_path)
    table = _json(runner, "goals", "--json")
    assert goal_table_problems(table, 5, _truth(app, runner, "goals", "--json")) == []
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


def _insatser(runner, directory: Path) -> None:
    """Every other participant in a jobbinriktad insats (Töreboda's one among them)."""
    rows = [{"participant_code": p["participant_code"], "insats": "jobbinriktade",
             "started_on": "2025-05-01", "ended_on": ""}
            for i, p in enumerate(_participants()) if i % 2 == 0 or p["organisation"] == "Töreboda"]
    path = _write(directory / "insatser.csv", rows)
    result = runner.invoke(args=["participants", "import-insatser", str(path)])
    assert result.exit_code == 0, result.output


#: who looks: projektledning (every kommun) and a samordnare of each tempting kommun
VIEWS = ((None, "pl@example.se", "projektledning"), ("Mariestad", "s@mariestad.example", "samordnare"),
         ("Skövde", "s@skovde.example", "samordnare"), ("Töreboda", "s@toreboda.example", "samordnare"))


def test_the_people_in_no_group_shown_do_not_come_out_of_any_view(app, runner, tmp_path):
    """Mariestad's three "annan" and Skövde's one kön not given: the total less the kvinna and
    man cells (or the women's and the men's rows) would show them; every view, in JSON with
    every breakdown and on the page, hides a second cell beside them."""
    load_tempting_project(runner, tmp_path)
    _insatser(runner, tmp_path)
    breakdowns = (("--by", "kon", "--by", "aldersgrupp", "--by", "organisation"), (),
                  ("--by", "organisation",))

    def args(kommun, by) -> tuple:
        return ("goals", "--json", *by, *(["--organisation", kommun] if kommun else []))

    views = [(kommun, by) for kommun, _email, _role in VIEWS for by in breakdowns]
    truth = {view: _truth(app, runner, *args(*view)) for view in views}
    found = {view: _json(runner, *args(*view)) for view in views}
    for (kommun, by), table in found.items():
        assert goal_table_problems(table, 5, truth[kommun, by]) == [], (kommun, by)
    for kommun, email, role in VIEWS:
        table = found[kommun, ()]
        client = app.test_client()
        factories.login(client, factories.user(email, role, [kommun] if kommun else None))
        html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
        shown = page_document(html, table)
        assert goal_table_problems(shown, 5, truth[kommun, ()]) == [], kommun
        # the page hides what the JSON hides, and shows what it shows
        for page_goal, goal in zip(shown["goals"], table["goals"], strict=True):
            assert bool(page_goal.get("suppressed")) == bool(goal.get("suppressed")), (kommun, goal["key"])
            for dim, groups in goal["by"].items():
                for group, cell in groups.items():
                    assert page_goal["by"][dim][group].get("suppressed") == cell.get("suppressed"), \
                        (kommun, goal["key"], dim, group)
        assert 'data-insats="jobbinriktade"' in html
        assert insatser_problems(html, 5) == [], kommun


def test_mariestads_three_annan_hide_a_second_kon_cell_and_its_row(runner, tmp_path):
    """The red team's case: Deltagare 40, Kvinna 19, Man 18, Annan – gave 40 − 19 − 18 = 3."""
    load_tempting_project(runner, tmp_path)
    table = _json(runner, "goals", "--json", "--organisation", "Mariestad")
    goals = {g["key"]: g for g in table["goals"]}
    kon = goals["participants"]["by"]["kon"]
    assert table["participants"]["n"] == 40 and kon["annan"] == {"suppressed": True}
    hidden = [code for code in ("kvinna", "man") if kon[code].get("suppressed")]
    assert len(hidden) == 1
    # the women's (or men's) own row shows the same figure: hidden with it, and the balance's
    # total, which shows both
    row = "participants.women" if hidden == ["kvinna"] else "participants.men"
    assert goals[row]["suppressed"] and "value" not in goals[row] and "k" not in goals[row]
    assert goals["participants.balance"].get("suppressed")
    # and in the row's own breakdown (Mariestad alone: the same figure again)
    assert goals[row]["by"]["organisation"]["Mariestad"] == {"suppressed": True}
    # a questionnaire's goal by kön: the annan answers hidden with a second cell
    work = goals["avslut.0"]["by"]["kon"]
    assert sum(1 for c in work.values() if c.get("suppressed")) >= 2
    # the project workbook and the Word document take the same hidden figures
    out = tmp_path / "projekt.xlsx"
    assert runner.invoke(args=["goals", "--xlsx", str(out), "--organisation", "Mariestad"]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Måluppfyllelse"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=7, values_only=True) if r[0]}
    other = "participants.men" if row == "participants.women" else "participants.women"
    assert rows[goals[row]["label"]][3] == "–"
    assert rows[goals["participants.balance"]["label"]][3] == "–"
    assert rows[goals[other]["label"]][3] == goals[other]["value"]
    word = tmp_path / "maltabell.docx"
    assert runner.invoke(args=["goals", "--docx", str(word), "--organisation", "Mariestad"]).exit_code == 0
    # each row: the delmål (its label, then its source), the target, the result, …
    lines = {cells[0].split("\n")[0]: cells for cells in _docx_rows(docx.Document(str(word)))}
    assert lines[goals[row]["label"]][2].startswith("–")
    assert lines[goals["participants.balance"]["label"]][2].startswith("–")
    assert lines[goals[other]["label"]][2].startswith(str(goals[other]["value"]))


def test_skovdes_one_kon_not_given_hides_a_second_cell(runner, tmp_path):
    load_tempting_project(runner, tmp_path)
    table = _json(runner, "goals", "--json", "--organisation", "Skövde")
    kon = next(g for g in table["goals"] if g["key"] == "participants")["by"]["kon"]
    # 45 participants, no annan, one kön not given: kvinna + man would be 44
    assert table["participants"]["n"] == 45 and "annan" not in kon
    assert sum(1 for c in kon.values() if c.get("suppressed")) == 1
    hidden = next(code for code, c in kon.items() if c.get("suppressed"))
    key = "participants.women" if hidden == "kvinna" else "participants.men"
    row = next(g for g in table["goals"] if g["key"] == key)
    assert row["suppressed"]
