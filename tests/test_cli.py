"""The set-up commands: init, organisations, questionnaires check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Organisation, QuestionnaireVersion, Round, SurveyLink

SHIPPED = Path(__file__).resolve().parent.parent / "questionnaires"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_init_demo_adds_organisations_rounds_and_prints_links(runner):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    assert "Mariestad" in result.output
    links = [line.split()[-1] for line in result.output.splitlines() if "/s/" in line]
    assert len(links) == 3
    assert all(url.startswith("http://surveyapp.test/s/") for url in links)
    # forms about a participant are filled in on the participant's page, not through a link
    assert "avslut             (no link: filled in on a participant's page" in result.output
    names = set(db.session.scalars(select(Organisation.name)))
    assert {"Mariestad", "Skövde", "Lidköping", "Västra Götalandsregionen"} <= names
    region = db.session.scalar(select(Organisation).filter_by(name="Västra Götalandsregionen"))
    assert region.kind == "region"
    # and the demo project's second samverkan round, and the second project's two rounds
    assert _count(Round) == 9 and _count(SurveyLink) == 3


def test_init_is_idempotent(runner):
    first = runner.invoke(args=["init", "--demo"])
    counts = (_count(Organisation), _count(Round), _count(SurveyLink), _count(QuestionnaireVersion))
    second = runner.invoke(args=["init", "--demo"])
    assert first.exit_code == second.exit_code == 0
    assert (_count(Organisation), _count(Round), _count(SurveyLink), _count(QuestionnaireVersion)) == counts
    assert sorted(first.output.splitlines()) == sorted(second.output.splitlines())


def test_organisations_add_is_idempotent_and_takes_a_kind(runner):
    result = runner.invoke(args=["organisations", "add", "Töreboda", "Gullspång", "--kind", "kommun"])
    assert result.exit_code == 0
    assert "added: Töreboda (kommun)" in result.output
    again = runner.invoke(args=["organisations", "add", "töreboda"])
    assert "exists: Töreboda (kommun)" in again.output
    assert _count(Organisation) == 2
    bad = runner.invoke(args=["organisations", "add", "X", "--kind", "stad"])
    assert bad.exit_code == 2
    too_long = runner.invoke(args=["organisations", "add", "X" * 201])
    assert too_long.exit_code == 2 and "at most 200 characters" in too_long.output
    assert _count(Organisation) == 2


def test_questionnaires_check_passes_on_the_shipped_files(runner):
    result = runner.invoke(args=["questionnaires", "check"])
    assert result.exit_code == 0
    assert "ok: avslutningsenkat" in result.output


def test_questionnaires_check_exits_1_naming_the_problem(runner, tmp_path):
    shutil.copy(SHIPPED / "_background.yaml", tmp_path)
    text = (SHIPPED / "avslut.yaml").read_text(encoding="utf-8").replace("type: single", "type: dropdown", 1)
    (tmp_path / "avslut.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "avslut.yaml: utfall.type: 'dropdown' is not one of" in result.output


def test_questionnaires_check_reports_a_missing_picture(runner, tmp_path):
    folder = tmp_path / "questionnaires"
    shutil.copytree(SHIPPED, folder)
    (folder / "pictures" / "ansikte-glatt.svg").unlink()
    result = runner.invoke(args=["questionnaires", "check", str(folder)])
    assert result.exit_code == 1
    assert "picture 'ansikte-glatt.svg': no such file in pictures/" in result.output


def test_a_changed_file_becomes_a_new_version_and_old_answers_keep_theirs(app, runner, tmp_path):
    from surveyapp.services.questionnaires import current_version, sync_questionnaires

    before = current_version("avslut")
    tmp_path = tmp_path / "questionnaires"
    shutil.copytree(SHIPPED, tmp_path)
    edited = (tmp_path / "avslut.yaml").read_text(encoding="utf-8").replace(
        "Vad gör deltagaren efter avslut?", "Vad gör deltagaren nu?")
    (tmp_path / "avslut.yaml").write_text(edited, encoding="utf-8")
    sync_questionnaires(tmp_path)
    db.session.commit()
    after = current_version("avslut")
    assert after.id != before.id
    assert after.questionnaire().question("utfall").text == "Vad gör deltagaren nu?"
    assert db.session.get(QuestionnaireVersion, before.id).questionnaire().question("utfall").text == (
        "Vad gör deltagaren efter avslut?"
    )
    assert current_version("avslutningsenkat").is_current


#: the demo's first project (the demo has two, so a data command names one)
CRESCO = ("--project", "Cresco+")


def test_init_demo_fills_every_report_and_the_goal_table(runner):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    assert "Projects: Cresco+ (set-up version 1), Samverkan utan gränser (set-up version 1)" in result.output
    assert "Demo project: 450 participants in the register (300 ended)" in result.output
    assert "Answers stored: avslutningsenkat 270" in result.output
    for questionnaire in ("avslutningsenkat", "progressionskort", "personalskattning", "avslut",
                          "uppfoljning_6man", "samverkan"):
        report = json.loads(runner.invoke(args=["report", questionnaire, "--json", *CRESCO]).stdout)
        empty = [key for key, q in report["questions"].items() if not q["n"]]
        assert not empty, (questionnaire, empty)
    samverkan = json.loads(runner.invoke(args=["report", "samverkan", "--json", *CRESCO]).stdout)
    shift = samverkan["questions"]["samverkan_ame_vard"]["shift"]
    # two rounds: at the project's start and at its mid-term, a little better at the second
    assert (shift["from"], shift["to"]) == ("Mättillfälle 1", "Mättillfälle 2")
    assert shift["delta"] > 0
    table = json.loads(runner.invoke(
        args=["goals", "--json", "--by", "kon", "--by", "organisation", *CRESCO]).stdout)
    assert table["participants"]["n"] == 450
    assert table["participants"]["by"]["organisation"] == {"Lidköping": 162, "Mariestad": 108, "Skövde": 180}
    # the exit answers given with a participant's code, of the 300 who ended: never over 100 %
    reach = table["reach"]["avslutningsenkat"]
    assert 200 < reach["k"] <= reach["n"] == 300 and reach["without_code"] > 0
    assert all(cell.get("suppressed") or cell["pct"] <= 100
               for r in table["reach"].values() for groups in r["by"].values() for cell in groups.values())
    assert table["reach"]["uppfoljning_6man"]["k"] > 0
    computed = [goal for goal in table["goals"] if not goal["manual"]]
    assert all(goal["n"] and goal["value"] is not None for goal in computed), computed
    mariestad = json.loads(runner.invoke(
        args=["goals", "--json", "--organisation", "Mariestad", *CRESCO]).stdout)
    assert (mariestad["participants"]["n"], mariestad["participants"]["target"]) == (108, 120)
    # every progressionskort code is in the register: the paired goals split by kön
    paired = next(g for g in table["goals"] if g["measure"] == "moved_up")
    assert {"kvinna", "man"} <= set(paired["by"]["kon"])
    insatser = runner.invoke(args=["insatser", *CRESCO])
    assert insatser.exit_code == 0 and "jobbinriktade" in insatser.output
    # the second project: two of the same kommuner, its own register and goals
    second = json.loads(runner.invoke(args=["goals", "--json", "--project", "Samverkan utan gränser"]).stdout)
    assert second["participants"]["n"] == 64 and second["participants"]["target"] == 80
    assert set(second["participants"]["by"]["organisation"]) == {"Mariestad", "Skövde"}
    assert all(goal["n"] for goal in second["goals"] if not goal["manual"])


def test_init_demo_twice_stores_nothing_twice(runner):
    from surveyapp.models import Answer, ParticipantCode, ParticipantInsats, Response

    assert runner.invoke(args=["init", "--demo"]).exit_code == 0
    models = (Response, Answer, ParticipantCode, ParticipantInsats, Round)
    counts = [_count(model) for model in models]
    again = runner.invoke(args=["init", "--demo"])
    assert again.exit_code == 0, again.output
    assert [_count(model) for model in models] == counts


def test_init_demo_on_a_database_holding_a_demo_code_elsewhere_says_so_and_keeps_the_rest(runner, tmp_path):
    from surveyapp.demo import demo_files
    from surveyapp.models import Account, ParticipantCode, Response

    code = demo_files()[0].rows[0]["participant_code"]  # a Mariestad participant in the demo
    assert runner.invoke(args=["organisations", "add", "Skövde"]).exit_code == 0
    register = tmp_path / "deltagare.csv"
    register.write_text("participant_code,organisation,enrolled_on,kon,aldersgrupp,fodelseregion\n"
                        f"{code},Skövde,2025-02-03,man,30-44,sverige\n", encoding="utf-8")
    assert runner.invoke(args=["participants", "import", str(register)]).exit_code == 0
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 1
    assert "the demo project was not loaded" in result.output
    assert f"Deltagarkoden ”{code}” hör till Skövde." in result.output
    assert "Traceback" not in result.output
    # the organisations, rounds and logins are there; of the demo project nothing is
    assert _count(Account) == 4 and _count(Round) == 6
    assert _count(ParticipantCode) == 1 and _count(Response) == 0


def test_demo_files_are_what_init_demo_loads(runner, tmp_path):
    assert runner.invoke(args=["init", "--demo"]).exit_code == 0
    written = runner.invoke(args=["demo-files", str(tmp_path / "exempel")])
    assert written.exit_code == 0, written.output
    assert "deltagare.csv (450 rows)" in written.output
    folder = tmp_path / "exempel"
    result = runner.invoke(args=["participants", "import", str(folder / "deltagare.csv"), *CRESCO])
    assert result.exit_code == 0 and "0 code(s) added, 450 updated" in result.output
    for questionnaire, name, round_name in (
        ("avslutningsenkat", "avslutningsenkat.csv", "Mättillfälle 1"),
        ("samverkan", "samverkan-oktober.csv", "Mättillfälle 2"),
        ("progressionskort", "progressionskort.csv", "Mättillfälle 1"),
    ):
        result = runner.invoke(args=["import", questionnaire, str(folder / name), "--round", round_name,
                                     *CRESCO])
        assert result.exit_code == 0, result.output
        assert " 0 response(s) stored" in result.output
    result = runner.invoke(args=["participants", "import-insatser", str(folder / "insatser.csv"), *CRESCO])
    assert result.exit_code == 0 and "Insatser: 0 added" in result.output


def test_staff_rating_is_paired_and_shown_beside_the_participants_own(runner):
    assert runner.invoke(args=["init", "--demo"]).exit_code == 0
    result = runner.invoke(args=["report", "personalskattning", "--json", "--by", "kon", *CRESCO])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    belief = report["questions"]["tro_pa_formaga"]
    assert belief["paired"]["n_pairs"] > 300 and belief["paired"]["delta"] > 0
    # the staff rating asks no background: its groups come from the register; all shown add
    # up to everyone, else at least two are hidden (no hidden group follows by subtraction)
    groups = belief["by"]["kon"]
    hidden = [g for g, cell in groups.items() if cell.get("suppressed")]
    if hidden:
        assert len(hidden) >= 2
    else:
        assert sum(cell["n"] for cell in groups.values()) == belief["n"]
    beside = report["beside_own"]["tro_pa_formaga"]
    # every staff rating was made on the day of the participant's own
    assert beside["own_item"] == "tror_klarar_arbete" and beside["n_pairs"] == belief["n"]
    assert beside["delta"] > 0
    assert report["goals"][0]["status"] in ("uppnatt", "osaker", "ej_uppnatt")


def test_demo_files_never_share_a_response_id(runner, tmp_path):
    """Every file imports beside every other: a response id names one response in the database."""
    import csv

    assert runner.invoke(args=["demo-files", str(tmp_path)]).exit_code == 0
    ids: list[str] = []
    for path in sorted(tmp_path.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream, delimiter=";"))
        ids += [row["response_id"] for row in rows if row.get("response_id")]
    assert ids and len(ids) == len(set(ids))
