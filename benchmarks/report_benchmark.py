"""How long a large report takes: builds N generated samverkan responses in two rounds (and
N/2 avslutningsenkät responses), then times build_report and the Excel summary.

    .venv/bin/python benchmarks/report_benchmark.py [N]      (default 20000)

No database is involved: the frames are generated the way services/frames.py returns them.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveyapp.analysis.data import AnswerData, normalise  # noqa: E402
from surveyapp.analysis.report import build_report  # noqa: E402
from surveyapp.exports.xlsx import write_xlsx  # noqa: E402
from surveyapp.questionnaire import load_directory  # noqa: E402

ORGANISATIONS = ("Mariestad", "Skövde", "Lidköping", "Falköping", "Töreboda", "Gullspång")


def generate(key: str, n: int, rounds: tuple[str, ...], seed: int = 1) -> AnswerData:
    """``n`` responses with every non-text question answered at random (conditions ignored:
    shown or not, the analysis counts what is stored)."""
    questionnaire = load_directory(ROOT / "questionnaires")[key][0]
    rng = np.random.default_rng(seed)
    ids = np.arange(1, n + 1)
    start = np.datetime64("2026-01-01T08:00")
    responses = pd.DataFrame({
        "response_id": ids,
        "uuid": [f"00000000-0000-4000-8000-{i:012d}" for i in ids],
        "round": rng.choice(rounds, n),
        "organisation": rng.choice(ORGANISATIONS, n),
        "language": "sv",
        "submitted_at": start + rng.integers(0, 300 * 24 * 60, n).astype("timedelta64[m]"),
        "channel": rng.choice(["self", "assisted"], n, p=[0.8, 0.2]),
        "participant_code": [f"P{i % (n // 2 or 1):05d}" for i in ids] if questionnaire.paired else None,
        "role": rng.choice(questionnaire.role_codes, n) if questionnaire.roles else None,
    })
    parts = []
    for q in questionnaire.questions:
        if q.type == "text":
            continue
        for row in (q.rows or (None,)):
            codes = rng.choice(q.option_codes, n)
            number = None
            if q.is_scale:
                number = pd.to_numeric(pd.Series(codes), errors="coerce")
            elif q.type == "band":
                number = pd.Series(codes).map({c: i for i, c in enumerate(q.scale_codes)})
            parts.append(pd.DataFrame({
                "response_id": ids, "question": q.key, "row": row.key if row else "",
                "code": codes, "number": number, "text": None,
            }))
    r, a = normalise(responses, pd.concat(parts, ignore_index=True))
    return AnswerData(questionnaire, r, a, rounds)


def timed(label: str, func):
    began = time.perf_counter()
    result = func()
    print(f"{label:<46} {time.perf_counter() - began:7.2f} s")
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    for key, count, rounds, dims in (
        ("samverkan", n, ("Mättillfälle 1", "Mättillfälle 2"), ["role", "organisation"]),
        ("avslutningsenkat", n // 2, ("Avslut",), ["kon", "fodelseregion", "organisation",
                                                   "kon*fodelseregion"]),
    ):
        data = timed(f"{key}: generate {count} responses", lambda: generate(key, count, rounds))  # noqa: B023
        print(f"{'':<4}{len(data.answers)} answer rows")
        report = timed(f"{key}: build_report (by {', '.join(dims)})",
                       lambda: build_report(data, dimensions=dims, answer_level=True))  # noqa: B023
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "summary.xlsx"
            timed(f"{key}: write the Excel summary", lambda: write_xlsx(report, path))  # noqa: B023
            print(f"{'':<4}{path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
