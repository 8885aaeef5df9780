"""How fast imports go: N generated avslutningsenkät rows (the demo files' generator) through
``surveyapp import``'s service, into a fresh SQLite database, and into PostgreSQL when one answers.

    .venv/bin/python benchmarks/import_benchmark.py [N]      (default 5000)

Prints seconds and rows per second for each database, and how the second import of the same file
(every row already stored, so nothing new) compares with the first.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from surveyapp import create_app  # noqa: E402
from surveyapp.demo import ORGANISATIONS, avslutningsenkat_rows, write_csv  # noqa: E402
from surveyapp.extensions import db  # noqa: E402
from surveyapp.services.imports import import_file  # noqa: E402
from surveyapp.services.organisations import add_organisations  # noqa: E402
from surveyapp.services.questionnaires import sync_questionnaires  # noqa: E402

POSTGRES = "postgresql+psycopg://127.0.0.1:5432/postgres"


def run(label: str, url: str, csv: Path, n: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        sync_questionnaires(ROOT / "questionnaires")
        add_organisations(ORGANISATIONS)
        db.session.commit()
        times = []
        for _ in range(2):
            began = time.perf_counter()
            import_file("avslutningsenkat", csv, "Benchmark")
            db.session.commit()
            times.append(time.perf_counter() - began)
        db.session.remove()
        db.engine.dispose()
    first, again = times
    print(f"{label:<12} {n} rows  first {first:6.2f} s ({n / first:6.0f} rows/s)"
          f"  again {again:6.2f} s  ratio again/first {again / first:4.2f}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as directory:
        csv = write_csv(Path(directory) / "avslutningsenkat.csv", avslutningsenkat_rows(n, seed=7))
        run("SQLite", f"sqlite:///{Path(directory) / 'benchmark.db'}", csv, n)
        name = f"surveyapp_bench_{uuid.uuid4().hex[:8]}"
        try:
            admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as exc:  # noqa: BLE001 - any failure means no server to measure
            print(f"PostgreSQL   skipped: {type(exc).__name__}")
            return
        try:
            run("PostgreSQL", POSTGRES.rsplit("/", 1)[0] + "/" + name, csv, n)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
