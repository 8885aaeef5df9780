"""The production runner: jobs queued in the real Redis and run by ``surveyapp worker``, a
process of its own, against the same database the web app uses; and the report cache shared
through Redis."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import AuditEvent
from surveyapp.services import report_cache
from tests import factories
from tests.conftest import BASE_CONFIG, ROOT
from tests.exports.dataset import avslutningsenkat_rows, import_rows

REDIS_URL = os.environ.get("SURVEYAPP_TEST_REDIS", "redis://127.0.0.1:6379/0")
URL = "/reports/avslutningsenkat"
#: the installation's prefix in Redis, one per test process (RQ takes its key prefix once a process)
PREFIX = f"surveyapp-test-{uuid.uuid4().hex[:10]}"
SURVEYAPP = (sys.executable, "-c", "from surveyapp.cli import main; main()")


def _redis_or_skip():
    from redis import Redis

    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        connection.ping()
    except Exception as exc:  # noqa: BLE001 - no server, no test
        pytest.skip(f"Redis tests skipped: no Redis server answers at {REDIS_URL} ({type(exc).__name__})")
    return connection


@pytest.fixture
def redis_app(sqlite_template, tmp_path):
    """The app on a SQLite file, with its queue and cache under a prefix of its own in Redis."""
    connection = _redis_or_skip()
    prefix = PREFIX
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "REDIS_URL": REDIS_URL,
              "REDIS_PREFIX": prefix}
    application = create_app(config)
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


def _worker(app) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "SURVEYAPP_REDIS_URL": REDIS_URL,
        "SURVEYAPP_REDIS_PREFIX": app.config["REDIS_PREFIX"],
    }
    return subprocess.run(
        [*SURVEYAPP, "worker", "--burst"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_a_queued_export_is_run_by_the_worker_process(redis_app, tmp_path):
    client = redis_app.test_client()
    import_rows(redis_app.test_cli_runner(), tmp_path, "avslutningsenkat", avslutningsenkat_rows(80),
                "Avslut 2026")
    factories.login(client, factories.user("pl@projekt.example", "projektledning"))
    started = client.post(URL + ".xlsx", query_string={"by": "kon"})
    assert started.status_code == 303
    job_page = started.headers["Location"]
    # nothing in the web process runs it: it waits in the queue for a worker
    assert client.get(job_page + "/status").get_json()["status"] == "queued"
    assert "Väntar på sin tur" in client.get(job_page).text
    from surveyapp.services.jobs import queue

    assert queue(redis_app).count == 1

    done = _worker(redis_app)
    assert done.returncode == 0, done.stderr
    assert f"queue {redis_app.config['REDIS_PREFIX']}-jobs" in done.stdout

    state = client.get(job_page + "/status").get_json()
    assert state["status"] == "done", state
    workbook = load_workbook(io.BytesIO(client.get(state["file"]).data))
    assert workbook.sheetnames[0] == "Översikt"
    assert "Svar" in workbook.sheetnames
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).filter_by(action="export.responses"))
    assert event is not None and event.actor == "pl@projekt.example"


def test_rq_keeps_its_keys_under_the_installations_prefix(redis_app, tmp_path):
    client = redis_app.test_client()
    import_rows(redis_app.test_cli_runner(), tmp_path, "avslutningsenkat", avslutningsenkat_rows(20),
                "Avslut 2026")
    factories.login(client, factories.user("pl@projekt.example", "projektledning"))
    assert client.post(URL + ".xlsx").status_code == 303
    connection = _redis_or_skip()
    prefix = redis_app.config["REDIS_PREFIX"]
    queue_key = f"{prefix}:rq:queue:{prefix}-jobs"
    # the queued job, its queue and the list of queues sit under the installation's prefix
    assert connection.llen(queue_key) == 1
    assert queue_key.encode() in connection.smembers(f"{prefix}:rq:queues")
    assert not any(prefix.encode() in member for member in connection.smembers("rq:queues"))
    assert [k for k in connection.scan_iter("rq:*") if prefix.encode() in k] == []
    mine = list(connection.scan_iter(f"*{prefix}*"))
    assert mine and all(key.startswith(prefix.encode()) for key in mine)

    done = _worker(redis_app)
    assert done.returncode == 0, done.stderr
    assert connection.llen(queue_key) == 0
    assert not any(prefix.encode() in member for member in connection.smembers("rq:workers"))


def test_the_worker_refuses_to_start_without_redis(sqlite_template, tmp_path):
    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "test-secret"}
    env.pop("SURVEYAPP_REDIS_URL", None)
    done = subprocess.run([*SURVEYAPP, "worker", "--burst"], env=env, cwd=ROOT, capture_output=True,
                          text=True,
                          timeout=120)
    assert done.returncode == 1
    assert "SURVEYAPP_REDIS_URL is not set" in done.stderr


def test_reports_are_cached_in_redis_for_every_server(redis_app, tmp_path):
    import_rows(redis_app.test_cli_runner(), tmp_path, "avslutningsenkat", avslutningsenkat_rows(60),
                "Avslut 2026")
    account = factories.user("pl@projekt.example", "projektledning")
    first = redis_app.test_client()
    factories.login(first, account)
    page = first.get(URL, query_string={"by": "kon"})
    assert page.status_code == 200
    assert report_cache.stats(redis_app).computed == 1
    prefix = redis_app.config["REDIS_PREFIX"]
    connection = _redis_or_skip()
    assert len(list(connection.scan_iter(f"{prefix}:report:*"))) == 1

    # a second app (another server) on the same database and Redis finds the report computed
    other = create_app(dict(redis_app.config))
    with other.app_context():
        second = other.test_client()
        factories.login(second, db.session.get(type(account), account.id))
        again = second.get(URL, query_string={"by": "kon"})
        assert report_cache.stats(other).computed == 0
        assert report_cache.stats(other).hits == 1
        db.session.remove()
    assert again.status_code == 200
    strip = _without_tokens
    assert strip(again.text) == strip(page.text)


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'(value|nonce|content)="[^"]*"', "", html)
