"""How much memory an import takes: a generated avslutningsenkät CSV of SIZE megabytes (50 by
default) imported into a fresh SQLite database, in a child process whose peak memory is measured.

    .venv/bin/python benchmarks/import_memory.py [SIZE_MB]

Prints the file's size and rows, the seconds taken and the child's peak resident memory; the
import reads and stores the file batch by batch, so the peak should stay well under 300 MB.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = """
import sys
from pathlib import Path
from flask_migrate import upgrade
from surveyapp import create_app
from surveyapp.demo import ORGANISATIONS
from surveyapp.extensions import db
from surveyapp.services.imports import import_file
from surveyapp.services.organisations import add_organisations
from surveyapp.services.questionnaires import sync_questionnaires

root, url, csv = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
with app.app_context():
    upgrade(directory=str(root / "migrations"))
    sync_questionnaires(root / "questionnaires")
    add_organisations(ORGANISATIONS)
    db.session.commit()
    result = import_file("avslutningsenkat", csv, "Minne")
    db.session.commit()
    print(result.stored, "stored")
"""


def write_file(path: Path, megabytes: int) -> int:
    from surveyapp.demo import avslutningsenkat_rows, write_csv

    rows = avslutningsenkat_rows(2000, seed=11)
    for i, row in enumerate(rows):
        row["kommentar"] = f"Kommentar {i}: " + "bra stöd och fint bemötande " * 4
    sample = write_csv(path.with_suffix(".sample.csv"), rows).read_text(encoding="utf-8-sig")
    header, body = sample.split("\n", 1)
    lines = body.splitlines()
    written = 0
    target = megabytes * 1024 * 1024
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write(header + "\n")
        copy = 0
        while f.tell() < target:
            for line in lines:
                # a fresh response_id per copy, so every row is a new response
                f.write(f"{copy:08x}" + line[8:] + "\r\n")
                written += 1
            copy += 1
    return written


def main() -> None:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as directory:
        csv = Path(directory) / "avslutningsenkat.csv"
        rows = write_file(csv, megabytes)
        size = csv.stat().st_size / 1024 / 1024
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", CHILD, str(ROOT), f"sqlite:///{Path(directory) / 'm.db'}",
                        str(csv)], check=True)
        seconds = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{size:.0f} MB, {rows} rows: {seconds:.0f} s, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
