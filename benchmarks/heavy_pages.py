"""A participant's form while three staff members open heavy staff pages that nothing has computed.

Starts a private PostgreSQL cluster (see pgcluster.py), fills it with a generated avslutningsenkät
of ``--responses`` answers (as export_jobs.py does), and runs gunicorn with 2 sync workers on
loopback, once per mode:

- ``rq``: with ``SURVEYAPP_REDIS_URL`` (the Redis on 127.0.0.1:6379, under a key prefix of this
  run) and ``surveyapp worker`` as a separate process, the production set-up;
- ``thread``: without Redis; jobs run in threads of the gunicorn workers (``make run``'s set-up);
- ``rq-inline``, ``thread-inline``: the same with every report page and Måluppfyllelse computed
  within its request (``SURVEYAPP_REPORT_JOB_RESPONSES`` out of reach), as before they became jobs.

First each heavy page is opened once by one staff member alone (how long it takes, and whether it
answered with the page or with a job's progress page). Then one participant GETs the form over
and over: alone (the baseline), and while three staff members each open report pages whose
selection nothing has computed yet, one after the other, as a browser would (a job's progress page
polled until done, then the page): first Måluppfyllelse on a day of their own (``per``, so that
no one's goal table is kept for another), then report pages. It prints the form's p50/p95 for
both.

    .venv/bin/python benchmarks/heavy_pages.py [--responses 100000] [--modes rq,thread]

Set ``--job-responses`` to the ``SURVEYAPP_REPORT_JOB_RESPONSES`` to run with (default: the
app's default). Loopback only; everything it started is stopped and its Redis keys deleted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_jobs import PASSWORD, STAFF, form_latencies, percentiles, populate, served  # noqa: E402
from loopback import Browser, hidden_fields  # noqa: E402
from pgcluster import PrivatePostgres  # noqa: E402

REPORT = "/reports/avslutningsenkat"
GOALS = "/staff/maluppfyllelse"
#: projektledning's staff pages opened once each, alone, to see which are heavy
PAGES = ("/staff/", "/staff/mattillfallen", "/reports/", REPORT, REPORT + "?by=kon",
         "/staff/inlasning", GOALS)
#: the paths of a job's progress page: a report page's and Måluppfyllelse's
JOB_PATHS = ("/jobs/", "/jobb/")
#: report selections, each computed once: every staff member opens new ones
DIMENSIONS = ("kon", "aldersgrupp", "fodelseregion", "organisation")
SELECTIONS = [
    [("by", d) for d in combo]
    for size in (1, 2, 3) for combo in itertools.combinations(DIMENSIONS, size) if combo != ("kon",)
]


def login(port: int, email: str) -> Browser:
    staff = Browser(port, timeout=600)
    _status, _headers, page = staff.request("GET", "/login")
    status, _headers, _page = staff.request("POST", "/login", {**dict(hidden_fields(page)), "email": email,
                                                                 "password": PASSWORD})
    assert status == 302, status
    return staff


def open_page(staff: Browser, path: str) -> tuple[float, str]:
    """Opens a staff page as a browser does: a job's progress page is polled until the job is
    done and the page then shown. How long it took, and how it answered."""
    start = time.perf_counter()
    status, headers, _page = staff.request("GET", path)

    def to_job() -> bool:
        return any(p in headers.get("Location", "") for p in JOB_PATHS)

    while status in (301, 302) and not to_job():
        status, headers, _page = staff.request("GET", urlsplit(headers["Location"]).path)
    how = "page"
    if status in (302, 303) and to_job():
        how = "job"
        job = urlsplit(headers["Location"]).path
        while True:
            status, _headers, body = staff.request("GET", job + "/status")
            state = json.loads(body)
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        if state["status"] != "done":
            raise SystemExit(f"heavy_pages: the job of {path} failed: {state}")
        status, _headers, _page = staff.request("GET", state["file"])
    if status != 200:
        raise SystemExit(f"heavy_pages: {path} answered {status}")
    return time.perf_counter() - start, how


def staff_member(port: int, email: str, paths: list[str], timings: list) -> None:
    staff = login(port, email)
    for path in paths:
        elapsed, how = open_page(staff, path)
        timings.append((email, path, elapsed, how))


def forget_jobs(url: str) -> None:
    """Deletes the jobs of an earlier mode, so that no report is found already computed."""
    from sqlalchemy import create_engine, text

    from surveyapp.config import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM jobs"))
    engine.dispose()


def run(mode: str, pg: PrivatePostgres, token: str, args) -> None:
    forget_jobs(pg.url)
    label = mode
    env = {}
    if args.job_responses is not None:
        env["SURVEYAPP_REPORT_JOB_RESPONSES"] = str(args.job_responses)
    mode, _sep, inline = mode.partition("-")
    if inline:  # as before: every report page counted within its request
        env["SURVEYAPP_REPORT_JOB_RESPONSES"] = str(10**12)
    with served(mode, pg, label, env, timeout=600) as port:
        # warm-up: imports, first connections
        form_latencies(port, token, threading.Event(), 1.0, timeout=300)
        runner = "RQ worker (a separate process)" if mode == "rq" else "threads of the gunicorn workers"
        print(f"\n{mode}{' (report pages counted within the request)' if inline else ''}: "
              f"jobs run by the {runner}")
        alone = login(port, STAFF[0])
        for path in PAGES:
            elapsed, how = open_page(alone, path)
            print(f"  alone: {path:40s} {elapsed:6.2f} s ({how})")
        baseline = form_latencies(port, token, threading.Event(), args.baseline_seconds, timeout=300)
        stop = threading.Event()
        during: list[float] = []
        sampler = threading.Thread(
            target=lambda: during.extend(form_latencies(port, token, stop, timeout=300)))
        sampler.start()
        timings: list = []
        # each staff member opens Måluppfyllelse on a day no one has asked for, then report
        # selections no one has opened yet (nothing is kept)
        share = [[f"{GOALS}?per={date.today() - timedelta(days=n + 1)}"]
                 + [REPORT + "?" + urlencode(s) for s in SELECTIONS[n::len(STAFF)][: args.pages]]
                 for n in range(len(STAFF))]
        start = time.perf_counter()
        staff = [threading.Thread(target=staff_member, args=(port, email, mine, timings))
                 for email, mine in zip(STAFF, share, strict=True)]
        for thread in staff:
            thread.start()
        for thread in staff:
            thread.join()
        total = time.perf_counter() - start
        stop.set()
        sampler.join()
        print(f"  form GET alone:                          {percentiles(baseline, (0.5, 0.95))}")
        print(f"  form GET, three staff on uncached pages: {percentiles(during, (0.5, 0.95))}")
        for email, path, elapsed, how in timings:
            print(f"    {email} {path:60s} {elapsed:6.2f} s ({how})")
        goals = [elapsed for _e, path, elapsed, _h in timings if path.startswith(GOALS)]
        print(f"  Måluppfyllelse, uncached, took {', '.join(f'{t:.1f}' for t in goals)} s")
        print(f"  the staff's {len(timings)} pages took {total:.1f} s in all")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--modes", default="rq-inline,rq,thread",
                        help="rq, thread; with -inline: report pages counted within the request")
    parser.add_argument("--pages", type=int, default=3, help="uncached report pages per staff member")
    parser.add_argument("--job-responses", type=int, default=None)
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
            run(mode, pg, token, args)
    finally:
        pg.cleanup()


if __name__ == "__main__":
    main()
