"""How an import of a large file goes: a generated avslutningsenkät CSV of SIZE megabytes (50 by
default, every row a new response with a free-text comment) imported into a fresh SQLite database
and, when the server answers, a fresh PostgreSQL one, each in a child process.

    .venv/bin/python benchmarks/import_memory.py [SIZE_MB]

Prints the file's size and rows, then per database the seconds, rows per second and the child's
peak resident memory; the import reads, checks and stores the file batch by batch, so the peak
does not grow with the file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_benchmark import databases, line, measure  # noqa: E402


def write_file(path: Path, megabytes: int) -> int:
    from tests.exports.dataset import avslutningsenkat_rows, write_csv

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
            for text in lines:
                # a fresh response_id per copy, so every row is a new response
                f.write(f"{copy:08x}" + text[8:] + "\r\n")
                written += 1
            copy += 1
    return written


def main() -> None:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as directory:
        csv = Path(directory) / "avslutningsenkat.csv"
        rows = write_file(csv, megabytes)
        print(f"{csv.stat().st_size / 1024 / 1024:.0f} MB, {rows} rows")
        with databases(Path(directory)) as found:
            for label, url in found:
                print(line(label, "first", rows, *measure(url, csv, setup=True)))


if __name__ == "__main__":
    main()
