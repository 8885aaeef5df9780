"""A report page over many answers is counted by a job: a progress page, then the report,
shown from the job only to the one who started it and only for the same selection."""

from __future__ import annotations

import re

import pytest

from surveyapp.services.jobs import wait_for_jobs
from tests import factories
from tests.exports.dataset import avslutningsenkat_rows, import_rows

URL = "/reports/avslutningsenkat"


@pytest.fixture
def large(app, runner, tmp_path):
    """120 answers count as many."""
    import_rows(runner, tmp_path, "avslutningsenkat", avslutningsenkat_rows(120), "Avslut 2026")
    app.config["REPORT_JOB_RESPONSES"] = 100


def _login(client, email="pl@projekt.example"):
    account = factories.user(email, "projektledning")
    factories.login(client, account)
    return account


def test_a_large_report_page_is_counted_by_a_job_and_then_shown(app, client, large):
    _login(client)
    started = client.get(URL, query_string={"by": "kon"})
    assert started.status_code == 303
    job_page = started.headers["Location"]
    assert re.fullmatch(r"/reports/jobs/[A-Za-z0-9_-]{43}", job_page)
    wait_for_jobs(app)
    shown = client.get(job_page)
    assert "Rapporten är klar." in shown.text and "Visa rapporten" in shown.text
    assert "Ladda ner Excel-filen" not in shown.text
    state = client.get(job_page + "/status").get_json()
    assert state["status"] == "done"
    assert state["file"].startswith(URL + "?") and "by=kon" in state["file"] and "jobb=" in state["file"]
    report = client.get(state["file"])
    assert report.status_code == 200
    assert "Kön" in report.text and "Totalt" in report.text
    # the job holds no file to download
    assert client.get(job_page + "/file").status_code == 404
    # the same selection again comes from the report cache, without a new job
    again = client.get(URL, query_string={"by": "kon"})
    assert again.status_code == 200


def test_another_users_job_or_another_selection_starts_a_job_of_its_own(app, client, large):
    _login(client)
    started = client.get(URL, query_string={"by": "kon"}).headers["Location"]
    job_id = started.rsplit("/", 1)[1]
    wait_for_jobs(app)
    # the same job for another selection: not shown, a new job instead
    other = client.get(URL, query_string={"by": "fodelseregion", "jobb": job_id})
    assert other.status_code == 303 and other.headers["Location"] != started
    # another user with the first one's job id sees nothing of it
    second = app.test_client()
    _login(second, "pl2@projekt.example")
    theirs = second.get(URL, query_string={"by": "organisation", "jobb": job_id})
    assert theirs.status_code == 303 and job_id not in theirs.headers["Location"]
    assert second.get(started).status_code == 404
    wait_for_jobs(app)


def test_a_small_report_page_is_counted_within_the_request(app, client, large):
    app.config["REPORT_JOB_RESPONSES"] = 10_000
    _login(client)
    assert client.get(URL, query_string={"by": "kon"}).status_code == 200


def test_a_finished_job_serves_the_same_report_when_the_cache_does_not_hold_it(app, client, runner, large,
                                                                              tmp_path):
    from surveyapp.services import report_cache

    _login(client)
    client.get(URL, query_string={"by": "kon"})
    wait_for_jobs(app)
    # another server, whose cache is empty, finds the finished job
    app.extensions.pop("surveyapp.report_cache", None)
    assert client.get(URL, query_string={"by": "kon"}).status_code == 200
    assert report_cache.stats(app).computed == 1
    # new answers: counted anew, by a new job
    rows = avslutningsenkat_rows(3)
    for i, row in enumerate(rows):
        row["response_id"] = f"00000000-0000-4000-8000-{900000 + i:012d}"
    (tmp_path / "more").mkdir()
    import_rows(runner, tmp_path / "more", "avslutningsenkat", rows, "Avslut 2026")
    app.extensions.pop("surveyapp.report_cache", None)
    assert client.get(URL, query_string={"by": "kon"}).status_code == 303
    wait_for_jobs(app)


@pytest.mark.slow
def test_by_default_a_report_page_over_a_few_thousand_answers_is_counted_by_a_job(app, client, runner,
                                                                                   tmp_path):
    """Counting that many takes a second or more: a web worker would be held that long, and a
    participant's page would wait behind it."""
    from surveyapp import create_app
    from tests.conftest import BASE_CONFIG

    default = create_app(BASE_CONFIG).config["REPORT_JOB_RESPONSES"]
    assert app.config["REPORT_JOB_RESPONSES"] == default
    import_rows(runner, tmp_path, "avslutningsenkat", avslutningsenkat_rows(default), "Avslut 2026")
    _login(client)
    started = client.get(URL, query_string={"by": "kon"})
    assert started.status_code == 303 and "/reports/jobs/" in started.headers["Location"]
    wait_for_jobs(app)
