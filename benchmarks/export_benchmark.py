"""How the Excel summary with the answer sheet (**Svar**) goes at scale: N generated
avslutningsenkät responses stored in bulk (the import's COPY / executemany) into a fresh
PostgreSQL database when the server answers (DATABASE_URL, else 127.0.0.1:5432; dropped
afterwards), else a fresh SQLite one, then each export in a child process of its own.

    .venv/bin/python benchmarks/export_benchmark.py [N] [--sqlite]      (default 100000)

Prints wall seconds and the child's peak resident memory of
- ``surveyapp report avslutningsenkat --xlsx FILE``: the summary with the answer sheet streamed
  from a server-side cursor, as the command and the report page's download write it;
- the answer sheet alone (streamed, beside a report of no answers): the part this streaming bounds;
- the summary and answer sheet built the old way, from the loaded frames (``answer_table``), for
  comparison.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_benchmark import databases  # noqa: E402

FILL = """
import sys
from pathlib import Path
from flask_migrate import upgrade
from surveyapp import create_app
from tests.exports.dataset import ORGANISATIONS, avslutningsenkat_rows, write_csv
from surveyapp.extensions import db
from surveyapp.services.imports import import_file
from surveyapp.services.organisations import add_organisations
from surveyapp.services.questionnaires import sync_questionnaires

root, url, n, directory = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
with app.app_context():
    upgrade(directory=str(root / "migrations"))
    sync_questionnaires(root / "questionnaires")
    add_organisations(ORGANISATIONS)
    db.session.commit()
    for start in range(0, n, 50000):
        rows = avslutningsenkat_rows(min(50000, n - start), seed=start + 1)
        for i, row in enumerate(rows):
            row["kommentar"] = f"Kommentar {start + i}" if i % 3 == 0 else ""
        csv = write_csv(directory / "part.csv", rows)
        import_file("avslutningsenkat", csv, "Benchmark")
        db.session.commit()
"""

EXPORT = """
import sys, time
from datetime import date
from pathlib import Path
from surveyapp import create_app
from surveyapp.analysis.records import AnswerRows, answer_table
from surveyapp.analysis.report import build_report
from surveyapp.exports.xlsx import write_xlsx
from surveyapp.services.answer_rows import answer_rows
from surveyapp.services.frames import load_answers

url, how, path = sys.argv[1], sys.argv[2], Path(sys.argv[3])
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
with app.app_context():
    began = time.perf_counter()
    if how == "command":
        result = app.test_cli_runner().invoke(args=["report", "avslutningsenkat", "--xlsx", str(path),
                                                    "--with-text"])
        assert result.exit_code == 0, result.output
    elif how == "sheet":
        report = build_report(load_answers("avslutningsenkat", since=date(2999, 1, 1)))
        answers = answer_rows("avslutningsenkat", include_text=True)
        write_xlsx(report, path, answers=answers)
        assert answers.count > 0
    else:
        data = load_answers("avslutningsenkat")
        write_xlsx(build_report(data), path, answers=AnswerRows.of(answer_table(data, include_text=True)))
    print(time.perf_counter() - began)
"""

WAYS = (
    ("command", "report --xlsx (streamed answer sheet)"),
    ("sheet", "answer sheet alone, streamed"),
    ("frames", "answer sheet from the frames (before)"),
)


def child(code: str, *args: str) -> tuple[str, float]:
    """Runs ``code`` in a child process: (its output, its peak resident MB)."""
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"the child failed (status {status}): {' '.join(args[:2])}")
    return output, usage.ru_maxrss / 1024


def run_exports(export: str, ways, file_name, detail: bool = False) -> None:
    """Stores N generated avslutningsenkät answers (``N`` and ``--sqlite`` from the command
    line) and runs each way's ``export`` in a child process: its seconds, its peak memory and
    the file's size (``file_name(how)``), with the export's own last line but one (``detail``)."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100000
    with tempfile.TemporaryDirectory() as directory, databases(Path(directory)) as found:
        if "--sqlite" not in sys.argv and len(found) > 1:
            found = found[1:]
        label, url = found[0]
        began = time.perf_counter()
        child(FILL, str(ROOT), url, str(n), directory)
        print(f"{label}: {n} avslutningsenkät responses stored in {time.perf_counter() - began:.0f} s")
        for how, title in ways:
            path = Path(directory) / file_name(how)
            output, peak = child(export, url, how, str(path))
            lines = output.strip().splitlines()
            print(f"{title:<40} {float(lines[-1].split()[-1]):7.1f} s  peak {peak:5.0f} MB"
                  f"  ({path.stat().st_size / 1e6:.1f} MB file)" + (f"  {lines[-2][:90]}" if detail else ""))


def main() -> None:
    run_exports(EXPORT, WAYS, lambda how: f"{how}.xlsx")


if __name__ == "__main__":
    main()
