"""Admin archives a project and purges an archived one on the Projekt page: the purge shows
what would go first, is refused in Swedish before the project's period and retention have
passed, and removes that project alone (the other project over Mariestad keeps everything)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, AuditEvent, Organisation, Project
from surveyapp.services.projects import purge_counts_of
from tests import factories
from tests.web.test_project_scope import projects  # noqa: F401  (the fixture)


def _admin(client):
    admin = factories.user("admin@example.se", "admin")
    factories.login(client, admin)
    return admin


def _answers() -> int:
    return db.session.scalar(select(func.count()).select_from(Answer))


def test_admin_archives_a_project_and_its_staff_pages_become_read_only(app, client, projects):  # noqa: F811
    a, b, _accounts, _world = projects
    _admin(client)
    client.post(url_for("staff.choose_project"), data={"project": b.id})
    page = client.get(url_for("staff.project_page"))
    assert page.status_code == 200 and "Arkivera projektet" in page.text
    assert "kan det bara läsas" in page.text and "finns kvar i rapporterna" in page.text
    unconfirmed = client.post(url_for("staff.project_archive", project_id=b.id), data={})
    assert unconfirmed.status_code == 400 and "kryssa i rutan" in unconfirmed.text
    db.session.expire_all()
    assert not db.session.get(Project, b.id).archived
    done = client.post(url_for("staff.project_archive", project_id=b.id), data={"arkiv-confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, b.id).archived and not db.session.get(Project, a.id).archived
    event = db.session.scalar(select(AuditEvent).filter_by(action="project.archive"))
    assert event.actor == "admin@example.se" and event.detail.startswith(b.name)
    assert "är arkiverat" in client.get(url_for("staff.project_page")).text
    again = client.post(url_for("staff.project_archive", project_id=b.id), data={"arkiv-confirm": "y"})
    assert again.status_code == 409 and "redan arkiverat" in again.text
    # as the command line's archive: B's staff pages are read-only, A's are not
    manager = factories.user("pl@beta.example", "projektledning")
    manager.projects = [db.session.get(Project, b.id)]
    db.session.commit()
    other = app.test_client()
    factories.login(other, manager)
    assert other.get(url_for("staff.goals")).status_code == 200
    refused = other.post(url_for("staff.project_page"), data={"total": "10"})
    assert refused.status_code == 409 and "Projektet är arkiverat och kan bara läsas." in refused.text
    assert other.post(url_for("staff.round_new"), data={}).status_code == 409
    alfa = app.test_client()
    factories.login(alfa, _accounts["projektledning"])
    assert alfa.post(url_for("staff.project_page"), data={"total": "10"}).status_code == 303


def test_purge_is_refused_until_archived_and_retained_then_dry_run_then_purge(app, client, projects):  # noqa: F811
    a, b, _accounts, _world = projects
    b.ends_on = date.today() - timedelta(days=10)
    db.session.commit()
    b_id, b_name = b.id, b.name
    _admin(client)
    a_before, answers_before = purge_counts_of(a), _answers()
    not_archived = client.get(url_for("staff.project_purge", project_id=b_id))
    assert not_archived.status_code == 409 and "är inte arkiverat. Arkivera det först" in not_archived.text
    assert client.post(url_for("staff.project_purge", project_id=b_id),
                       data={"rensa-confirm": "y"}).status_code == 409
    assert client.post(url_for("staff.project_archive", project_id=b_id),
                       data={"arkiv-confirm": "y"}).status_code == 303
    app.config["PROJECT_RETENTION_DAYS"] = 30
    first = (date.today() + timedelta(days=21)).isoformat()
    waiting = client.get(url_for("staff.project_purge", project_id=b_id))
    assert waiting.status_code == 409 and "kan inte rensas än" in waiting.text
    assert f"Det kan rensas från och med {first}." in waiting.text
    assert 'name="rensa-confirm"' not in waiting.text
    assert client.post(url_for("staff.project_purge", project_id=b_id),
                       data={"rensa-confirm": "y"}).status_code == 409
    assert db.session.get(Project, b_id) is not None and _answers() == answers_before
    app.config["PROJECT_RETENTION_DAYS"] = 0
    b.ends_on = date.today()
    db.session.commit()
    today = client.get(url_for("staff.project_purge", project_id=b_id))
    assert today.status_code == 409
    end, tomorrow = date.today().isoformat(), (date.today() + timedelta(days=1)).isoformat()
    assert f"perioden slutar {end}. Det kan rensas från och med {tomorrow}." in today.text
    b.ends_on = date.today() - timedelta(days=10)
    db.session.commit()
    # the retention has passed: the dry run shows the counts and stores nothing
    app.config["PROJECT_RETENTION_DAYS"] = 5
    counts = purge_counts_of(db.session.get(Project, b_id))
    assert counts.responses == 7 and counts.participants >= 1
    dry = client.get(url_for("staff.project_purge", project_id=b_id))
    assert dry.status_code == 200 and "Inget är borttaget än" in dry.text
    shown = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', dry.text))
    assert shown == {"Mättillfällen": str(counts.rounds), "Svar": "7", "Deltagare": str(counts.participants),
                     "Bedömningar av delmål": "1", "Teman för fritextsvar": "1",
                     "Versioner av upplägget": str(counts.setups)}
    assert _answers() == answers_before
    assert not db.session.scalars(select(AuditEvent).filter_by(action="project.purge")).all()
    unconfirmed = client.post(url_for("staff.project_purge", project_id=b_id), data={})
    assert unconfirmed.status_code == 400 and db.session.get(Project, b_id) is not None
    done = client.post(url_for("staff.project_purge", project_id=b_id), data={"rensa-confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Project, b_id) is None
    assert purge_counts_of(db.session.get(Project, a.id)) == a_before
    assert db.session.scalar(select(Organisation).filter_by(name="Mariestad")) is not None
    assert _answers() < answers_before
    event = db.session.scalar(select(AuditEvent).filter_by(action="project.purge"))
    assert event.actor == "admin@example.se" and event.detail.startswith(f"{b_name}: 7 svar")
    assert "är rensat" in client.get(url_for("staff.project_page")).text
    assert client.get(url_for("staff.project_purge", project_id=b_id)).status_code == 404


def test_only_admin_archives_or_purges_and_the_form_needs_its_token(app, projects):  # noqa: F811
    a, b, accounts, _world = projects
    for account in accounts.values():
        client = app.test_client()
        factories.login(client, account)
        for project in (a, b):
            assert client.post(url_for("staff.project_archive", project_id=project.id),
                               data={"arkiv-confirm": "y"}).status_code == 403
            assert client.get(url_for("staff.project_purge", project_id=project.id)).status_code == 403
            assert client.post(url_for("staff.project_purge", project_id=project.id),
                               data={"rensa-confirm": "y"}).status_code == 403
        assert "Arkivera projektet" not in client.get(url_for("staff.project_page")).text
    client = app.test_client()
    _admin(client)
    assert client.post(url_for("staff.project_archive", project_id=9999),
                       data={"arkiv-confirm": "y"}).status_code == 404
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post(url_for("staff.project_archive", project_id=b.id), data={"arkiv-confirm": "y"})
    app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    db.session.expire_all()
    assert not db.session.get(Project, b.id).archived
