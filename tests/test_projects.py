"""Projects as data: the upgrade of a one-project installation, set-up versions in and out as
project files, and every data command limited to the project it names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, ParticipantCode, Project, ProjectSetup, Round
from tests import factories
from tests.conftest import ROOT
from tests.project_data import _write, load_project

B = "Samverkan utan gränser"
SECOND = """\
name: Samverkan utan gränser
period: {start: 2026-01-01, end: 2027-12-31}
participants:
  total: 40
  organisations: {Mariestad: 20, Skövde: 20}
questionnaires: [avslut]
projektmal:
  - title: 40 deltagare
    delmal:
      - participants: total
      - goal: avslut.utfall
        codes: [arbetstraning]
"""


def _goals(runner, *args) -> dict:
    result = runner.invoke(args=["goals", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _report(runner, *args) -> dict:
    result = runner.invoke(args=["report", "avslut", "--json", "--by", "organisation", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _second_project(runner, tmp_path: Path) -> None:
    """A second project over Mariestad and Skövde with three participants of its own and their avslut."""
    path = tmp_path / "second.yaml"
    path.write_text(SECOND, encoding="utf-8")
    result = runner.invoke(args=["projects", "import", str(path)])
    assert result.exit_code == 0, result.output
    register = _write(tmp_path / "register-b.csv", [
        {"participant_code": code, "organisation": org, "enrolled_on": "2026-01-10", "ended_on": "2026-03-01",
         "kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige"}
        for code, org in (("MB-01", "Mariestad"), ("MB-02", "Mariestad"), ("SB-01", "Skövde"))])
    result = runner.invoke(args=["participants", "import", str(register), "--project", B])
    assert result.exit_code == 0, result.output
    avslut = _write(tmp_path / "avslut-b.csv", [
        {"submitted_at": "2026-03-01", "language": "sv", "organisation": org, "participant_code": code,
         "utfall": "arbetstraning", "samtycke_uppfoljning": "ja"}
        for code, org in (("MB-01", "Mariestad"), ("MB-02", "Mariestad"), ("SB-01", "Skövde"))])
    result = runner.invoke(args=["import", "avslut", str(avslut), "--round", "Test",
                                 "--project", "Samverkan utan gränser"])
    assert result.exit_code == 0, result.output


def _without_project_keys(table: dict) -> dict:
    return {k: v for k, v in table.items() if k not in ("project", "setup_version")}


def test_an_upgraded_installation_keeps_every_figure(app, runner, tmp_path, backend):
    """Data stored under revision 0012 (one project, set up in the file) upgraded to projects:
    the goal table and a report are the same, read from the project's first set-up version."""
    if backend != "sqlite":
        pytest.skip("downgrading the schema needs a database of the test's own")
    from flask_migrate import downgrade, upgrade

    load_project(runner, tmp_path)
    db.session.commit()
    before_goals, before_report = _goals(runner), _report(runner)
    assert before_goals["setup_version"] is None  # read from the project file
    migrations = str(ROOT / "migrations")
    db.session.remove()
    downgrade(directory=migrations, revision="0012")
    with db.engine.connect() as connection:  # the data as the previous version kept it
        columns = [row[1] for row in connection.exec_driver_sql("PRAGMA table_info(rounds)")]
        assert "project_id" not in columns
        assert connection.exec_driver_sql("SELECT count(*) FROM participant_codes").scalar() == 14
    upgrade(directory=migrations)
    db.session.remove()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Projects: Cresco+ (set-up version 1)" in result.output
    project = db.session.scalar(select(Project))
    assert project.name == "Cresco+"  # the file's title names it
    rounds = select(func.count()).select_from(Round).where(Round.project_id == project.id)
    assert db.session.scalar(rounds) == 3
    after_goals, after_report = _goals(runner), _report(runner)
    assert after_goals["setup_version"] == 1 and after_goals["project"] == "Cresco+"
    assert _without_project_keys(after_goals) == _without_project_keys(before_goals)
    assert after_report == before_report
    # init again: the set-up is not read twice
    assert runner.invoke(args=["init"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ProjectSetup)) == 1


def test_an_upgraded_postgresql_installation_keeps_every_figure(tmp_path):
    """The same upgrade on PostgreSQL, in a database of the test's own (its commits are real)."""
    from flask_migrate import downgrade, upgrade

    from surveyapp import create_app
    from tests.conftest import BASE_CONFIG, private_postgres

    with private_postgres("surveyapp_upgrade") as url:
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "JOB_RUNNER": "inline"})
        runner = app.test_cli_runner()
        with app.app_context():
            load_project(runner, tmp_path)
            db.session.commit()
            before_goals, before_report = _goals(runner), _report(runner)
            migrations = str(ROOT / "migrations")
            db.session.remove()
            downgrade(directory=migrations, revision="0012")
            upgrade(directory=migrations)
            db.session.remove()
            result = runner.invoke(args=["init"])
            assert result.exit_code == 0, result.output
            after_goals, after_report = _goals(runner), _report(runner)
            assert after_goals["setup_version"] == 1 and after_goals["project"] == "Cresco+"
            assert _without_project_keys(after_goals) == _without_project_keys(before_goals)
            assert after_report == before_report
            db.session.remove()
            db.engine.dispose()


def test_import_export_and_list_projects(app, runner, tmp_path):
    path = tmp_path / "second.yaml"
    path.write_text(SECOND, encoding="utf-8")
    result = runner.invoke(args=["projects", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Samverkan utan gränser: new project, set-up version 1 saved." in result.output
    again = runner.invoke(args=["projects", "import", str(path)])
    assert "the set-up is unchanged (version 1)" in again.output
    path.write_text(SECOND.replace("total: 40", "total: 45"), encoding="utf-8")
    changed = runner.invoke(args=["projects", "import", str(path)])
    assert "set-up version 2 saved" in changed.output
    event = db.session.scalar(select(AuditEvent).filter_by(action="project.setup")
                              .order_by(AuditEvent.id.desc()))
    assert event.detail == "Samverkan utan gränser: version 2 (participants)"

    out = tmp_path / "out.yaml"
    result = runner.invoke(args=["projects", "export", "Samverkan utan gränser", str(out)])
    assert result.exit_code == 0, result.output
    import yaml

    exported = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert exported["name"] == "Samverkan utan gränser"
    assert exported["period"] == {"start": "2026-01-01", "end": "2027-12-31"}
    assert exported["participants"]["total"] == 45
    assert exported["projektmal"][0]["delmal"][1] == {"goal": "avslut.utfall", "codes": ["arbetstraning"]}

    listed = json.loads(runner.invoke(args=["projects", "list", "--json"]).output)
    assert [p["name"] for p in listed] == ["Projektet", "Samverkan utan gränser"]
    second = listed[1]
    assert second["period"] == {"start": "2026-01-01", "end": "2027-12-31"}
    assert (second["setup_version"], second["rounds"], second["participants"], second["responses"]) \
        == (2, 0, 0, 0)
    unknown = runner.invoke(args=["projects", "export", "Nope", str(out)])
    assert unknown.exit_code == 1 and "Unknown project 'Nope'" in unknown.output


def test_a_set_up_file_with_problems_stores_nothing(app, runner, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(SECOND.replace("total: 40", "total: many").replace("2027-12-31", "2025-12-31")
                    .replace("codes: [arbetstraning]", "codes: [nothing]"), encoding="utf-8")
    result = runner.invoke(args=["projects", "import", str(path)])
    assert result.exit_code == 1
    assert "participants/total: 'many' is not of type 'integer'" in result.output
    assert db.session.scalar(select(func.count()).select_from(Project)) == 1
    path.write_text(SECOND.replace("2027-12-31", "2025-12-31"), encoding="utf-8")
    result = runner.invoke(args=["projects", "import", str(path)])
    assert result.exit_code == 1
    assert "period: the end 2025-12-31 lies before the start 2026-01-01" in result.output
    path.write_text(SECOND.replace("name: Samverkan utan gränser\n", ""), encoding="utf-8")
    result = runner.invoke(args=["projects", "import", str(path)])
    assert result.exit_code == 1 and "the file names no project" in result.output


def test_with_several_projects_a_data_command_must_name_one(app, runner, tmp_path):
    load_project(runner, tmp_path)
    _second_project(runner, tmp_path)
    for args in (["goals", "--json"], ["report", "avslut", "--json"], ["insatser"],
                 ["participants", "export", str(tmp_path / "r.csv")],
                 ["purge", "--older-than", "1", "--dry-run"],
                 ["import", "avslut", str(tmp_path / "avslut-b.csv"), "--round", "X"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1, args
        assert "Name the project with --project NAME; the projects are: Projektet, Samverkan utan gränser" \
            in result.output, args
    result = runner.invoke(args=["goals", "--json", "--project", "Nope"])
    assert "Unknown project 'Nope'; the projects are: Projektet, Samverkan utan gränser" in result.output


def test_each_project_has_its_own_goal_table_register_and_reports(app, runner, tmp_path):
    load_project(runner, tmp_path)
    _second_project(runner, tmp_path)
    first = _goals(runner, "--project", "Projektet")
    assert first["participants"]["n"] == 14 and first["setup_version"] is None
    second = _goals(runner, "--project", "Samverkan utan gränser")
    assert second["project"] == "Samverkan utan gränser" and second["setup_version"] == 1
    assert second["participants"]["n"] == 3 and second["participants"]["target"] == 40
    assert {g["key"] for g in second["goals"]} == {"participants", "avslut.0", "avslut.1"}
    assert second["participants"]["by"]["organisation"] == {"Mariestad": 2, "Skövde": 1}
    # the same round name in both projects, each with its own answers
    report_a = _report(runner, "--project", "Projektet")
    report_b = _report(runner, "--project", "Samverkan utan gränser")
    assert report_a["respondents"] == 12 and report_b["respondents"] == 3
    register = tmp_path / "b.csv"
    runner.invoke(args=["participants", "export", str(register), "--project", "Samverkan utan gränser"])
    assert sorted(line.split(",")[0] for line in register.read_text().splitlines()[1:]) == \
        ["MB-01", "MB-02", "SB-01"]
    # a code belongs to one project: the other cannot take it over
    clash = _write(tmp_path / "clash.csv", [
        {"participant_code": "MA-01", "organisation": "Mariestad", "enrolled_on": "2026-01-10",
         "ended_on": "", "kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige"}])
    result = runner.invoke(args=["participants", "import", str(clash), "--project", "Samverkan utan gränser"])
    assert result.exit_code == 1 and "hör till ett annat projekt" in result.output
    code = db.session.scalar(select(ParticipantCode).filter_by(code="MA-01"))
    assert db.session.get(Project, code.project_id).name == "Projektet" and code.enrolled_on.year == 2025
    # purging one project's round leaves the other's round of the same name
    result = runner.invoke(args=["purge", "--round", "Test", "--questionnaire", "avslut", "--yes",
                                 "--project", "Samverkan utan gränser"])
    assert result.exit_code == 0, result.output
    assert "deleted: 3 responses" in result.output
    assert _report(runner, "--project", "Projektet")["respondents"] == 12


def test_a_project_without_a_set_up_reads_the_project_file_and_then_its_version(app, runner, tmp_path):
    factories.organisation("Mariestad")
    assert _goals(runner)["setup_version"] is None
    path = tmp_path / "p.yaml"
    path.write_text(SECOND.replace("Samverkan utan gränser", "Projektet"), encoding="utf-8")
    assert runner.invoke(args=["projects", "import", str(path)]).exit_code == 0
    table = _goals(runner)
    assert table["setup_version"] == 1 and table["participants"]["target"] == 40


def test_the_overview_puts_the_projects_side_by_side_on_their_shared_goals(app, runner, tmp_path):
    from flask import url_for

    load_project(runner, tmp_path)
    _second_project(runner, tmp_path)
    admin = factories.user("admin@example.se", "admin")
    client = app.test_client()
    factories.login(client, admin)
    page = client.get(url_for("staff.overview"))
    assert page.status_code == 200
    text = page.text
    assert "<th>Projektet" in text and "<th>Samverkan utan gränser" in text
    # the participant target both have: 14 of 500 beside 3 of 40
    assert "av 500" in text and "av 40" in text
    # the kommuner both projects have are compared: participants registered against each target
    row = text[text.index("Skövde</th>"):]
    row = row[:row.index("</tr>")]
    assert row.startswith('Skövde</th><td>6<br><span class="muted">av 200</span>')
    assert '<td>1<br><span class="muted">av 20</span>' in row
    # shares of fewer than five are hidden: B's arbetsträning in Mariestad (2 of 2) shows as –
    assert "2 av 2" not in text and "<td>–</td>" in text
    # styrgrupp of one project sees that project alone
    board = factories.user("sg@example.se", "styrgrupp")
    board.projects = [db.session.scalar(select(Project).filter_by(name="Projektet"))]
    db.session.commit()
    single = app.test_client()
    factories.login(single, board)
    alone = single.get(url_for("staff.overview"))
    assert alone.status_code == 200 and B not in alone.text
    assert "Projekten har inga mål gemensamma" in alone.text


def test_an_archived_project_is_read_only_and_purged_whole_after_a_dry_run(app, runner, tmp_path):
    from flask import url_for

    from surveyapp.models import Answer, Response

    load_project(runner, tmp_path)
    _second_project(runner, tmp_path)
    ended = tmp_path / "ended.yaml"
    ended.write_text(SECOND.replace("2026-01-01, end: 2027-12-31", "2024-01-01, end: 2025-06-30"),
                     encoding="utf-8")
    assert runner.invoke(args=["projects", "import", str(ended)]).exit_code == 0
    result = runner.invoke(args=["projects", "archive", B])
    # (an import's round is closed already)
    assert result.exit_code == 0 and "archived (0 open round(s) closed)" in result.output
    # still reported, never changed
    assert _goals(runner, "--project", B)["participants"]["n"] == 3
    refused = runner.invoke(args=["import", "avslut", str(tmp_path / "avslut-b.csv"), "--round", "Ny",
                                  "--project", B])
    assert refused.exit_code == 1 and f"The project {B} is archived" in refused.output
    manager = factories.user("pl@example.se", "projektledning")
    manager.projects = [db.session.scalar(select(Project).filter_by(name=B))]
    db.session.commit()
    client = app.test_client()
    factories.login(client, manager)
    assert client.get(url_for("staff.goals")).status_code == 200
    page = client.post(url_for("staff.project_page"), data={"total": "10"})
    assert page.status_code == 409 and "Projektet är arkiverat och kan bara läsas." in page.text
    assert client.post(url_for("staff.round_new"), data={}).status_code == 409

    answers_before = db.session.scalar(select(func.count()).select_from(Answer))
    dry = runner.invoke(args=["projects", "purge", B, "--dry-run"])
    assert dry.exit_code == 0 and "3 responses in 1 rounds, 3 participants" in dry.output
    assert "dry run: nothing deleted" in dry.output
    assert db.session.scalar(select(func.count()).select_from(Answer)) == answers_before
    not_archived = runner.invoke(args=["projects", "purge", "Projektet", "--yes"])
    assert not_archived.exit_code == 1 and "is not archived" in not_archived.output
    waiting = runner.invoke(args=["projects", "purge", B, "--yes", "--retention-days", "100000"])
    assert waiting.exit_code == 1
    assert "ends 2025-06-30: a project is purged only after its period and 100000 days" in waiting.output
    done = runner.invoke(args=["projects", "purge", B, "--yes", "--retention-days", "30"])
    assert done.exit_code == 0, done.output
    assert [p.name for p in db.session.scalars(select(Project))] == ["Projektet"]
    assert db.session.scalar(select(func.count()).select_from(Response)) == 28  # project A's, untouched
    assert db.session.scalar(select(func.count()).select_from(ParticipantCode)) == 14
    event = db.session.scalar(select(AuditEvent).filter_by(action="project.purge"))
    assert event.detail == f"{B}: 3 svar, 3 deltagare, 1 mättillfällen"
    assert _goals(runner)["participants"]["n"] == 14  # one project again: --project may be left out


def test_accounts_are_bound_to_the_projects_named_or_to_the_only_one(app, runner, tmp_path):
    from surveyapp.services.accounts import find_account

    factories.organisation("Mariestad")
    alone = runner.invoke(args=["users", "add", "pl@example.se", "--role", "projektledning"])
    assert alone.exit_code == 0, alone.output
    assert [p.name for p in find_account("pl@example.se").projects] == ["Projektet"]
    path = tmp_path / "second.yaml"
    path.write_text(SECOND, encoding="utf-8")
    assert runner.invoke(args=["projects", "import", str(path)]).exit_code == 0
    board = runner.invoke(args=["users", "add", "sg@example.se", "--role", "styrgrupp", "--project", B])
    assert board.exit_code == 0, board.output
    assert [p.name for p in find_account("sg@example.se").projects] == [B]
    unknown = runner.invoke(args=["users", "add", "x@example.se", "--role", "styrgrupp", "--project", "Nope"])
    assert unknown.exit_code == 1 and "Unknown project 'Nope'" in unknown.output
    # with several projects and none named, a new account holds none until the admin binds it
    unbound = runner.invoke(args=["users", "add", "s@example.se", "--role", "samordnare",
                                  "--organisation", "Mariestad"])
    assert find_account("s@example.se").projects == []
    assert f"bound to no project yet (the projects are: Projektet, {B})" in unbound.output
