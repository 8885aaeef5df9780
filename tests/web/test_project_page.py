"""The Projekt page: projektledning edits its project's set-up, saved as a new version with
per-field messages in Swedish; what answers depend on cannot be deleted; admin creates
projects, from a copy of another's set-up."""

from __future__ import annotations

import json

from flask import url_for
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, Project, ProjectSetup
from surveyapp.services.projects import current_setup
from tests import factories
from tests.project_data import load_project

FORM = {"starts_on": "2025-01-01", "ends_on": "2027-06-30", "total": "400", "women": "200", "men": "200",
        "balance_low": "40", "balance_high": "60",
        "organisations": "Mariestad: 100\nSkövde: 150\nLidköping: 150",
        "questionnaires": ["avslutningsenkat", "avslut"],
        "projektmal": "- title: Deltagare\n  delmal:\n  - participants: total\n"}


def _manager(client):
    manager = factories.user("pl@example.se", "projektledning")
    factories.login(client, manager)
    return manager


def test_projektledning_saves_a_new_set_up_version_that_the_goal_table_uses(app, client, runner, tmp_path):
    load_project(runner, tmp_path)
    _manager(client)
    page = client.get(url_for("staff.project_page"))
    assert page.status_code == 200 and "Upplägget läses från projektfilen" in page.text
    saved = client.post(url_for("staff.project_page"), data=FORM)
    assert saved.status_code == 303, saved.text
    project = db.session.scalar(select(Project))
    setup = current_setup(project.id)
    assert setup.version == 1 and setup.created_by == "pl@example.se"
    assert setup.setup["participants"]["organisations"] == {"Mariestad": 100, "Skövde": 150, "Lidköping": 150}
    assert (project.starts_on.isoformat(), project.ends_on.isoformat()) == ("2025-01-01", "2027-06-30")
    table = json.loads(runner.invoke(args=["goals", "--json"]).output)
    assert table["setup_version"] == 1 and table["participants"]["target"] == 400
    assert client.get(url_for("staff.project_page")).text.count("pl@example.se") >= 1
    # the goal table page says which set-up it was computed from
    assert "Projektet, projektets upplägg version 1." in client.get(url_for("staff.goals")).text
    # a second save with a change is version 2, and the audit log says what changed
    client.post(url_for("staff.project_page"), data={**FORM, "total": "450"})
    assert current_setup(project.id).version == 2
    event = db.session.scalar(select(AuditEvent).filter_by(action="project.setup")
                              .order_by(AuditEvent.id.desc()))
    assert event.actor == "pl@example.se" and event.detail.endswith("version 2 (participants)")
    # the same set-up again stores nothing
    client.post(url_for("staff.project_page"), data={**FORM, "total": "450"})
    assert current_setup(project.id).version == 2


def test_each_wrong_field_says_what_is_wrong_and_nothing_is_stored(app, client):
    factories.organisation("Mariestad")
    _manager(client)
    wrong = {**FORM, "ends_on": "2024-01-01", "total": "0", "balance_high": "30",
             "organisations": "Mariestad: många\nGöteborg: 5",
             "projektmal": "- title: Mål\n  delmal:\n  - goal: avslut.nothing\n"}
    page = client.post(url_for("staff.project_page"), data=wrong)
    assert page.status_code == 400
    text = page.text
    assert "Projektet kan inte sluta innan det börjar." in text
    assert "Målet för deltagare måste vara minst 1." in text
    assert "Den högsta andelen kan inte vara lägre än den lägsta." in text
    assert "Rad 1: skriv målet för Mariestad som ett heltal." in text
    assert "Rad 2: ”Göteborg” är ingen organisation i systemet." in text
    assert db.session.scalar(select(ProjectSetup)) is None
    goals = client.post(url_for("staff.project_page"), data={**FORM, "organisations": "Mariestad: 5",
                                                              "projektmal": wrong["projektmal"]})
    assert goals.status_code == 400
    assert "Projektmål 1, delmål 1: mål: avslut har inget mål på ”nothing”" in goals.text
    assert db.session.scalar(select(ProjectSetup)) is None


def test_what_answers_depend_on_cannot_be_deleted(app, client, runner, tmp_path):
    load_project(runner, tmp_path)
    _manager(client)
    assert client.post(url_for("staff.project_page"), data=FORM).status_code == 303
    refused = client.post(url_for("staff.project_page"),
                          data={**FORM, "organisations": "Lidköping: 150", "questionnaires": ["avslut"]})
    assert refused.status_code == 400
    assert ("Mariestad kan inte tas bort ur projektet: 8 deltagare och 14 svar hör till kommunen "
            "i projektet.") in refused.text
    assert ("Enkäten avslutningsenkat kan inte tas bort ur projektet: projektets mättillfällen av den "
            "har 10 svar.") in refused.text
    project = db.session.scalar(select(Project))
    assert current_setup(project.id).version == 1
    # a kommun without participants or answers can go
    assert client.post(url_for("staff.project_page"),
                       data={**FORM, "organisations": "Mariestad: 100\nSkövde: 150"}).status_code == 303


def test_admin_creates_a_project_from_a_copy_and_names_its_projektledning(app, client, runner, tmp_path):
    load_project(runner, tmp_path)
    manager = factories.user("pl@example.se", "projektledning")
    first = app.test_client()
    factories.login(first, manager)
    first.post(url_for("staff.project_page"), data=FORM)
    admin = factories.user("admin@example.se", "admin")
    factories.login(client, admin)
    source = db.session.scalar(select(Project))
    taken = client.post(url_for("staff.project_new"), data={"nytt-name": source.name, "nytt-copy_of": "0"})
    assert taken.status_code == 400 and "Det finns redan ett projekt som heter" in taken.text
    made = client.post(url_for("staff.project_new"), data={
        "nytt-name": "Cresco 2", "nytt-copy_of": str(source.id), "nytt-managers": [str(manager.id)]})
    assert made.status_code == 303
    new = db.session.scalar(select(Project).filter_by(name="Cresco 2"))
    copied = current_setup(new.id)
    assert copied.version == 1 and copied.setup["participants"]["total"] == 400
    assert copied.setup["projektmal"] == current_setup(source.id).setup["projektmal"]
    db.session.refresh(manager)
    assert {p.name for p in manager.projects} == {source.name, "Cresco 2"}
    assert "Cresco 2" in json.dumps([p["name"] for p in json.loads(
        runner.invoke(args=["projects", "list", "--json"]).output)])


def test_the_set_up_checks_are_worded_in_swedish_by_projektmal_and_delmal(app, client):
    factories.organisation("Mariestad")
    _manager(client)
    goals = ("- title: Mål\n  delmal:\n  - goal: okand.fraga\n  - participants: total\n"
             "    targets: {organisation: {Göteborg: 3}}\n"
             "- title: Andra\n  delmal:\n  - shift: samverkan.ingen_sadan\n    target: 0.3\n")
    page = client.post(url_for("staff.project_page"),
                       data={**FORM, "organisations": "Mariestad: 5", "projektmal": goals})
    assert page.status_code == 400
    text = page.text
    assert "Projektmål 1, delmål 1: det finns ingen enkät ”okand”; enkäterna är" in text
    assert ("Projektmål 1, delmål 2: mål per kommun: ”Göteborg” är inte en av projektets kommuner "
            "(Mariestad)") in text
    assert "Projektmål 2, delmål 1: förändring: samverkan har ingen fråga ”ingen_sadan”" in text
    assert "no questionnaire" not in text and "projektmal/" not in text
    empty = client.post(url_for("staff.project_page"), data={
        **FORM, "organisations": "Mariestad: 5",
        "projektmal": "- title: Mål\n  delmal:\n  - manual: ''\n"})
    assert "Projektmål 1, delmål 1: ”” får inte vara tomt" in empty.text
    assert db.session.scalar(select(ProjectSetup)) is None
