"""Building answer frames by hand, coded by the engine exactly as stored answers are."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pandas as pd

from surveyapp.analysis.data import AnswerData, normalise
from surveyapp.questionnaire import Questionnaire, code_answers, load_directory

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"
START = datetime(2026, 1, 5, 9, 0)


@cache
def questionnaire(key: str) -> Questionnaire:
    return load_directory(QUESTIONNAIRES)[key][0]


def make_data(key: str, rows: list[dict], rounds: tuple[str, ...] | None = None) -> AnswerData:
    """``rows``: one dict per response with question answers (lists for several codes) and
    optional ``round``, ``organisation``, ``role``, ``channel``, ``participant_code``,
    ``day`` (days after START)."""
    q = questionnaire(key)
    responses, answers = [], []
    for i, row in enumerate(rows, start=1):
        meta = {k: row.get(k) for k in ("round", "organisation", "role", "channel", "participant_code")}
        raw = {
            k: (v if isinstance(v, list) else [str(v)])
            for k, v in row.items()
            if k not in meta and k != "day"
        }
        coded = code_answers(q, raw, role=meta["role"], strict_keys=True)
        responses.append({
            "response_id": i,
            "uuid": f"00000000-0000-4000-8000-{i:012d}",
            "round": meta["round"] or "Mättillfälle 1",
            "organisation": meta["organisation"] or "Mariestad",
            "language": "sv",
            "submitted_at": START + timedelta(days=row.get("day", 0), minutes=i),
            "channel": meta["channel"] or "self",
            "participant_code": meta["participant_code"],
            "role": meta["role"],
        })
        answers += [
            {"response_id": i, "question": a.question, "row": a.row, "code": a.code,
             "number": a.number, "text": a.text}
            for a in coded
        ]
    r, a = normalise(pd.DataFrame(responses), pd.DataFrame(answers))
    if rounds is None:
        rounds = tuple(dict.fromkeys(r["round"])) if len(r) else ("Mättillfälle 1",)
    return AnswerData(q, r, a, rounds)


def avslut_row(**overrides) -> dict:
    row = {
        "kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige",
        "bemotande_samordnare": "bra", "bemotande_handlaggare": "bra",
        "tro_formaga": "4", "mar_battre": "4",
    }
    row.update(overrides)
    return row


def samverkan_row(values: tuple[str, str, str, str], role: str = "kommunchef", **meta) -> dict:
    keys = ("samverkan_forsorjningsstod_vard", "samverkan_ame_vard", "samverkan_ame_fk", "samverkan_ame_af")
    return {**dict(zip(keys, values, strict=True)), "role": role, **meta}


PROGRESSION_ITEMS = (
    "tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete",
    "hantera_vardag", "sociala_kompetenser", "soka_arbete",
)


def progression_row(code: str, level: int, band: str = "0", day: int = 0, **overrides) -> dict:
    row = {"kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige",
           **{item: str(level) for item in PROGRESSION_ITEMS}, "timmar_aktivitet": band,
           "participant_code": code, "day": day}
    row.update(overrides)
    return row
