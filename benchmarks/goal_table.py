"""Måluppfyllelse at scale: the goal table computed uncached and kept, in-process and as the
page a projektledare opens, at demo size on SQLite and with N generated answers on PostgreSQL.

    .venv/bin/python benchmarks/goal_table.py            (demo size on SQLite, 100 000 on PostgreSQL)
    .venv/bin/python benchmarks/goal_table.py --sizes 100000 300000
    .venv/bin/python benchmarks/goal_table.py --demo-only

The demo database is the one `surveyapp init --demo` makes. The PostgreSQL runs add N generated
avslutningsenkät answers and N/4 progressionskort ratings (with their register) to the demo, in a
private cluster started in a temporary folder (benchmarks/pgcluster.py). Each measurement runs in
a fresh process, so "uncached" means nothing was kept before; "kept" is the same request again.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pgcluster import PrivatePostgres  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
SURVEYAPP = str(ROOT / ".venv" / "bin" / "surveyapp")

LOAD = """
import sys
PROJECT = "Cresco+"  # the demo's first project, where the generated answers go
sys.path.insert(0, {root!r})
from benchmarks.generated import generate, store
from surveyapp.app import create_app
from surveyapp.extensions import db
from surveyapp.services.questionnaires import current_version, definition_of
from sqlalchemy import func, select
from surveyapp.models import Response
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r}}})
with app.app_context():
    for key, n in (("avslutningsenkat", {n}), ("progressionskort", {n} // 4)):
        q = definition_of(current_version(key))
        first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
        store(key, generate(q, n, ("Mättillfälle 1", "Mättillfälle 2"), seed=first, first_id=first),
              project=PROJECT)
"""

MEASURE = """
import sys, time
PROJECT = "Cresco+"
sys.path.insert(0, {root!r})
from surveyapp.app import create_app
from surveyapp.extensions import db
# the page computed within the request (not handed to a job), to time the computing itself
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r}, "SERVER_NAME": "bench.test", "SECRET_KEY": "bench",
                  "REPORT_JOB_RESPONSES": 10**12}})
with app.app_context():
    from surveyapp.services.project import goal_table
    from surveyapp.services.accounts import create_account
    from surveyapp.services.projects import bind_account, find_project
    project = find_project(PROJECT)
    pid = project.id
    account = create_account(f"pl{{time.time_ns()}}@bench.test", "projektledning")
    bind_account(account, [project])
    db.session.commit()
    user_id = account.get_id()
    began = time.perf_counter(); goal_table(project_id=pid); uncached = time.perf_counter() - began
    began = time.perf_counter(); goal_table(project_id=pid); kept = time.perf_counter() - began
    # the page's other tables, computed without keeping them (the page keeps them below)
    from surveyapp.services.insatser import insatser_report
    from surveyapp.services.project import _staff_beside_own
    threshold = app.config["SMALL_CELL_THRESHOLD"]
    began = time.perf_counter(); insatser_report(None, threshold, pid); insatser = time.perf_counter() - began
    began = time.perf_counter(); _staff_beside_own(None, threshold, pid); beside = time.perf_counter() - began
    # the page's goal table (the goals' questions only) computed afresh, and its CPU seconds,
    # this process's and the database's (one backend: no parallel workers), which a loaded
    # machine stretches less than the wall-clock time
    import os
    from surveyapp.services.project import DEFAULT_DIMENSIONS, _compute_goal_table
    postgres = db.engine.dialect.name == "postgresql"
    db.session.rollback()
    if postgres:
        db.session.execute(db.text("SET max_parallel_workers_per_gather = 0"))
        backend = db.session.execute(db.text("SELECT pg_backend_pid()")).scalar()
    def backend_cpu():
        if not postgres:
            return 0.0
        fields = open(f"/proc/{{backend}}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    database, python, began = backend_cpu(), time.process_time(), time.perf_counter()
    _compute_goal_table(None, DEFAULT_DIMENSIONS, enrolled_until=None, min_days=None, as_of=None,
                        full_reports=False, project_id=pid)
    python, database = time.process_time() - python, backend_cpu() - database
    page_table = time.perf_counter() - began
    db.session.rollback()
    answers = db.session.execute(db.text("SELECT count(*) FROM responses")).scalar()
client = app.test_client()
with client.session_transaction() as session:
    session["_user_id"] = user_id
    session["_fresh"] = True
    session["staff_seen"] = int(time.time())
# another day than the in-process table above, so the page computes its table afresh
pages = []
for _ in range(2):
    began = time.perf_counter()
    response = client.get("/staff/maluppfyllelse?per=2099-12-31")
    assert response.status_code == 200, response.status_code
    pages.append(time.perf_counter() - began)
print(f"RESULT {{answers}} {{uncached:.3f}} {{kept:.3f}} {{pages[0]:.3f}} {{pages[1]:.3f}} {{insatser:.3f}} "
      f"{{beside:.3f}} {{page_table:.3f}} {{python:.3f}} {{database:.3f}}")
"""


def run(code: str, env: dict[str, str]) -> str:
    result = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr[-3000:])
    return result.stdout


def demo(url: str, env: dict[str, str]) -> None:
    subprocess.run([SURVEYAPP, "init", "--demo"], env={**env, "DATABASE_URL": url}, check=True,
                   capture_output=True)


def measure(label: str, url: str, env: dict[str, str], runs: int) -> None:
    for _ in range(runs):
        line = next(x for x in run(MEASURE.format(root=str(ROOT), url=url), env).splitlines()
                    if x.startswith("RESULT"))
        answers, uncached, kept, page, page_kept, insatser, beside, page_table, python, database = \
            line.split()[1:]
        print(f"{label:<12} {int(answers):>9} answers  goal_table uncached {float(uncached):6.2f} s  "
              f"kept {float(kept):6.3f} s  page uncached {float(page):6.2f} s  "
              f"page kept {float(page_kept):6.3f} s  insatser {float(insatser):5.2f} s  "
              f"staff beside own {float(beside):5.2f} s  the page's goal table uncached "
              f"{float(page_table):5.2f} s (CPU: Python {float(python):5.2f} s + database "
              f"{float(database):5.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--demo-only", action="store_true")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{directory}/demo.db"
        demo(url, env)
        measure("demo sqlite", url, env, args.runs)
        if args.demo_only:
            return
        cluster = PrivatePostgres()
        cluster.init()
        try:
            pg = cluster.url.replace("postgresql://", "postgresql+psycopg://")
            demo(pg, env)
            loaded = 0
            for size in sorted(args.sizes):
                run(LOAD.format(root=str(ROOT), url=pg, n=size - loaded), env)
                loaded = size
                measure("postgresql", pg, env, args.runs)
        finally:
            cluster.stop()
            cluster.cleanup()


if __name__ == "__main__":
    main()
