"""Reports at scale on PostgreSQL: the JSON, the report page and the Excel summary of N generated
avslutningsenkät responses (by kön and födelseregion), each in its own process with its wall
time and peak memory, beside one hand-written SQL query that computes the same counts (a GROUP BY
at the finest cell with GROUPING SETS for the breakdowns).

    .venv/bin/python benchmarks/report_benchmark.py [N ...]   (default 100000; e.g. 100000 1000000)
    .venv/bin/python benchmarks/report_benchmark.py --sqlite N   (the embedded default, no SQL side)

A private PostgreSQL cluster is started in a temporary folder (benchmarks/pgcluster.py) and
removed at the end. Ratios are surveyapp ÷ SQL for the same N.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.pgcluster import PrivatePostgres  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
SURVEYAPP = str(ROOT / ".venv" / "bin" / "surveyapp")
KEY = "avslutningsenkat"
ROUNDS = ("Avslut vår", "Avslut höst")
CHUNK = 100_000

LOAD = """
import sys
sys.path.insert(0, {root!r})
from benchmarks.generated import generate, store
from surveyapp.app import create_app
from surveyapp.extensions import db
from surveyapp.services.questionnaires import current_version, definition_of
from sqlalchemy import func, select
from surveyapp.models import Response
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r}}})
with app.app_context():
    q = definition_of(current_version({key!r}))
    first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    store({key!r}, generate(q, {n}, {rounds!r}, seed=first, first_id=first))
"""

#: one step of the report, in its own process that prints how long the step took (after the
#: app has started); the JSON and the page ask for the breakdowns by kön and födelseregion
STEP = """
import sys, tempfile, time
sys.path.insert(0, {root!r})
from pathlib import Path
from surveyapp.app import create_app
from surveyapp.extensions import db
# the page counted within the request (not handed to a job), to time the counting itself
app = create_app({{"SQLALCHEMY_DATABASE_URI": {url!r}, "SERVER_NAME": "bench.test", "SECRET_KEY": "bench",
                  "REPORT_JOB_RESPONSES": 10**12}})
step = {step!r}
if step == "page":
    from surveyapp.services.accounts import create_account
    with app.app_context():
        account = create_account(f"pl{{time.time_ns()}}@bench.test", "projektledning")
        db.session.commit()
        user_id = account.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
        session["staff_seen"] = int(time.time())
    began = time.perf_counter()
    response = client.get("/reports/{key}?by=kon&by=fodelseregion")
    assert response.status_code == 200, response.status_code
else:
    from click.testing import CliRunner
    from surveyapp.analysis.report import build_report
    from surveyapp.exports.xlsx import write_xlsx
    from surveyapp.services.cells import load_cells
    with app.app_context(), tempfile.TemporaryDirectory() as directory:
        began = time.perf_counter()
        if step == "json":
            result = app.test_cli_runner().invoke(args=["report", {key!r}, "--json", "--by", "kon", "--by",
                                                        "fodelseregion"])
            assert result.exit_code == 0, result.output
        else:
            dims = ["kon", "fodelseregion"]
            report = build_report(load_cells({key!r}, dimensions=dims), dimensions=dims)
            write_xlsx(report, Path(directory) / "summary.xlsx")
print("ELAPSED", time.perf_counter() - began, file=sys.stderr)
"""
STEPS = {
    "JSON (surveyapp report --json)": "json",
    "report page (GET /reports/…)": "page",
    "Excel summary (no answer sheet)": "xlsx",
}

#: the same counts as the report: every item's codes with n, sum and sum of squares, per
#: round, kön and födelseregion, with the totals and each breakdown as grouping sets; and the
#: respondents of the multiple-choice question (one may give several codes), counted distinct
HAND_WRITTEN = """
WITH selected AS (
  SELECT r.id, r.round_id, kon.code AS kon, region.code AS region
  FROM responses r
  LEFT JOIN answers kon ON kon.response_id = r.id AND kon.question_key = 'kon' AND kon.row_key = ''
       AND kon.code <> 'ej_svar'
  LEFT JOIN answers region ON region.response_id = r.id AND region.question_key = 'fodelseregion'
       AND region.row_key = '' AND region.code <> 'ej_svar'
  WHERE r.round_id IN (SELECT id FROM rounds WHERE questionnaire_key = '{key}')
),
cells AS (
  SELECT s.round_id, s.kon, s.region, a.question_key, a.row_key, a.code,
         count(*) AS n, sum(a.number) AS total, sum(a.number * a.number) AS total_sq
  FROM answers a JOIN selected s ON s.id = a.response_id
  WHERE a.code IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6
)
SELECT round_id, kon, region, question_key, row_key, code, sum(n), sum(total), sum(total_sq)
FROM cells
GROUP BY GROUPING SETS ((question_key, row_key, code), (round_id, question_key, row_key, code),
                        (kon, question_key, row_key, code), (region, question_key, row_key, code))
UNION ALL
SELECT s.round_id, s.kon, s.region, a.question_key, a.row_key, NULL, count(DISTINCT s.id), NULL, NULL
FROM answers a JOIN selected s ON s.id = a.response_id
WHERE a.question_key = 'diskriminering'
GROUP BY GROUPING SETS ((a.question_key, a.row_key), (s.round_id, a.question_key, a.row_key),
                        (s.kon, a.question_key, a.row_key), (s.region, a.question_key, a.row_key))
"""


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The seconds the step reported and the peak resident MB of its whole process."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    lines = result.stderr.strip().splitlines()
    elapsed = next(float(line.split()[1]) for line in lines if line.startswith("ELAPSED"))
    return elapsed, int(lines[-1]) / 1024


def python(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def sql_seconds(url: str, key: str) -> float:
    import psycopg

    with psycopg.connect(url) as connection:
        # the settings surveyapp's counting uses (services/cells.py)
        connection.execute("SET jit = off")
        connection.execute("SET work_mem = '64MB'")
        began = time.perf_counter()
        rows = connection.execute(HAND_WRITTEN.format(key=key)).fetchall()
        elapsed = time.perf_counter() - began
    assert rows
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite database instead")
    parser.add_argument("--runs", type=int, default=3, help="runs of each step, each after one of the SQL")
    args = parser.parse_args()

    cluster = None
    with tempfile.TemporaryDirectory() as directory:
        if args.sqlite:
            url = f"sqlite:///{directory}/bench.db"
        else:
            cluster = PrivatePostgres()
            cluster.init()
            url = cluster.url.replace("postgresql://", "postgresql+psycopg://")
        env = {**os.environ, "DATABASE_URL": url, "SURVEYAPP_SECRET_KEY": "bench"}
        try:
            subprocess.run([SURVEYAPP, "init"], env=env, check=True, capture_output=True)
            stored = 0
            print(f"{'responses':>10}  {'step':<34} {'seconds':>8} {'peak MB':>8} {'÷ SQL':>6}")
            for size in sorted(args.sizes):
                while stored < size:
                    n = min(CHUNK, size - stored)
                    code = LOAD.format(root=str(ROOT), url=url, key=KEY, n=n, rounds=ROUNDS)
                    subprocess.run(python(code), env=env, check=True)
                    stored += n
                for step, name in STEPS.items():
                    command = python(STEP.format(root=str(ROOT), url=url, key=KEY, step=name))
                    ratios, seconds, peaks = [], [], []
                    for _ in range(args.runs):
                        # runs taken in turns with the SQL, so that both meet the same load
                        sql = sql_seconds(cluster.url, KEY) if cluster is not None else None
                        elapsed, peak = measured(command, env)
                        seconds.append(elapsed)
                        peaks.append(peak)
                        if sql:
                            ratios.append(elapsed / sql)
                            print(f"{size:>10}  {'hand-written SQL':<34} {sql:>8.2f}", flush=True)
                        print(f"{size:>10}  {step:<34} {elapsed:>8.2f} {peak:>8.0f} "
                              f"{f'{ratios[-1]:.2f}' if ratios else '–':>6}", flush=True)
                    if ratios:
                        ratios.sort()
                        print(f"{size:>10}  {step:<34} ratio min/median/max {ratios[0]:.2f} / "
                              f"{ratios[len(ratios) // 2]:.2f} / {ratios[-1]:.2f}; peak {max(peaks):.0f} MB",
                              flush=True)
        finally:
            if cluster is not None:
                cluster.cleanup()


if __name__ == "__main__":
    main()
