"""A participant's form while three Excel exports run: the exports as background jobs.

Starts a private PostgreSQL cluster (see pgcluster.py), fills it with a generated
avslutningsenkät of ``--responses`` answers (1,000 imported through ``surveyapp import``, then
copied in SQL), and runs gunicorn with 2 sync workers on loopback, twice:

- ``rq``: with ``SURVEYAPP_REDIS_URL`` (the Redis on 127.0.0.1:6379, under a key prefix of this
  run) and ``surveyapp worker`` as a separate process, the production set-up;
- ``thread``: without Redis; the jobs run in threads of the gunicorn workers (``make run``'s
  set-up), for comparison.

In each, one participant GETs the form over and over: first alone (the baseline), then while
three staff members each start an Excel export with answers (POST, then the job's status page
polled until done). The staff open the report page before that (the first computes it, the
others get it from the report cache). It prints the form's latency percentiles for both, the
report page's time, and how long the exports took.

    .venv/bin/python benchmarks/export_jobs.py [--responses 60000] [--modes rq,thread]

Loopback only; everything it started is stopped and its Redis keys deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import Browser, hidden_fields  # noqa: E402
from participant_flow import wait_for  # noqa: E402
from pgcluster import PrivatePostgres, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("SURVEYAPP_BENCH_REDIS", "redis://127.0.0.1:6379/0")
PASSWORD = "ett långt lösenord för mätningen"
STAFF = [f"pl{n}@projekt.example" for n in range(3)]


#: the demo's project the answers go to and the staff hold
PROJECT = "Cresco+"


def populate(env: dict, directory: Path, responses: int) -> str:
    """The demo data, three projektledning accounts of its first project and ``responses``
    answers in it; the token of the avslutningsenkät's open link."""
    init = subprocess.run([str(VENV_BIN / "surveyapp"), "init", "--demo"], env=env, cwd=ROOT,
                          check=True, capture_output=True, text=True)
    match = re.search(r"avslutningsenkat\s+(\S*/s/\S+)", init.stdout)
    if not match:
        sys.exit("export_jobs: surveyapp init --demo printed no avslutningsenkät link")
    token = urlsplit(match.group(1)).path.rsplit("/", 1)[1]

    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    from sqlalchemy import text

    from surveyapp import create_app
    from surveyapp.extensions import db
    from surveyapp.services.accounts import create_account
    from surveyapp.services.projects import find_project
    from tests.exports.dataset import avslutningsenkat_rows, import_rows

    app = create_app()
    with app.app_context():
        project = find_project(PROJECT)
        for email in STAFF:
            create_account(email, "projektledning", [], password=PASSWORD, projects=[project])
        db.session.commit()
        base = min(1000, responses)
        import_rows(app.test_cli_runner(), directory, "avslutningsenkat", avslutningsenkat_rows(base),
                    "Avslut 2026", PROJECT)
        copies = max(0, -(-responses // base) - 1)
        if copies:
            columns = [c for c in db.session.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'responses' "
                "AND column_name NOT IN ('id', 'uuid') ORDER BY ordinal_position")).scalars()]
            answer_columns = [c for c in db.session.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'answers' "
                "AND column_name NOT IN ('id', 'response_id') ORDER BY ordinal_position")).scalars()]
            cols, acols = ", ".join(columns), ", ".join(answer_columns)
            db.session.execute(text(
                "CREATE TEMP TABLE copies AS SELECT r.id AS old, "
                "nextval(pg_get_serial_sequence('responses', 'id')) AS new "
                "FROM responses r JOIN rounds o ON o.id = r.round_id, generate_series(1, :k) "
                "WHERE o.name = 'Avslut 2026'"), {"k": copies})
            db.session.execute(text(
                f"INSERT INTO responses (id, uuid, {cols}) SELECT c.new, gen_random_uuid()::text, "
                f"{', '.join('r.' + c for c in columns)} FROM responses r JOIN copies c ON c.old = r.id"))
            db.session.execute(text(
                f"INSERT INTO answers (response_id, {acols}) SELECT c.new, "
                f"{', '.join('a.' + c for c in answer_columns)} "
                "FROM answers a JOIN copies c ON c.old = a.response_id"))
            db.session.commit()
            db.session.execute(text("ANALYZE"))
        total = db.session.execute(text("SELECT count(*) FROM responses")).scalar()
        answers = db.session.execute(text("SELECT count(*) FROM answers")).scalar()
        db.session.remove()
        db.engine.dispose()
    print(f"data: {total} responses, {answers} answers")
    return token


def percentiles(samples: list[float], points: tuple[float, ...] = (0.5, 0.9, 0.99)) -> str:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    shown = "  ".join(f"p{round(p * 100)} {at(p):6.1f} ms" for p in points)
    return f"n={len(ordered):4d}  {shown}  max {ordered[-1] * 1000:7.1f} ms"


def form_latencies(port: int, token: str, stop: threading.Event, seconds: float | None = None,
                   timeout: float = 30) -> list[float]:
    """A participant GETting the form one request after the other until ``stop`` (or ``seconds``)."""
    participant = Browser(port, timeout=timeout)
    participant.request("GET", f"/s/{token}")
    samples = []
    end = time.monotonic() + seconds if seconds else None
    while not stop.is_set() and (end is None or time.monotonic() < end):
        start = time.perf_counter()
        status, _headers, _page = participant.request("GET", f"/s/{token}/sv")
        samples.append(time.perf_counter() - start)
        if status != 200:
            raise SystemExit(f"the form answered {status}")
        time.sleep(0.05)  # a participant, not a load generator
    return samples


@contextmanager
def served(mode: str, pg: PrivatePostgres, label: str, env: dict[str, str], timeout: int):
    """gunicorn (2 sync workers) on a free port over ``pg``, with an RQ worker in mode "rq";
    yields the port, and stops both and forgets the run's Redis keys afterwards."""
    port = free_port()
    prefix = f"surveyapp-bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": pg.url, "SECRET_KEY": "benchmark-secret",
           "SURVEYAPP_PUBLIC_URL": f"http://127.0.0.1:{port}", **env}
    env.pop("SURVEYAPP_REDIS_URL", None)
    if mode == "rq":
        env.update({"SURVEYAPP_REDIS_URL": REDIS_URL, "SURVEYAPP_REDIS_PREFIX": prefix})
    processes = []
    log = (pg.dir / f"{label}.log").open("w")
    try:
        processes.append(subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync",
             "--timeout", str(timeout), "--log-level", "warning", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            env=env, cwd=ROOT, stdout=log, stderr=log))
        if mode == "rq":
            processes.append(subprocess.Popen([str(VENV_BIN / "surveyapp"), "worker"], env=env, cwd=ROOT,
                                              stdout=log, stderr=log))
        wait_for(port)
        yield port
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        log.close()
        if mode == "rq":
            from redis import Redis

            connection = Redis.from_url(REDIS_URL)
            for key in connection.scan_iter(f"*{prefix}*"):
                connection.delete(key)
            connection.close()


def open_report(port: int, email: str) -> tuple[Browser, str, list, float]:
    """A staff member logs in and opens the report page: their browser, the export form's
    address and fields, and how long the page took."""
    staff = Browser(port, timeout=300)  # the first report page of a large dataset takes a while
    _status, _headers, page = staff.request("GET", "/login")
    login = {**dict(hidden_fields(page)), "email": email, "password": PASSWORD}
    status, _headers, _page = staff.request("POST", "/login", login)
    assert status == 302, status
    start = time.perf_counter()
    status, _headers, page = staff.request("GET", "/reports/avslutningsenkat")
    elapsed = time.perf_counter() - start
    assert status == 200, status
    action = re.search(r'<form method="post" action="([^"]*\.xlsx[^"]*)"', page).group(1)
    return staff, action.replace("&amp;", "&"), hidden_fields(page), elapsed


def export(staff: Browser, action: str, fields: list, results: list) -> None:
    """Starts an Excel export with answers, waits for the job, downloads the file."""
    start = time.perf_counter()
    status, headers, _page = staff.request("POST", action, fields)
    assert status == 303, status
    job = urlsplit(headers["Location"]).path
    deadline = time.monotonic() + 1800
    while True:
        status, _headers, body = staff.request("GET", job + "/status")
        state = json.loads(body)
        if state["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - start
    size = len(staff.request("GET", state["file"])[2]) if state["file"] else 0
    results.append((len(results), state["status"], elapsed, size))


def run(mode: str, pg: PrivatePostgres, token: str, baseline_seconds: float) -> None:
    with served(mode, pg, mode, {}, timeout=300) as port:
        form_latencies(port, token, threading.Event(), 1.0)  # warm-up: imports, first connections
        baseline = form_latencies(port, token, threading.Event(), baseline_seconds)
        # the staff open the report page first: computed once, then from the report cache
        opened = [open_report(port, email) for email in STAFF]
        stop = threading.Event()
        during: list[float] = []
        sampler = threading.Thread(target=lambda: during.extend(form_latencies(port, token, stop)))
        sampler.start()
        results: list = []
        start = time.perf_counter()
        staff = [threading.Thread(target=export, args=(browser, action, fields, results))
                 for browser, action, fields, _elapsed in opened]
        for thread in staff:
            thread.start()
        for thread in staff:
            thread.join()
        total = time.perf_counter() - start
        stop.set()
        sampler.join()
        runner = ("RQ worker (a separate process)" if mode == "rq"
                  else "in-process threads of the gunicorn workers")
        print(f"\n{mode}: jobs run by the {runner}")
        print(f"  form GET, no export running:    {percentiles(baseline)}")
        print(f"  form GET, three exports running: {percentiles(during)}")
        print(f"  p50 ratio during/alone: {statistics.median(during) / statistics.median(baseline):.2f}")
        print("  report page: " + ", ".join(f"{o[3]:.2f} s" for o in opened)
              + " (the first computed, the others from the report cache)")
        for n, status, elapsed, size in sorted(results):
            print(f"  export {n + 1}: {status} in {elapsed:5.1f} s (queued and run), {size / 1e6:.1f} MB")
        print(f"  all three exports done in {total:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=60000)
    parser.add_argument("--modes", default="rq,thread")
    parser.add_argument("--baseline-seconds", type=float, default=10)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    pg = PrivatePostgres()
    try:
        pg.init()
        with tempfile.TemporaryDirectory() as directory:
            token = populate({"DATABASE_URL": pg.url, "SECRET_KEY": "benchmark-secret"}, Path(directory),
                             args.responses)
        print(f"gunicorn: 2 sync workers; {os.cpu_count()} cores; participant GETs the form every 50 ms")
        for mode in args.modes.split(","):
            run(mode, pg, token, args.baseline_seconds)
    finally:
        pg.cleanup()


if __name__ == "__main__":
    main()
