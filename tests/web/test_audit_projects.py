"""The audit log names the project an event belongs to: the Logg page shows it in a column
and filters by it."""

from __future__ import annotations

import re

from flask import url_for
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from tests import factories
from tests.web.test_project_scope import projects  # noqa: F401  (the fixture)


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr><td>.*?</tr>", html, re.S)


def test_an_event_on_project_b_names_b_and_the_filter_shows_only_b(app, client, runner, projects,  # noqa: F811
                                                                   tmp_path):
    a, b, _accounts, _world = projects
    manager = factories.user("pl-both@example.se", "projektledning")
    manager.projects = [a, b]
    db.session.commit()
    factories.login(client, manager)
    client.post(url_for("staff.choose_project"), data={"project": b.id})
    assert client.post(url_for("reports.add_theme"), data={"namn": "Tema i Beta"}).status_code == 303
    client.post(url_for("staff.choose_project"), data={"project": a.id})
    assert client.post(url_for("reports.add_theme"), data={"namn": "Tema i Alfa"}).status_code == 303
    events = {e.detail: e.project_id for e in db.session.scalars(select(AuditEvent).filter_by(
        action="theme.create"))}
    assert events == {"Tema i Beta": b.id, "Tema i Alfa": a.id}
    login = db.session.scalar(select(AuditEvent).filter_by(action="login", actor="pl-both@example.se"))
    assert login is None or login.project_id is None  # an event of the installation names none

    admin = app.test_client()
    factories.login(admin, factories.user("admin@example.se", "admin"))
    everything = admin.get(url_for("staff.audit"))
    assert everything.status_code == 200
    assert "Tema i Beta" in everything.text and "Tema i Alfa" in everything.text
    beta_row = next(r for r in _rows(everything.text) if "Tema i Beta" in r)
    assert f"<td>{b.name}</td>" in beta_row and "Tema skapat" in beta_row
    only_b = admin.get(url_for("staff.audit", project=b.id))
    assert only_b.status_code == 200
    assert "Tema i Beta" in only_b.text and "Tema i Alfa" not in only_b.text
    assert f'<option value="{b.id}" selected>' in only_b.text
    assert all(f"<td>{b.name}</td>" in r for r in _rows(only_b.text))
    # the project's own changes name it too
    admin.post(url_for("staff.choose_project"), data={"project": b.id})
    admin.post(url_for("staff.project_archive", project_id=b.id), data={"arkiv-confirm": "y"})
    archived = db.session.scalar(select(AuditEvent).filter_by(action="project.archive"))
    assert archived.project_id == b.id
    assert "Projekt arkiverat" in admin.get(url_for("staff.audit", project=b.id, action="project")).text
    # a command's events name the project it was given
    result = runner.invoke(args=["goals", "--docx", str(tmp_path / "b.docx"), "--project", b.name])
    assert result.exit_code == 0, result.output
    exported = db.session.scalar(select(AuditEvent).filter_by(action="export.goals"))
    assert exported.actor == "kommandorad" and exported.project_id == b.id
    # an unknown project in the filter shows every event
    assert "Tema i Alfa" in admin.get(url_for("staff.audit", project="9999")).text
