"""The project's goal table (``surveyapp goals --json``) on a test project worked out by hand
(tests/project_data.py), and the participant register it is built on."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, ParticipantCode
from tests import factories
from tests.project_data import load_project, register_rows


def _goals(runner, *args) -> dict:
    result = runner.invoke(args=["goals", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _goal(table: dict, key: str) -> dict:
    return next(g for g in table["goals"] if g["key"] == key)


def test_participants_against_their_targets(runner, tmp_path):
    load_project(runner, tmp_path)
    table = _goals(runner)
    # 14 registered of 500; 7 women, 7 men; per kommun against its own target
    assert table["participants"]["n"] == 14 and table["participants"]["target"] == 500
    assert table["participants"]["status"] == "ej_uppnatt"
    assert table["participants"]["by"]["kon"] == {"kvinna": 7, "man": 7}
    assert table["participants"]["by"]["organisation"] == {"Lidköping": 0, "Mariestad": 8, "Skövde": 6}
    participants = _goal(table, "participants")
    assert participants["by"]["organisation"]["Mariestad"] == {"value": 8, "k": 8, "n": 120, "target": 120,
                                                               "status": "ej_uppnatt"}
    women = _goal(table, "participants.women")
    assert (women["value"], women["target"]) == (7, 250)
    # Mariestad has 5 women, Skövde 2: a count below 5 is hidden, and Mariestad's with it
    # (7 women − 5 would give Skövde's 2)
    assert women["by"]["organisation"]["Mariestad"] == {"suppressed": True}
    assert women["by"]["organisation"]["Skövde"] == {"suppressed": True}
    # balance: 7 of 14 women = 50 % (within 40–60); per kommun it would show the hidden
    # women (Mariestad 5/8, Skövde 2/6), so it is hidden with them
    balance = _goal(table, "participants.balance")
    assert balance["target"] == [40, 60]
    assert (balance["k"], balance["n"], balance["value"], balance["status"]) == (7, 14, 50.0, "uppnatt")
    assert balance["by"]["organisation"]["Mariestad"] == {"suppressed": True}
    assert balance["by"]["organisation"]["Skövde"] == {"suppressed": True}


def test_exit_outcomes_per_kon_come_from_the_register(runner, tmp_path):
    load_project(runner, tmp_path)
    table = _goals(runner)
    work = _goal(table, "avslut.0")
    assert work["questionnaire"] == "avslut" and work["codes"] == [
        "arbete", "arbete_subventionerat", "studier", "arbetssokande"]
    # MA-01, MA-02, MA-06, SK-01, SK-05 of 12 = 41.7 % ≥ 35
    assert (work["k"], work["n"], work["value"], work["status"]) == (5, 12, 41.7, "uppnatt")
    # women MA-01..05, SK-01, SK-02: arbete, studier, arbete = 3 of 7; men 2 of 5 are hidden
    # with "annan" (0 of 0), which 12 − 7 − 5 would otherwise give away
    assert work["by"]["kon"]["kvinna"] == {"value": 42.9, "k": 3, "n": 7, "status": "uppnatt"}
    assert work["by"]["kon"]["man"] == {"suppressed": True}
    assert work["by"]["kon"]["annan"] == {"suppressed": True}
    # Skövde 2 of 6 = 33.3 %: within 5 points of 35
    assert work["by"]["organisation"]["Skövde"] == {"value": 33.3, "k": 2, "n": 6, "status": "nara"}
    training = _goal(table, "avslut.1")
    # MA-03, MA-04, SK-02 of 12 = 25 %: within 5 points of 30
    assert (training["k"], training["n"], training["value"], training["status"]) == (3, 12, 25.0, "nara")
    assert training["by"]["kon"]["kvinna"] == {"value": 42.9, "k": 3, "n": 7, "status": "uppnatt"}
    assert training["by"]["kon"]["man"] == {"suppressed": True}
    assert training["by"]["organisation"]["Mariestad"]["value"] == 33.3


def test_followup_goal_and_reach(runner, tmp_path):
    load_project(runner, tmp_path)
    table = _goals(runner)
    followup = _goal(table, "uppfoljning_6man.0")
    # okat, behallit, backat, okat, okat, backat: 4 of 6 = 66.7 %, within 5 points of 70
    assert (followup["k"], followup["n"], followup["value"], followup["status"]) == (4, 6, 66.7, "nara")
    # women 4 of 5, one man, no "annan": the hidden man and "annan" add up to one person,
    # so the women are hidden too
    assert followup["by"]["kon"]["kvinna"] == {"suppressed": True}
    assert followup["by"]["kon"]["man"] == {"suppressed": True}
    assert followup["by"]["organisation"]["Mariestad"] == {"suppressed": True}

    reach = table["reach"]["uppfoljning_6man"]
    # 9 consented at avslut, 6 followed up
    assert (reach["k"], reach["n"], reach["pct"]) == (6, 9, 66.7)
    # 6 consenting women beside 3 men: 9 − 6 would give the men, so both are hidden;
    # Skövde's 5 likewise beside Mariestad's 4
    assert reach["by"]["kon"]["kvinna"] == {"suppressed": True}
    assert reach["by"]["kon"]["man"] == {"suppressed": True}  # 3 consenting men
    assert reach["by"]["organisation"]["Skövde"] == {"suppressed": True}
    assert reach["by"]["organisation"]["Mariestad"] == {"suppressed": True}

    exit_reach = table["reach"]["avslutningsenkat"]
    # 10 answers of 12 participants who ended
    assert (exit_reach["k"], exit_reach["n"], exit_reach["pct"]) == (10, 12, 83.3)
    assert exit_reach["by"]["kon"]["kvinna"] == {"k": 5, "n": 7, "pct": 71.4}
    assert exit_reach["by"]["kon"]["man"] == {"k": 5, "n": 5, "pct": 100.0}
    assert exit_reach["by"]["organisation"]["Mariestad"] == {"k": 5, "n": 6, "pct": 83.3}

    bemotande = next(g for g in table["goals"] if g["question"] == "bemotande_samordnare")
    assert (bemotande["k"], bemotande["n"], bemotande["value"]) == (9, 10, 90.0)
    assert bemotande["status"] == "uppnatt"


def test_goal_table_of_one_organisation(runner, tmp_path):
    load_project(runner, tmp_path)
    table = _goals(runner, "--organisation", "Skövde")
    assert table["participants"]["n"] == 6
    assert table["participants"]["by"]["organisation"] == {"Skövde": 6}
    work = _goal(table, "avslut.0")
    assert (work["k"], work["n"]) == (2, 6)
    assert table["reach"]["uppfoljning_6man"]["n"] == 5


def test_report_of_a_form_about_a_participant_breaks_down_by_register_groups(runner, tmp_path):
    load_project(runner, tmp_path)
    result = runner.invoke(args=["report", "avslut", "--json", "--by", "kon", "--by", "inskrivning_kvartal",
                                 "--by", "tid_i_projekt"])
    assert result.exit_code == 0, result.output
    utfall = json.loads(result.output)["questions"]["utfall"]
    assert utfall["by"]["kon"]["kvinna"]["distribution"]["arbetstraning"] == 3
    # 5 men beside 0 "annan": hidden with it
    assert utfall["by"]["kon"]["man"] == {"suppressed": True}
    # MA-01..04 enrolled in 2025-K1 with SK-01..06; MA-05, MA-06 in 2025-K2 (a small cell,
    # which 12 − 10 would give: K1 is hidden with it)
    assert utfall["by"]["inskrivning_kvartal"]["2025-K1"] == {"suppressed": True}
    assert utfall["by"]["inskrivning_kvartal"]["2025-K2"] == {"suppressed": True}
    # Mariestad's first four: 229 days; the others 144 (MA-05, 06) and 242 (Skövde): 10 in
    # 6-12 and 2 in 3-6, hidden together
    assert utfall["by"]["tid_i_projekt"]["6-12"] == {"suppressed": True}
    assert utfall["by"]["tid_i_projekt"]["3-6"] == {"suppressed": True}


def test_enrolment_filter_leaves_out_late_and_short_enrolments(runner, tmp_path):
    load_project(runner, tmp_path)
    table = _goals(runner, "--enrolled-until", "2025-03-31")
    # MA-05..08 were enrolled in April
    assert table["participants"]["n"] == 10
    assert _goal(table, "avslut.0")["n"] == 10
    table = _goals(runner, "--min-days", "200")
    # MA-05, MA-06 ended after 144 days; MA-07, MA-08 have not ended and count until today
    assert _goal(table, "avslut.0")["n"] == 10
    assert table["participants"]["n"] == 12


def test_register_import_is_all_or_nothing_with_row_errors(runner, tmp_path):
    from tests import factories
    from tests.project_data import _write

    factories.organisation("Mariestad")
    rows = register_rows()[:3]
    rows[1] = {**rows[1], "kon": "kvinnor", "enrolled_on": "2025-13-01"}
    rows[2] = {**rows[2], "organisation": "Gotham", "ended_on": "2024-01-01"}
    path = _write(tmp_path / "bad.csv", rows)
    result = runner.invoke(args=["participants", "import", str(path)])
    assert result.exit_code == 1
    assert "row 3, enrolled_on: ”2025-13-01” är inte ett datum" in result.output
    assert "row 3, kon: ”kvinnor” finns inte bland svarsalternativen" in result.output
    assert "row 4, organisation: Organisationen ”Gotham” finns inte" in result.output
    assert "row 4, ended_on: Avslutet (2024-01-01) ligger före inskrivningen (2025-01-15)" in result.output
    assert db.session.scalars(select(ParticipantCode)).all() == []


def test_register_import_updates_a_code_already_registered(runner, tmp_path):
    from tests import factories
    from tests.project_data import _write

    factories.organisation("Mariestad")
    rows = register_rows()[:2]
    first = runner.invoke(args=["participants", "import", str(_write(tmp_path / "a.csv", rows))])
    assert first.exit_code == 0
    rows[0] = {**rows[0], "ended_on": "", "aldersgrupp": "45-65"}
    result = runner.invoke(args=["participants", "import", str(_write(tmp_path / "b.csv", rows))])
    assert result.exit_code == 0, result.output
    assert "0 code(s) added, 2 updated" in result.output
    code = db.session.scalar(select(ParticipantCode).filter_by(code="MA-01"))
    assert (code.aldersgrupp, code.exited_on, code.enrolled_on.isoformat()) == ("45-65", None, "2025-01-15")


def test_register_export_is_logged(runner, tmp_path):
    load_project(runner, tmp_path)
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["participants", "export", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "participant_code,organisation,enrolled_on,ended_on,kon,aldersgrupp,fodelseregion"
    assert lines[1] == "MA-01,Mariestad,2025-01-15,2025-09-01,kvinna,25-29,sverige"
    assert len(lines) == 15
    event = db.session.scalars(select(AuditEvent).filter_by(action="export.register")).one()
    assert "14 code(s)" in event.detail


def test_retention_deletes_register_entries_with_their_answers(runner, tmp_path):
    load_project(runner, tmp_path)
    # every answer of the test project is older than 200 days; MA-07 and MA-08 have not ended
    result = runner.invoke(args=["purge", "--older-than", "200", "--yes"])
    assert result.exit_code == 0, result.output
    assert "deleted: 12 participant register entries" in result.output
    left = set(db.session.scalars(select(ParticipantCode.code)))
    assert left == {"MA-07", "MA-08"}


def test_report_leaves_out_late_enrolments(runner, tmp_path):
    load_project(runner, tmp_path)
    result = runner.invoke(args=["report", "avslut", "--json", "--enrolled-until", "2025-03-31"])
    assert result.exit_code == 0, result.output
    # MA-05 and MA-06 (enrolled in April) are left out of the 12 avslut
    assert json.loads(result.output)["questions"]["utfall"]["n"] == 10


def test_a_broken_project_file_is_named_with_key_and_problem(runner, tmp_path):
    import shutil
    from pathlib import Path

    folder = tmp_path / "questionnaires"
    shutil.copytree(Path(__file__).resolve().parent.parent / "questionnaires", folder)
    (folder / "_project.yaml").write_text(
        "participants:\n  total: many\n  balance: [60, 40]\nquestionnaires: [avslut, nothing]\n",
        encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(folder)])
    assert result.exit_code == 1
    assert "_project.yaml: participants/total: 'many' is not of type 'integer'" in result.output
    (folder / "_project.yaml").write_text(
        "participants:\n  total: 10\n  balance: [60, 40]\nquestionnaires: [avslut, nothing]\n",
        encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(folder)])
    assert "_project.yaml: participants/balance: 60 is above 40" in result.output
    assert "_project.yaml: questionnaires: no questionnaire 'nothing'" in result.output
    shipped = runner.invoke(args=["questionnaires", "check"])
    assert shipped.exit_code == 0
    assert "ok: _project.yaml (500 participants, 6 projektmål, 16 delmål)" in shipped.output


def test_insatser_share_per_kommun_and_outcome_with_chi_square(runner, tmp_path):
    from tests.project_data import _write

    load_project(runner, tmp_path)
    rows = [{"participant_code": c, "insats": "jobbinriktade", "started_on": "2025-05-01", "ended_on": ""}
            for c in ("MA-01", "MA-02", "MA-06", "SK-01", "SK-05")]
    rows.append({"participant_code": "MA-03", "insats": "halsa", "started_on": "2025-05-01",
                 "ended_on": "2025-06-01"})
    result = runner.invoke(args=["participants", "import-insatser", str(_write(tmp_path / "ins.csv", rows))])
    assert result.exit_code == 0, result.output
    assert "6 added" in result.output
    table = json.loads(runner.invoke(args=["insatser"]).output)
    job = table["jobbinriktade"]
    # 5 of 14 participants; Mariestad 3 of 8, Skövde 2 of 6 (a small cell)
    assert (job["k"], job["n"], job["pct"]) == (5, 14, 35.7)
    assert job["by"]["organisation"]["Mariestad"] == {"k": 3, "n": 8, "pct": 37.5}
    # with: MA-01 arbete, MA-02 studier, MA-06 and SK-05 arbetssökande, SK-01 arbete = 5 of 5;
    # without: the other 7 avslut, none = 0 of 7. Chi-square 12·(5·7 − 0·0)² / (5·7·5·7) = 12.0,
    # p = 0.00053; expected counts 5·5/12 = 2.1 are under 5: a caution
    outcome = job["outcome"]
    assert outcome["with"] == {"k": 5, "n": 5, "pct": 100.0}
    assert outcome["without"] == {"k": 0, "n": 7, "pct": 0.0}
    assert outcome["chi2"] == pytest.approx(12.0)
    assert outcome["p"] == pytest.approx(0.000532, abs=1e-6)
    assert outcome["caution"] is True
    # one participant with halsa: too few to compare
    assert table["halsa"]["outcome"] == {"suppressed": True}
    # an unknown kommun is named, as by report and goals, a control character shown escaped
    for command in (["insatser"], ["goals", "--json"]):
        result = runner.invoke(args=[*command, "--organisation", "Mariestad", "--organisation", "Hjo\x01"])
        assert result.exit_code == 1
        assert "Unknown organisation 'Hjo\\x01'; known: " in result.stderr and "Mariestad" in result.stderr

    bad = [{"participant_code": "XX-99", "insats": "yoga", "started_on": "2025-05-01", "ended_on": ""}]
    result = runner.invoke(args=["participants", "import-insatser", str(_write(tmp_path / "bad.csv", bad))])
    assert result.exit_code == 1
    assert "row 2, participant_code: Deltagarkoden ”XX-99” finns inte i registret" in result.output
    assert "row 2, insats: Insatsen ”yoga” finns inte" in result.output


def test_imported_avslut_gives_the_register_its_consent_to_follow_up(runner, tmp_path):
    load_project(runner, tmp_path)
    codes = {c.code: c for c in db.session.scalars(select(ParticipantCode))}
    assert codes["MA-01"].followup_consent is True and codes["MA-05"].followup_consent is False
    assert codes["MA-07"].followup_consent is None and codes["MA-07"].exited_on is None
    assert codes["SK-01"].exited_on.isoformat() == "2025-10-01"


def test_register_export_neutralises_formula_text(runner, tmp_path):
    factories.organisation("=HYPERLINK(\"x\")")
    db.session.add(ParticipantCode(code="AB-01", organisation=factories.organisation("=HYPERLINK(\"x\")")))
    db.session.commit()
    out = tmp_path / "export.csv"
    assert runner.invoke(args=["participants", "export", str(out)]).exit_code == 0
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8")


def _pcts(node):
    """Every pct and share value in a JSON document, with its path."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pct" and value is not None:
                yield value
            yield from _pcts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _pcts(value)


def test_reach_never_passes_100_and_answers_without_a_code_are_counted_beside_it(runner, tmp_path):
    from tests.project_data import _write

    load_project(runner, tmp_path)
    # 60 anonymous answers, 58 of them kön "annan": before, they made "annan" 967 %
    anonymous = _write(tmp_path / "anonymous.csv", [
        {"submitted_at": "2025-10-02", "language": "sv", "organisation": "Mariestad", "participant_code": "",
         "kon": "annan" if i < 58 else "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige",
         "bemotande_samordnare": "bra", "bemotande_handlaggare": "bra", "diskriminering": "",
         "tro_formaga": "4", "mar_battre": "4"} for i in range(60)] + [
        # a code that is registered but has not ended, and one nobody registered
        {"submitted_at": "2025-10-02", "language": "sv", "organisation": "Mariestad",
         "participant_code": code, "kon": "man", "aldersgrupp": "25-29", "fodelseregion": "sverige",
         "bemotande_samordnare": "bra",
         "bemotande_handlaggare": "bra", "diskriminering": "", "tro_formaga": "4", "mar_battre": "4"}
        for code in ("MA-07", "XX-99")])
    result = runner.invoke(args=["import", "avslutningsenkat", str(anonymous), "--round", "Anonyma"])
    assert result.exit_code == 0, result.output
    table = _goals(runner, "--by", "kon", "--by", "aldersgrupp", "--by", "organisation")
    reach = table["reach"]["avslutningsenkat"]
    # 10 of the 12 ended participants answered with their code; the rest is counted beside
    assert (reach["k"], reach["n"], reach["without_code"], reach["unmatched"]) == (10, 12, 60, 2)
    assert "annan" not in reach["by"]["kon"]
    assert all(0 <= pct <= 100 for pct in _pcts(table["reach"]))
    for groups in reach["by"].values():
        for cell in groups.values():
            assert cell.get("suppressed") or cell["k"] <= cell["n"]


def test_a_kommun_is_judged_by_its_own_targets(runner, tmp_path):
    load_project(runner, tmp_path)
    table = _goals(runner, "--organisation", "Mariestad")
    # 8 registered in Mariestad against Mariestad's 120, not the project's 500
    assert (table["participants"]["n"], table["participants"]["target"], table["participants"]["target_of"]) \
        == (8, 120, ["Mariestad"])
    women = _goal(table, "participants.women")
    assert (women["target"], women["target_of"]) == (60, ["Mariestad"])  # 120 × 250/500
    everyone = _goals(runner)
    assert everyone["participants"]["target"] == 500 and everyone["participants"]["target_of"] is None


def test_per_kommun_targets_of_an_outcome_goal_judge_each_kommun(runner, tmp_path, app):
    import shutil

    folder = tmp_path / "questionnaires"
    shutil.copytree(app.config["QUESTIONNAIRE_DIR"], folder)
    project = (folder / "_project.yaml").read_text(encoding="utf-8")
    project = project.replace(
        "      - goal: avslut.utfall\n        codes: [arbetstraning]\n",
        "      - goal: avslut.utfall\n        codes: [arbetstraning]\n"
        "        targets:\n          organisation: {Mariestad: 25, Skövde: 40}\n")
    (folder / "_project.yaml").write_text(project, encoding="utf-8")
    app.config["QUESTIONNAIRE_DIR"] = str(folder)
    load_project(runner, tmp_path)
    goal = _goal(_goals(runner), "avslut.1")
    # arbetsträning: Mariestad 2 of 6 = 33 % ≥ 25; Skövde 1 of 6 = 17 % < 40 - 5
    assert goal["targets"] == {"organisation": {"Mariestad": 25.0, "Skövde": 40.0}}
    assert goal["by"]["organisation"]["Mariestad"]["status"] == "uppnatt"
    assert goal["by"]["organisation"]["Mariestad"]["target"] == 25.0
    assert goal["by"]["organisation"]["Skövde"]["status"] == "ej_uppnatt"
    own = _goal(_goals(runner, "--organisation", "Skövde"), "avslut.1")
    assert (own["target"], own["target_of"], own["status"]) == (40.0, ["Skövde"], "ej_uppnatt")


def test_the_table_as_it_stood_on_a_day(runner, tmp_path):
    load_project(runner, tmp_path)
    # 2025-03-01: the Mariestad enrolments of April and every avslut and answer lie after it
    early = _goals(runner, "--as-of", "2025-03-01")
    assert early["as_of"] == "2025-03-01"
    assert early["participants"]["n"] == 10  # MA-01..04 and SK-01..06
    assert early["reach"]["avslutningsenkat"]["n"] == 0
    assert _goal(early, "avslut.0")["n"] == 0
    late = _goals(runner, "--as-of", "2026-12-31")
    assert late["participants"]["n"] == 14 and _goal(late, "avslut.0")["n"] == 12
    bad = runner.invoke(args=["goals", "--json", "--as-of", "31/12/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_samverkan_rounds_mean_shift_is_a_delmal(runner, tmp_path):
    from tests.project_data import _write

    load_project(runner, tmp_path)
    for name, day, scores in (("Mättillfälle 1", "2025-03-01", [2, 3, 2, 3, 2, 3, 2, 3]),
                              ("Mättillfälle 2", "2025-10-01", [4, 4, 5, 4, 4, 5, 4, 4])):
        rows = [{"submitted_at": day, "language": "sv", "organisation": "Mariestad" if i % 2 else "Skövde",
                 "role": "samordnare" if i < 2 else "kommunchef",
                 "samverkan_forsorjningsstod_vard": "3", "samverkan_ame_vard": str(score),
                 "samverkan_ame_fk": "3", "samverkan_ame_af": "3",
                 **({f"insatser_indikatorer.{row}": "3" for row in (
                     "hantering_vardag", "samarbetsformaga", "halsa", "hantering_halsa", "tro_pa_jobb",
                     "kunskap_arbetsmarknad", "sociala_kompetenser", "yrkeskompetenser", "jobbsokning",
                     "social_mentor")} if i < 2 else {}), "forbattra_samverkan": ""}
                for i, score in enumerate(scores)]
        columns = sorted({c for r in rows for c in r}, key=lambda c: (c not in ("submitted_at",), c))
        path = _write(tmp_path / f"samverkan-{day}.csv", [{c: r.get(c, "") for c in columns} for r in rows])
        result = runner.invoke(args=["import", "samverkan", str(path), "--round", name])
        assert result.exit_code == 0, result.output
    table = _goals(runner)
    goal = _goal(table, "shift.samverkan.samverkan_ame_vard")
    assert goal["measure"] == "shift" and goal["target"] == 0
    assert round(goal["value"], 3) == round(4.25 - 2.5, 3) and goal["status"] == "uppnatt"
    assert goal["ci95"][0] > 0
    section = next(s for s in table["projektmal"] if s["title"].startswith("Deltagande organisationer"))
    assert section["goals"] == ["manual.indikatorer_alla_kommuner", "shift.samverkan.samverkan_ame_vard"]


def test_a_goal_set_up_naming_what_does_not_exist_is_refused_by_check(runner, tmp_path, app):
    import shutil

    folder = tmp_path / "questionnaires"
    shutil.copytree(app.config["QUESTIONNAIRE_DIR"], folder)
    (folder / "_project.yaml").write_text("""\
participants:
  total: 10
  organisations: {Mariestad: 5}
projektmal:
  - title: Ett mål
    delmal:
      - goal: nothing.question
      - goal: avslut.nothing
      - goal: avslut.utfall
      - shift: samverkan.nothing
        target: 0
      - shift: progressionskort.tror_klarar_arbete
        target: 0
""", encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(folder)])
    assert result.exit_code == 1
    out = result.output
    assert "projektmal/0/delmal/0: goal: no questionnaire 'nothing'" in out
    assert "projektmal/0/delmal/1: goal: avslut has no goal on 'nothing'" in out
    assert "projektmal/0/delmal/2: goal: avslut has 2 goals on 'utfall'; name the codes" in out
    assert "projektmal/0/delmal/3: shift: samverkan has no question 'nothing'" in out
    assert "projektmal/0/delmal/4: shift: progressionskort is paired" in out
    (folder / "_project.yaml").write_text(
        "participants: {total: 10}\nprojektmal:\n  - title: Ett mål\n    delmal:\n"
        "      - goal: avslutningsenkat.mar_battre\n        targets: {alder: {x: 1}}\n", encoding="utf-8")
    out = runner.invoke(args=["questionnaires", "check", str(folder)]).output
    assert "delmal/0/targets: Additional properties are not allowed ('alder' was unexpected)" in out
    (folder / "_project.yaml").write_text("""\
participants:
  total: 10
  organisations: {Mariestad: 5}
projektmal:
  - title: Ett mål
    delmal:
      - goal: avslutningsenkat.mar_battre
        targets: {organisation: {Göteborg: 50}}
      - manual: Utan nyckel
      - participants: total
        goal: avslut.utfall
      - reach: avslut
""", encoding="utf-8")
    out = runner.invoke(args=["questionnaires", "check", str(folder)]).output
    assert "delmal/0: targets/organisation: 'Göteborg' is not one of the project's kommuner" in out
    assert "projektmal/0/delmal/1: a manual delmål needs a key" in out
    assert "projektmal/0/delmal/2: a delmål is exactly one of" in out
    assert "projektmal/0/delmal/3: reach: is avslutningsenkat or uppfoljning_6man" in out


def test_insatser_per_kon_in_json_page_and_workbook(runner, client, tmp_path):
    import openpyxl

    from tests.project_data import _write

    load_project(runner, tmp_path)
    rows = [{"participant_code": c, "insats": "jobbinriktade", "started_on": "2025-05-01", "ended_on": ""}
            for c in ("MA-01", "MA-02", "MA-06", "SK-01", "SK-05")]
    result = runner.invoke(args=["participants", "import-insatser", str(_write(tmp_path / "ins.csv", rows))])
    assert result.exit_code == 0, result.output
    job = json.loads(runner.invoke(args=["insatser"]).output)["jobbinriktade"]
    # women MA-01..05, SK-01, SK-02: MA-01, MA-02, SK-01 took part; men: MA-06, SK-05
    assert job["by"]["kon"] == {"kvinna": {"k": 3, "n": 7, "pct": 42.9},
                                "man": {"k": 2, "n": 7, "pct": 28.6}}
    # Mariestad alone: 5 women, 3 men (a small cell), so the women are hidden too: 8 − 5 = 3
    mariestad = json.loads(runner.invoke(args=["insatser", "--organisation", "Mariestad"]).output)
    assert mariestad["jobbinriktade"]["by"]["kon"] == {"kvinna": {"suppressed": True},
                                                       "man": {"suppressed": True}}

    out = tmp_path / "projekt.xlsx"
    result = runner.invoke(args=["goals", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Insatser"]
    lines = {(r[0], r[1]): r[2:5] for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] and r[1]}
    assert lines[("Jobbinriktade insatser", "Totalt")] == (5, 14, 0.357)
    assert lines[("Jobbinriktade insatser", "Kön: Kvinna")] == (3, 7, 0.429)
    assert lines[("Jobbinriktade insatser", "Kön: Man")] == (2, 7, 0.286)
    assert lines[("Jobbinriktade insatser", "Kommun: Mariestad")] == (3, 8, 0.375)

    factories.login(client, factories.user("pl@example.se", "projektledning"))
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    row = html[html.index('<tr data-insats="jobbinriktade">'):]
    row = row[:row.index("</tr>")].replace("\xa0", " ")
    assert '<td class="num" data-group="kon:kvinna">43 % (3 av 7)</td>' in row
    assert '<td class="num" data-group="kon:man">29 % (2 av 7)</td>' in row
    assert '<td class="num" data-group="organisation:Mariestad">38 % (3 av 8)</td>' in row
    assert ">Kvinna</th>" in html and ">Man</th>" in html
    # a samordnare in Mariestad: per kön within the own kommun only, the 3 men hidden and
    # with them the women (8 in all − 5 women would give the men away)
    factories.login(client, factories.user("sm@example.se", "samordnare", organisations=["Mariestad"]))
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    row = html[html.index('<tr data-insats="jobbinriktade">'):]
    row = row[:row.index("</tr>")].replace("\xa0", " ")
    assert '<td class="num" data-group="kon:kvinna">–</td>' in row
    assert '<td class="num" data-group="kon:man">–</td>' in row
    assert "Skövde" not in row
