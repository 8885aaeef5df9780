"""How fast imports go and how much memory they take: N generated avslutningsenkät rows (the tests'
generator, tests/exports/dataset.py) through ``surveyapp import``'s service into a fresh SQLite
database, and into a fresh PostgreSQL database when the server answers (DATABASE_URL, else 127.0.0.1:5432).

    .venv/bin/python benchmarks/import_benchmark.py [N]      (default 20000)

Each import runs in a child process of its own; the script prints its seconds, rows per second,
the app's own CPU seconds (a fairer figure on a busy machine; the database server's work is not in
it) and the child's peak resident memory, then the same for importing the same file again (every
row already stored, so nothing new is written).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

CHILD = """
import sys, time
from pathlib import Path
from flask_migrate import upgrade
from surveyapp import create_app
from surveyapp.demo import ORGANISATIONS
from surveyapp.extensions import db
from surveyapp.services.imports import import_file
from surveyapp.services.organisations import add_organisations
from surveyapp.services.questionnaires import sync_questionnaires

root, url, csv, setup = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4] == "1"
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
with app.app_context():
    if setup:
        upgrade(directory=str(root / "migrations"))
        sync_questionnaires(root / "questionnaires")
        add_organisations(ORGANISATIONS)
        db.session.commit()
    began, cpu = time.perf_counter(), time.process_time()
    result = import_file("avslutningsenkat", csv, "Benchmark")
    db.session.commit()
    print(time.perf_counter() - began, time.process_time() - cpu, result.stored)
"""


def measure(url: str, csv: Path, setup: bool) -> tuple[float, float, float]:
    """Imports ``csv`` in a child process: (seconds of the import, the child's CPU seconds in
    it, peak MB)."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), url, str(csv), "1" if setup else "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"the import failed (status {status})")
    seconds, cpu, _stored = output.split()
    return float(seconds), float(cpu), usage.ru_maxrss / 1024


@contextmanager
def databases(directory: Path):
    """(label, url) of a fresh SQLite database and, when the server answers, a fresh PostgreSQL one
    (dropped afterwards)."""
    from sqlalchemy import create_engine, text

    base = os.environ.get("DATABASE_URL", "")
    server = base.rsplit("/", 1)[0] + "/postgres" if base.startswith("postgresql") else POSTGRES
    found = [("SQLite", f"sqlite:///{directory / 'benchmark.db'}")]
    name = f"surveyapp_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        found.append(("PostgreSQL", server.rsplit("/", 1)[0] + "/" + name))
    except Exception as exc:  # noqa: BLE001 - any failure means no server to measure
        print(f"PostgreSQL   skipped: {type(exc).__name__}")
        admin.dispose()
        admin = None
    try:
        yield found
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def line(label: str, what: str, rows: int, seconds: float, cpu: float, peak: float) -> str:
    return (f"{label:<11} {what:<6} {rows} rows  {seconds:6.2f} s  {rows / seconds:6.0f} rows/s"
            f"  (app CPU {cpu:6.2f} s, {rows / cpu:6.0f} rows/CPU-s)  peak {peak:4.0f} MB")


def main() -> None:
    from tests.exports.dataset import avslutningsenkat_rows, write_csv

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with tempfile.TemporaryDirectory() as directory:
        csv = write_csv(Path(directory) / "avslutningsenkat.csv", avslutningsenkat_rows(n, seed=7))
        print(f"{n} rows, {csv.stat().st_size / 1024 / 1024:.1f} MB")
        with databases(Path(directory)) as found:
            for label, url in found:
                print(line(label, "first", n, *measure(url, csv, setup=True)))
                print(line(label, "again", n, *measure(url, csv, setup=False)))


if __name__ == "__main__":
    main()
