"""Måluppfyllelse's downloads: the buttons start the project workbook and the Word document as
jobs, carrying the page's date (``per``) and comparison date (``jamfor``); the file is the
starter's alone, holds only the kommuner they see, and is logged."""

from __future__ import annotations

import io
import re

import docx
import openpyxl
import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from surveyapp.services.jobs import wait_for_jobs
from tests import factories
from tests.project_data import load_project
from tests.web.test_project_scope import projects  # noqa: F401  (the fixture)


def _buttons(app, account, query: str = "") -> str:
    """The include template as the page renders it for ``account`` at ``?query``."""
    with app.test_request_context("/staff/maluppfyllelse" + query):
        login_user(account)
        return render_template("staff/_goal_downloads.html")


def _fetch(app, client, action: str):
    started = client.post(action)
    assert started.status_code == 303, started.data
    job_page = started.headers["Location"]
    assert re.fullmatch(r"/staff/maluppfyllelse/jobb/[A-Za-z0-9_-]{43}", job_page)
    wait_for_jobs(app)
    page = client.get(job_page)
    assert page.status_code == 200 and "Filen är klar." in page.text
    assert "/static/jobs.js" in page.text
    state = client.get(job_page + "/status").get_json()
    assert state["status"] == "done" and state["error"] is None
    return job_page, client.get(state["file"])


def test_the_buttons_deliver_the_workbook_and_the_word_document(app, client, runner, tmp_path):
    load_project(runner, tmp_path)
    manager = factories.user("pl@example.se", "projektledning")
    factories.login(client, manager)
    html = _buttons(app, manager, "?per=2026-06-30&jamfor=2025-06-30&x=<script>")
    actions = re.findall(r'<form method="post" action="([^"]+)"', html)
    assert [a.replace("&amp;", "&") for a in actions] == [
        "/staff/maluppfyllelse/projektarbetsbok.xlsx?per=2026-06-30&jamfor=2025-06-30",
        "/staff/maluppfyllelse/maltabell.docx?per=2026-06-30&jamfor=2025-06-30",
    ]
    assert "Ladda ner projektarbetsbok (Excel)" in html and "Ladda ner måltabell (Word)" in html
    assert html.count('name="csrf_token"') == 2
    assert "30 juni 2026" in html and "30 juni 2025" in html

    _page, workbook_file = _fetch(app, client, actions[0].replace("&amp;", "&"))
    assert workbook_file.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename=projektarbetsbok-2026-06-30.xlsx" in workbook_file.headers["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_file.data))
    assert workbook.sheetnames[:3] == ["Innehåll", "Måluppfyllelse", "Räckvidd"]
    assert "Avslut Svar" in workbook.sheetnames  # projektledning gets the answer rows
    header = [c.value for c in workbook["Måluppfyllelse"][6]]
    assert header[3] == "30 juni 2025" and header[6] == "30 juni 2026" and "Förändring" in header

    _page, word_file = _fetch(app, client, actions[1].replace("&amp;", "&"))
    assert word_file.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = docx.Document(io.BytesIO(word_file.data))
    assert [c.text for c in document.tables[0].rows[0].cells][2:5] == ["30 juni 2025", "30 juni 2026",
                                                                     "Förändring"]
    actions_logged = db.session.scalars(select(AuditEvent.action).filter_by(actor="pl@example.se")).all()
    assert "export.responses" in actions_logged and "export.goals" in actions_logged


def test_a_samordnares_files_hold_only_their_kommun_and_are_theirs_alone(app, client, runner, tmp_path):
    load_project(runner, tmp_path)
    samordnare = factories.user("s@mariestad.example", "samordnare", ["Mariestad"])
    factories.login(client, samordnare)
    html = _buttons(app, samordnare)
    assert "De innehåller bara dina kommuner." in html
    job_page, download = _fetch(app, client, "/staff/maluppfyllelse/projektarbetsbok.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.data))
    assert not any(name.endswith("Svar") for name in workbook.sheetnames)  # no answer rows
    cells = {str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    assert any("Mariestad" in v for v in cells)
    assert not any("Skövde" in v or "Lidköping" in v for v in cells)
    event = db.session.scalars(select(AuditEvent).filter_by(actor="s@mariestad.example")).one()
    assert event.action == "export.goals" and "Mariestad" in event.detail

    # another samordnare, even of the same kommun, finds no such job
    factories.login(client, factories.user("s2@mariestad.example", "samordnare", ["Mariestad"]))
    for suffix in ("", "/status", "/fil"):
        assert client.get(job_page + suffix).status_code == 404


@pytest.mark.parametrize("query", ["?per=2026-02-30", "?jamfor=igår", "?per=2026-6-1x"])
def test_a_bad_date_is_refused_in_words_and_starts_nothing(app, client, query):
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    refused = client.post("/staff/maluppfyllelse/maltabell.docx" + query)
    assert refused.status_code == 303 and refused.headers["Location"] == "/staff/maluppfyllelse"
    page = client.get("/staff/maluppfyllelse")
    assert "Datumet måste skrivas som ÅÅÅÅ-MM-DD" in page.text


def test_the_downloads_need_a_form_token_and_a_role(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    assert client.post("/staff/maluppfyllelse/maltabell.docx").status_code == 400
    app.config["WTF_CSRF_ENABLED"] = False
    factories.login(client, factories.user("admin@example.se", "admin"))
    assert client.post("/staff/maluppfyllelse/maltabell.docx").status_code == 403


def test_the_downloads_name_the_project_and_its_set_up_version(app, client, projects):  # noqa: F811
    a, b, _accounts, _world = projects
    manager = factories.user("pl-both@example.se", "projektledning")
    manager.projects = [a, b]
    db.session.commit()
    factories.login(client, manager)
    client.post("/staff/projekt/valj", data={"project": b.id})
    expected = f"{b.name}, projektets upplägg version 1."
    assert expected in client.get("/staff/maluppfyllelse").text  # as the page says it
    _page, word = _fetch(app, client, "/staff/maluppfyllelse/maltabell.docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs]
    assert expected in paragraphs[:3], paragraphs[:3]
    _page, book = _fetch(app, client, "/staff/maluppfyllelse/projektarbetsbok.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(book.data))
    for sheet in workbook.worksheets[:2]:  # the contents and the goal table, under their titles
        assert str(sheet["A2"].value).startswith(expected), (sheet.title, sheet["A2"].value)
    # a project without a saved set-up is named without a version
    client.post("/staff/projekt/valj", data={"project": a.id})
    _page, word = _fetch(app, client, "/staff/maluppfyllelse/maltabell.docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs]
    assert "Projekt: Projekt Alfa." in paragraphs[:3] and not any("upplägg version" in p for p in paragraphs)
