"""Måluppfyllelse over many answers is computed by a job: a progress page, then the page, shown
from the job only to the one who started it, for the same kommuner and days."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Job
from surveyapp.services.jobs import wait_for_jobs
from tests import factories
from tests.project_data import load_project
from tests.web.test_goals_page import _cell

URL = "/staff/maluppfyllelse"


@pytest.fixture
def large(app, runner, tmp_path):
    """The small test project's answers count as many."""
    load_project(runner, tmp_path)
    app.config["REPORT_JOB_RESPONSES"] = 10


def _jobs() -> int:
    return db.session.scalar(select(func.count(Job.id)))


def test_a_large_goal_page_is_computed_by_a_job_and_then_shown(app, client, large):
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    started = client.get(URL)
    assert started.status_code == 303
    job_page = started.headers["Location"]
    assert re.fullmatch(r"/staff/maluppfyllelse/jobb/[A-Za-z0-9_-]{43}", job_page)
    wait_for_jobs(app)
    shown = client.get(job_page)
    assert "Måluppfyllelsen är klar." in shown.text and "Visa måluppfyllelsen" in shown.text
    assert "Filen finns kvar" not in shown.text
    # the report page's progress script drives it
    assert "jobs.js" in shown.text and 'data-job-status="' + job_page + '/status"' in shown.text
    state = client.get(job_page + "/status").get_json()
    assert state["status"] == "done" and state["progress"] == 100
    assert state["file"] == URL + "?jobb=" + job_page.rsplit("/", 1)[1]
    page = client.get(state["file"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _cell(html, "participants", "total").startswith("8 (av 120)")
    assert _cell(html, "avslut.0", "total").startswith("50 % (3 av 6) Uppnått")
    assert "Skövde" not in html
    # the job holds no file to download
    assert client.get(job_page + "/fil").status_code == 404
    # the same page again is kept: shown at once, without a new job
    jobs = _jobs()
    again = client.get(URL)
    assert again.status_code == 200 and _jobs() == jobs
    assert _cell(again.get_data(as_text=True), "participants", "total").startswith("8 (av 120)")


def test_another_kommuns_samordnare_cannot_read_the_job(app, client, large):
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    job_page = client.get(URL).headers["Location"]
    job_id = job_page.rsplit("/", 1)[1]
    wait_for_jobs(app)
    other = app.test_client()
    factories.login(other, factories.user("s@skovde.example", "samordnare", ["Skövde"]))
    for path in (job_page, job_page + "/status", job_page + "/fil", f"/reports/jobs/{job_id}",
                 f"/reports/jobs/{job_id}/file"):
        assert other.get(path).status_code == 404, path
    # the page named with that job computes Skövde's own page instead
    theirs = other.get(URL, query_string={"jobb": job_id})
    assert theirs.status_code == 303 and job_id not in theirs.headers["Location"]
    wait_for_jobs(app)
    html = other.get(other.get(theirs.headers["Location"] + "/status").get_json()["file"]).get_data(
        as_text=True)
    assert "Mariestad" not in html
    assert _cell(html, "participants", "total").startswith("6 (av 200)")


def test_a_job_for_other_days_or_kommuner_is_not_shown(app, client, large):
    account = factories.user("pl@example.se", "projektledning")
    factories.login(client, account)
    job_id = client.get(URL).headers["Location"].rsplit("/", 1)[1]
    wait_for_jobs(app)
    # the same job for another day: not shown, a job of its own instead
    other_day = client.get(URL, query_string={"per": "2025-06-30", "jamfor": "2025-03-01", "jobb": job_id})
    assert other_day.status_code == 303 and job_id not in other_day.headers["Location"]
    wait_for_jobs(app)
    job = db.session.get(Job, other_day.headers["Location"].rsplit("/", 1)[1])
    assert (job.params["page"]["as_of"], job.params["page"]["compare"]) == ("2025-06-30", "2025-03-01")
    assert job.scope is None
    page = client.get(client.get(other_day.headers["Location"] + "/status").get_json()["file"])
    assert page.status_code == 200
    # registered by 30 June 2025: Mariestad's eight (enrolled in January and April)
    assert _cell(page.get_data(as_text=True), "participants", "organisation:Mariestad").startswith("8")
    # projektledning's job is no samordnare's: the scope differs
    samordnare = app.test_client()
    factories.login(samordnare, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    assert samordnare.get(URL, query_string={"jobb": job_id}).status_code == 303
    wait_for_jobs(app)


def test_a_finished_job_serves_the_page_when_the_cache_does_not_hold_it(app, client, large):
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    client.get(URL)
    wait_for_jobs(app)
    jobs = _jobs()
    app.extensions.pop("surveyapp.report_cache")  # another server: its cache never held the page
    again = client.get(URL)
    assert again.status_code == 200 and _jobs() == jobs
    # new data: the finished job is out of date, and a new one starts
    factories.organisation("Töreboda")
    db.session.commit()
    assert client.get(URL).status_code == 303 and _jobs() == jobs + 1
    wait_for_jobs(app)


def test_a_small_goal_page_is_computed_within_the_request(app, client, runner, tmp_path):
    load_project(runner, tmp_path)
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    page = client.get(URL)
    assert page.status_code == 200 and _jobs() == 0
    assert _cell(page.get_data(as_text=True), "participants", "total").startswith("14 (av 500)")
