"""How the evaluator's export goes at scale: N generated avslutningsenkät responses stored in
bulk into a fresh PostgreSQL database when the server answers (else a fresh SQLite one; see
export_benchmark.py), then ``surveyapp export`` in each format, and the coarsened Excel answer
sheet, each in a child process of its own.

    .venv/bin/python benchmarks/export_memory.py [N] [--sqlite]      (default 100000)

Prints wall seconds, the child's peak resident memory (bound: 300 MB at 100 000 answers), the
file's size, and how the rows were coarsened (the smallest combination's size, rows left out).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from export_benchmark import run_exports  # noqa: E402

EXPORT = """
import sys, time
from pathlib import Path
from surveyapp import create_app

url, how, path = sys.argv[1], sys.argv[2], Path(sys.argv[3])
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
with app.app_context():
    began = time.perf_counter()
    if how == "xlsx":
        args = ["report", "avslutningsenkat", "--xlsx", str(path)]
    else:
        args = ["export", "avslutningsenkat", str(path), "--format", how]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    seconds = time.perf_counter() - began
    from surveyapp.extensions import db
    from surveyapp.models import AuditEvent
    detail = db.session.query(AuditEvent.detail).order_by(AuditEvent.id.desc()).limit(1).scalar()
    print(detail)
    print(seconds)
"""

WAYS = (
    ("sav", "export --format sav"),
    ("dta", "export --format dta"),
    ("csv", "export --format csv"),
    ("xlsx", "report --xlsx (coarsened answer sheet)"),
)


def main() -> None:
    run_exports(EXPORT, WAYS, lambda how: f"export.{how}", detail=True)


if __name__ == "__main__":
    main()
