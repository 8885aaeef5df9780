"""docs/production.md followed on this machine as far as a test can: a role and a database on the
local PostgreSQL, the settings file from deploy/, ``surveyapp init``, gunicorn and the worker
started from the systemd units' command lines, an answer through an open link, and an Excel
export run by the worker through Redis."""

from __future__ import annotations

import http.client
import io
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, suppress
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from benchmarks.loopback import ANSWERS, Browser, hidden_fields
from surveyapp.cli.setup import DEMO_ACCOUNTS
from tests.conftest import PG_SERVER, ROOT, _pg_admin_engine, _postgres_available

REDIS_URL = os.environ.get("SURVEYAPP_TEST_REDIS", "redis://127.0.0.1:6379/0")
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def exec_start(unit: str) -> list[str]:
    """The unit's ExecStart, with /opt/surveyapp's virtualenv replaced by this one."""
    line = next(
        line for line in (ROOT / "deploy" / unit).read_text().splitlines() if line.startswith("ExecStart=")
    )
    return [
        part.replace("/opt/surveyapp/.venv/bin/", f"{BIN}/")
        for part in shlex.split(line.removeprefix("ExecStart="))
    ]


def settings_file(example: str, values: dict[str, str]) -> str:
    """deploy/surveyapp.env.example with its values replaced (and the commented ones left out)."""
    lines = []
    for line in example.splitlines():
        name = line.split("=", 1)[0]
        lines.append(f"{name}={values[name]}" if not line.startswith("#") and name in values else line)
    missing = set(values) - {line.split("=", 1)[0] for line in lines}
    return "\n".join([*lines, *(f"{name}={values[name]}" for name in sorted(missing))]) + "\n"


@pytest.fixture
def production(tmp_path):
    """The role, database and settings file of docs/production.md; everything dropped afterwards."""
    if reason := _postgres_available():
        pytest.skip(f"production test skipped: {reason}")
    from redis import Redis

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        redis.ping()
    except Exception as exc:  # noqa: BLE001 - no server, no test
        pytest.skip(f"production test skipped: no Redis server answers at {REDIS_URL} ({type(exc).__name__})")
    name = f"surveyapp_prod_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    admin = _pg_admin_engine()
    with admin.connect() as conn:  # what createuser --pwprompt and createdb --owner do
        conn.execute(text(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'"))
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{name}"'))
    host = PG_SERVER.split("://", 1)[1].split("/", 1)[0]
    port = _free_port()
    prefix = f"surveyapp-test-{uuid.uuid4().hex[:8]}"
    settings = tmp_path / "surveyapp.env"
    settings.write_text(
        settings_file(
            (ROOT / "deploy" / "surveyapp.env.example").read_text(),
            {
                "DATABASE_URL": f"postgresql://{name}:{password}@{host}/{name}",
                "SECRET_KEY": uuid.uuid4().hex,
                "SURVEYAPP_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "SURVEYAPP_REDIS_URL": REDIS_URL,
                "SURVEYAPP_REDIS_PREFIX": prefix,
            },
        )
    )
    settings.chmod(0o640)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SURVEYAPP_") and key not in ("DATABASE_URL", "SECRET_KEY")
    }
    env["SURVEYAPP_ENV_FILE"] = str(settings)
    try:
        yield env, port
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()
        for key in redis.scan_iter(f"*{prefix}*"):
            redis.delete(key)
        redis.close()


def _surveyapp(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [f"{BIN}/surveyapp", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _start(stack: ExitStack, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    out = stack.enter_context(log.open("w"))
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        with suppress(subprocess.TimeoutExpired):
            process.wait(15)
        if process.poll() is None:
            process.kill()
            process.wait(15)  # reaped, so nothing is left running when the test ends

    stack.callback(stop)
    return process


def test_the_production_page_followed_serves_answers_and_runs_jobs_in_the_worker(production, tmp_path):
    env, port = production
    # surveyapp init (twice: it is safe to repeat); --demo for a round, an open link and logins
    _surveyapp(env, "init")
    printed = _surveyapp(env, "init", "--demo")
    link = re.search(r"avslutningsenkat\s+(\S+)", printed).group(1)
    assert link.startswith(f"http://127.0.0.1:{port}/s/")  # the public URL of the settings file

    web = exec_start("surveyapp-web.service")
    assert web[:1] == [f"{BIN}/gunicorn"] and "wsgi:app" in web
    # one sync worker instead of the unit's three, to spare the shared test machine
    web = [part.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for part in web]
    web[web.index("--workers") + 1] = "1"
    worker = exec_start("surveyapp-worker.service")
    assert worker == [f"{BIN}/surveyapp", "worker"]

    with ExitStack() as stack:
        server = _start(stack, web, env, tmp_path / "gunicorn.log")
        _start(stack, worker, env, tmp_path / "worker.log")
        deadline = time.monotonic() + 90
        while True:
            with suppress(OSError):
                if Browser(port).request("GET", "/login")[0] == 200:
                    break
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)

        # a participant answers through the open link
        participant = Browser(port)
        path = link.removeprefix(f"http://127.0.0.1:{port}")
        assert participant.request("GET", path)[0] == 200
        status, _headers, page = participant.request("GET", f"{path}/sv")
        assert status == 200
        status, headers, _page = participant.request(
            "POST", f"{path}/sv", [*hidden_fields(page), *ANSWERS.items()]
        )
        assert status == 302 and headers["Location"].endswith("/tack")

        # projektledning exports the answers to Excel: a job that the worker process runs
        _role, email, password, _organisation = next(a for a in DEMO_ACCOUNTS if a[0] == "projektledning")
        staff = Browser(port)
        status, _headers, page = staff.request("GET", "/login")
        status, _headers, _page = staff.request(
            "POST", "/login", {**dict(hidden_fields(page)), "email": email, "password": password}
        )
        assert status == 302
        status, _headers, page = staff.request("GET", "/reports/avslutningsenkat")
        assert status == 200
        action = (
            re.search(r'<form method="post" action="([^"]*\.xlsx[^"]*)"', page).group(1).replace("&amp;", "&")
        )
        status, headers, _page = staff.request("POST", action, hidden_fields(page))
        assert status == 303
        job = re.sub(r"^https?://[^/]+", "", headers["Location"])
        deadline = time.monotonic() + 180
        while True:
            status, _headers, body = staff.request("GET", job + "/status")
            if '"done"' in body or '"failed"' in body:
                break
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.5)
        # done, though no web process runs jobs with Redis set: the worker ran it
        assert '"done"' in body, body
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(
            "GET", job + "/file", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in staff.cookies.items())}
        )
        response = conn.getresponse()
        data = response.read()
        conn.close()
        assert response.status == 200
        assert load_workbook(io.BytesIO(data)).sheetnames[0] == "Översikt"
