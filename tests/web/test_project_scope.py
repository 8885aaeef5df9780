"""Two projects share the kommun Mariestad: project A's samordnare, projektledning and styrgrupp
see nothing of project B through any staff URL, any download or any job, and styrgrupp sees
nothing per person. Every staff route of the URL map is walked (the routes come from
``test_staff_access``, which fails when a route has no rule)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from flask import url_for
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Organisation, Project
from surveyapp.services.imports import import_file
from surveyapp.services.jobs import wait_for_jobs
from surveyapp.services.open_answers import create_theme
from surveyapp.services.participant_codes import create_codes
from surveyapp.services.project import save_assessment
from surveyapp.services.projects import save_setup
from surveyapp.services.staff_rounds import save_round
from tests import factories
from tests.project_data import _write
from tests.web.test_staff_access import MORE_RULES, PUBLIC, RULES, World, staff_routes

#: every text of project B carries this word, so a page or file holding it shows B's data
SECRET = "HEMLIG"
#: what styrgrupp may open besides its account page: figures, never anything per person
#: routes whose "other" URL names another kommun rather than an object: Mariestad is both projects'
KOMMUN_FILTERS = {"reports.report_page", "reports.download"}
STYRGRUPP_VIEWS = {"staff.home", "staff.goals", "staff.overview", "staff.goal_xlsx", "staff.goal_docx",
                   "staff.choose_project", "reports.index", "reports.report_page", "reports.download"}


def _answers(tmp_path, name: str, comment: str):
    rows = [{"submitted_at": "2026-02-01", "language": "sv", "organisation": "Mariestad",
             "participant_code": "", "kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige",
             "bemotande_samordnare": "bra", "bemotande_handlaggare": "bra", "diskriminering": "",
             "tro_formaga": "4", "mar_battre": "4", "kommentar": f"{comment} {i}"} for i in range(6)]
    return _write(tmp_path / f"{name}.csv", rows)


@pytest.fixture
def projects(app, tmp_path):
    """Project A (the installation's first) and B, both over Mariestad, each with rounds,
    answers with free texts, a participant code, a theme and a goal assessment."""
    mariestad = factories.organisation("Mariestad")
    factories.organisation("Skövde")
    a = db.session.scalar(select(Project))
    a.name = "Projekt Alfa"
    b = Project(name=f"Projekt Beta {SECRET}")
    db.session.add(b)
    db.session.flush()
    save_setup(b, {"participants": {"total": 77, "organisations": {"Mariestad": 77}},
                   "questionnaires": ["avslutningsenkat"],
                   "projektmal": [{"title": f"Mål {SECRET}", "delmal": [{"participants": "total"}]}]}, "test")
    world = {}
    for project, tag in ((a, "Alfa"), (b, f"Beta {SECRET}")):
        world[project.id] = {
            "round": save_round(None, questionnaire_key="samverkan", name=f"MT {tag}", opens_on=None,
                                closes_on=None, organisations=[mariestad], roles=["kommunchef"],
                                allowed_roles=["kommunchef"], project_id=project.id),
            "code": create_codes(mariestad, 1, project.id)[0],
        }
        import_file("avslutningsenkat", _answers(tmp_path, tag, f"Fritext {tag}"), f"Runda {tag}", project.id)
        import_file("avslut", _write(tmp_path / f"avslut-{tag}.csv", [
            {"submitted_at": "2026-02-01", "language": "sv", "organisation": "Mariestad",
             "participant_code": world[project.id]["code"].code, "utfall": "studier",
             "samtycke_uppfoljning": "nej"}]), "Avslut", project.id)
        create_theme(f"Tema {tag}", project.id)
        save_assessment("participants", f"Motivering {tag}", "uppnått", "test", project.id)
    db.session.commit()
    accounts = {
        "samordnare": factories.user("s@alfa.example", "samordnare", ["Mariestad"]),
        "projektledning": factories.user("pl@alfa.example", "projektledning"),
        "styrgrupp": factories.user("sg@alfa.example", "styrgrupp"),
    }
    for account in accounts.values():
        account.projects = [a]
    other = factories.user("s@beta.example", "samordnare", ["Mariestad"])
    other.projects = [b]
    db.session.commit()
    own, theirs = world[a.id], world[b.id]
    return a, b, accounts, World(own["round"], theirs["round"], own["code"], theirs["code"], other)


def _secrets(b_world: World) -> tuple[str, ...]:
    return (SECRET, b_world.other_code.code)


def _text_of(response) -> str:
    """What a response shows: its text, or the text inside a workbook, document or zip."""
    return _unpacked(response.get_data())


def _unpacked(data: bytes) -> str:
    if data[:2] != b"PK":
        return data.decode("utf-8", "replace")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return " ".join(_unpacked(archive.read(n)) for n in archive.namelist()
                        if n.endswith((".xml", ".csv", ".txt", ".xlsx")))


def _file(app, client, started) -> str:
    """The file a download's job made, as text (through its progress page's status)."""
    assert started.status_code == 303, started.status_code
    job_page = started.headers["Location"]
    wait_for_jobs(app)
    state = client.get(job_page + "/status").get_json()
    assert state["status"] == "done", state
    return _text_of(client.get(state["file"]))


def _send(client, rule, world: World, url: str, other: bool = False):
    make = (rule.other_data or rule.data) if other else rule.data
    return client.open(url, method=rule.method, data=make(world) if make else {})


@pytest.mark.parametrize("role", ["samordnare", "projektledning", "styrgrupp"])
def test_every_staff_route_shows_nothing_of_the_other_project(app, projects, role):
    _a, _b, accounts, world = projects
    secrets = _secrets(world)
    routes = sorted(staff_routes(app))
    walked = 0
    for endpoint, method in routes:
        if endpoint in PUBLIC:
            continue
        rule = RULES.get(endpoint) if RULES.get(endpoint) and RULES[endpoint].method == method \
            else MORE_RULES[f"{endpoint} {method}"]
        with app.test_request_context():
            url = rule.url(world)
            other = rule.other(world) if rule.other else None
        client = app.test_client()
        factories.login(client, accounts[role])
        response = _send(client, rule, world, url)
        walked += 1
        allowed = role in rule.roles or (role == "styrgrupp" and endpoint in STYRGRUPP_VIEWS)
        if role == "styrgrupp" and endpoint.split(".")[0] in ("staff", "reports", "kiosk"):
            assert (response.status_code == 403) != allowed, (endpoint, method, response.status_code)
        body = _text_of(response)
        assert not any(s in body for s in secrets), (endpoint, method, role)
        if other is not None and rule.other_status == 404 and allowed and endpoint not in KOMMUN_FILTERS:
            # the other project's object in the same kommun, by its id in the URL
            found = _send(client, rule, world, other, other=True)
            assert found.status_code == 404, (endpoint, method, role, found.status_code)
    assert walked > 40


@pytest.mark.parametrize("role", ["samordnare", "projektledning", "styrgrupp"])
def test_every_download_holds_only_the_own_project(app, projects, role):
    _a, _b, accounts, world = projects
    secrets = _secrets(world)
    client = app.test_client()
    factories.login(client, accounts[role])
    files = {
        "report": _file(app, client, client.post(
            url_for("reports.download", key="avslutningsenkat", text="1"))),
        "goals.xlsx": _file(app, client, client.post(url_for("staff.goal_xlsx"))),
        "goals.docx": _file(app, client, client.post(url_for("staff.goal_docx"))),
    }
    for name, text in files.items():
        assert not any(s in text for s in secrets), (name, role)
        assert ("Runda Alfa" if name == "report" else "Motivering Alfa") in text, (name, role)
    # the own project's answers are in the report; per person only for those who see persons
    assert ("Fritext Alfa" in files["report"]) == (role == "projektledning")
    if role == "projektledning":  # the evaluator's files: the own project's rounds alone
        started = client.post(url_for("reports.evaluator_export", key="avslutningsenkat"),
                              data={"format": "csv"})
        evaluator = _file(app, client, started)
        assert "Runda Alfa" in evaluator and not any(s in evaluator for s in secrets)


def test_styrgrupp_reads_figures_and_nothing_per_person(app, projects):
    _a, _b, accounts, world = projects
    client = app.test_client()
    factories.login(client, accounts["styrgrupp"])
    assert client.get(url_for("staff.home")).headers["Location"].endswith("/staff/maluppfyllelse")
    goals = client.get(url_for("staff.goals"))
    assert goals.status_code == 200 and "Motivering Alfa" in goals.text
    assert 'name="goal"' not in goals.text  # no assessment forms
    report = client.get(url_for("reports.report_page", key="avslutningsenkat"))
    assert report.status_code == 200 and "Runda Alfa" in report.text
    assert "Fritext Alfa" not in report.text
    for endpoint in ("staff.participants", "staff.rounds", "kiosk.start", "reports.theme_page"):
        assert client.get(url_for(endpoint)).status_code == 403, endpoint
    assert client.get(url_for("staff.participant", code=world.own_code.code)).status_code == 403
    # projektledning of the same project sees the free texts the page lists
    manager = app.test_client()
    factories.login(manager, accounts["projektledning"])
    assert "Fritext Alfa" in manager.get(url_for("reports.report_page", key="avslutningsenkat")).text


def test_the_project_switcher_shows_only_projects_held_and_keeps_the_choice(app, projects):
    a, b, accounts, world = projects
    both = factories.user("pl-both@example.se", "projektledning")
    both.projects = [a, b]
    db.session.commit()
    client = app.test_client()
    factories.login(client, both)
    page = client.get(url_for("staff.rounds"))
    assert "MT Alfa" in page.text and SECRET not in page.text.replace(f"Projekt Beta {SECRET}</option>", "")
    # the goal table (kept in the report cache) of the project chosen, never the other's
    assert "av 77" not in client.get(url_for("staff.goals")).text
    assert re.search(rf'<option value="{a.id}" selected>Projekt Alfa</option>', page.text)
    switched = client.post(url_for("staff.choose_project"),
                           data={"project": b.id, "next": "/staff/mattillfallen"})
    assert switched.status_code == 303 and switched.headers["Location"].endswith("/staff/mattillfallen")
    page = client.get(url_for("staff.rounds"))
    assert f"MT Beta {SECRET}" in page.text and "MT Alfa" not in page.text
    goals = client.get(url_for("staff.goals")).text
    assert "av 77" in goals and f"Motivering Beta {SECRET}" in goals and "Motivering Alfa" not in goals
    # a job started in B is not found once A is chosen again
    started = client.post(url_for("reports.download", key="avslutningsenkat"))
    job_page = started.headers["Location"]
    wait_for_jobs(app)
    assert client.get(job_page).status_code == 200
    client.post(url_for("staff.choose_project"), data={"project": a.id})
    assert client.get(job_page).status_code == 404
    assert client.get(url_for("staff.round_page", round_id=world.other_round.id)).status_code == 404
    # a user with one project sees no switcher, and cannot choose a project not held
    single = app.test_client()
    factories.login(single, accounts["samordnare"])
    assert 'name="project"' not in single.get(url_for("staff.rounds")).text
    assert single.post(url_for("staff.choose_project"), data={"project": b.id}).status_code == 404


def test_a_samordnare_works_for_the_kommuner_chosen_in_each_project(app, projects):
    """Samordnare are bound to project × organisation: Mariestad in A, Skövde in B."""
    a, b, _accounts, world = projects
    skovde = db.session.scalar(select(Organisation).filter_by(name="Skövde"))
    mariestad = world.own_code.organisation
    both = factories.user("s-both@example.se", "samordnare", ["Mariestad", "Skövde"])
    own_b = create_codes(skovde, 1, b.id)[0]
    other_b = create_codes(mariestad, 1, b.id)[0]
    db.session.commit()
    admin = app.test_client()
    factories.login(admin, factories.user("admin@example.se", "admin"))
    page = admin.get(url_for("staff.user_projects", account_id=both.id))
    assert f'name="kommun-{a.id}" value="{skovde.id}"' in page.text
    saved = admin.post(url_for("staff.user_projects", account_id=both.id), data={
        "projects": [a.id, b.id], f"kommun-{a.id}": [mariestad.id], f"kommun-{b.id}": [skovde.id]})
    assert saved.status_code == 302
    client = app.test_client()
    factories.login(client, both)
    assert client.get(url_for("staff.participant", code=world.own_code.code)).status_code == 200
    assert client.get(url_for("staff.participant", code=own_b.code)).status_code == 404  # B's, in B
    client.post(url_for("staff.choose_project"), data={"project": b.id})
    assert client.get(url_for("staff.participant", code=own_b.code)).status_code == 200
    # in B the samordnare works for Skövde only, though the account has Mariestad too
    assert client.get(url_for("staff.participant", code=other_b.code)).status_code == 404
    report = client.get(url_for("reports.report_page", key="avslutningsenkat", organisation=mariestad.id))
    assert report.status_code == 404
