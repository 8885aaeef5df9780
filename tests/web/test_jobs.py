"""Excel exports as background jobs: started from the report page, followed on a progress
page, downloaded by the one who started them and nobody else."""

from __future__ import annotations

import io
import re
import secrets
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import Account, AuditEvent, Job, JobStatus, Organisation
from surveyapp.models._time import utcnow
from surveyapp.services.jobs import run_job, wait_for_jobs
from tests import factories
from tests.exports.dataset import avslutningsenkat_rows, import_rows

URL = "/reports/avslutningsenkat"


@pytest.fixture
def avslutningsenkat(runner, tmp_path):
    import_rows(runner, tmp_path, "avslutningsenkat", avslutningsenkat_rows(120), "Avslut 2026")


@pytest.fixture
def manager(client):
    account = factories.user("pl@projekt.example", "projektledning")
    factories.login(client, account)
    return account


def _start(client, query=None) -> str:
    started = client.post(URL + ".xlsx", query_string=query)
    assert started.status_code == 303
    assert re.fullmatch(r"/reports/jobs/[A-Za-z0-9_-]{43}", started.headers["Location"])
    return started.headers["Location"]


def _queued_job(account: Account, scope=None, **params) -> Job:
    """A job as the report page stores it, not yet picked up by any runner."""
    report = {"questionnaire_key": "avslutningsenkat", **params}
    job = Job(id=secrets.token_urlsafe(32), kind="report_xlsx", params={"report": report, "locale": "sv"},
              account_id=account.id, scope=scope, status=JobStatus.QUEUED.value, progress=0)
    db.session.add(job)
    db.session.commit()
    return job


def test_the_report_page_starts_a_job_whose_page_offers_the_file(app, client, manager, avslutningsenkat):
    page = client.get(URL)
    assert re.search(r'<form method="post" action="/reports/avslutningsenkat\.xlsx[^"]*"', page.text)
    job_page = _start(client, {"by": "kon"})
    wait_for_jobs(app)
    shown = client.get(job_page)
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    assert 'max="100" value="100"' in shown.text
    assert "Filen är klar." in shown.text
    assert "Ladda ner Excel-filen" in shown.text
    assert 'http-equiv="refresh"' not in shown.text  # finished: nothing more to wait for
    # no inline script but the nonce'd one every page has; the polling comes from a static file
    assert "/static/jobs.js" in shown.text
    nonce = re.search(r"'nonce-([^']+)'", shown.headers["Content-Security-Policy"]).group(1)
    for tag in re.findall(r"<script[^>]*>", shown.text):
        assert "src=" in tag or f'nonce="{nonce}"' in tag
    state = client.get(job_page + "/status").get_json()
    assert state["status"] == "done" and state["progress"] == 100 and state["error"] is None
    download = client.get(state["file"])
    assert download.status_code == 200
    assert download.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = download.headers["Content-Disposition"]
    assert re.search(r'filename="?avslutningsenkat-\d{4}-\d\d-\d\d\.xlsx', disposition)
    workbook = load_workbook(io.BytesIO(download.data))
    assert workbook.sheetnames[0] == "Översikt"
    assert "Svar" in workbook.sheetnames  # projektledning gets the answer rows
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.responses"))
    assert event.actor == "pl@projekt.example" and "avslutningsenkat" in event.detail


def test_a_waiting_job_page_reloads_itself_without_script(client, manager):
    job = _queued_job(manager)
    page = client.get(f"/reports/jobs/{job.id}")
    assert page.status_code == 200
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page.text
    assert 'max="100" value="0"' in page.text
    assert "Väntar på sin tur" in page.text
    assert f'<a href="/reports/jobs/{job.id}">Uppdatera</a>' in page.text
    assert client.get(f"/reports/jobs/{job.id}/file").status_code == 404  # nothing to fetch yet
    assert client.get(f"/reports/jobs/{job.id}/status").get_json()["status"] == "queued"


def test_the_job_page_speaks_the_staff_members_language(client, manager):
    manager.language = "en"
    db.session.commit()
    job = _queued_job(manager)
    page = client.get(f"/reports/jobs/{job.id}")
    assert "Waiting for its turn" in page.text
    assert "Väntar på sin tur" not in page.text


def test_only_the_one_who_started_a_job_can_see_it(app, client, avslutningsenkat):
    owner = factories.user("s@mariestad.example", "samordnare", ["Mariestad"])
    factories.login(client, owner)
    job_page = _start(client, {"by": "organisation"})
    wait_for_jobs(app)
    job_id = job_page.rsplit("/", 1)[1]
    assert client.get(job_page + "/file").status_code == 200
    workbook = load_workbook(io.BytesIO(client.get(job_page + "/file").data))
    assert "Svar" not in workbook.sheetnames  # no answer rows for a samordnare
    cells = {v for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row}
    assert "Skövde" not in cells and "Lidköping" not in cells

    others = [
        factories.user("s@skovde.example", "samordnare", ["Skövde"]),
        factories.user("s2@mariestad.example", "samordnare", ["Mariestad"]),  # same kommun, other person
        factories.user("pl@projekt.example", "projektledning"),
        factories.user("admin@projekt.example", "admin"),
    ]
    for other in others:
        stranger = app.test_client()
        factories.login(stranger, other)
        for suffix in ("", "/status", "/file"):
            assert stranger.get(job_page + suffix).status_code == 404, (other.email, suffix)
        guessed = job_id[:-1] + ("A" if job_id[-1] != "A" else "B")
        assert stranger.get(f"/reports/jobs/{guessed}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(job_page + "/file").status_code == 302  # to the login page

    # the owner who no longer works for Mariestad cannot fetch Mariestad's file either
    owner.organisations = [db.session.scalar(select(Organisation).filter_by(name="Skövde"))]
    db.session.commit()
    assert client.get(job_page + "/file").status_code == 404


def test_a_samordnare_cannot_widen_the_scope_of_a_job(app, client, avslutningsenkat):
    owner = factories.user("s@mariestad.example", "samordnare", ["Mariestad"])
    factories.login(client, owner)
    skovde = db.session.scalar(select(Organisation.id).filter_by(name="Skövde"))
    assert client.post(URL + ".xlsx", query_string={"organisation": skovde}).status_code == 404
    assert db.session.scalar(select(Job)) is None


def test_a_job_that_cannot_be_done_says_why(client, manager, avslutningsenkat):
    job = _queued_job(manager, rounds=["Mättillfälle 9"])
    run_job(job.id)
    state = client.get(f"/reports/jobs/{job.id}/status").get_json()
    assert state["status"] == "failed" and state["file"] is None
    assert "Urvalet finns inte längre" in state["error"]
    page = client.get(f"/reports/jobs/{job.id}")
    assert "Urvalet finns inte längre" in page.text
    assert "Tillbaka till rapporten" in page.text
    assert client.get(f"/reports/jobs/{job.id}/file").status_code == 404
    db.session.expire_all()
    stored = db.session.get(Job, job.id)
    assert "Mättillfälle 9" in stored.detail  # for the administrator, never on the page
    assert "Mättillfälle 9" not in page.text


def test_a_job_whose_process_ended_is_shown_as_failed(client, manager):
    job = _queued_job(manager)
    job.status = JobStatus.RUNNING.value
    job.updated_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    state = client.get(f"/reports/jobs/{job.id}/status").get_json()
    assert state["status"] == "failed"
    assert "avbröts" in state["error"]


def test_old_jobs_and_their_files_are_deleted(app, client, manager, avslutningsenkat):
    old = _queued_job(manager)
    old.created_at = utcnow() - timedelta(hours=25)
    recent = _queued_job(manager)
    recent.created_at = utcnow() - timedelta(hours=23)
    db.session.commit()
    old_id, recent_id = old.id, recent.id
    _start(client)
    wait_for_jobs(app)
    db.session.expire_all()
    assert db.session.get(Job, old_id) is None
    assert db.session.get(Job, recent_id) is not None
