"""The participant register in reports: the groups a participant code gives the forms about
the participant (kön, ålder, födelseregion, kommun, inskrivning, time in project), and the
filter that leaves out late or short enrolments."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from ..questionnaire.messages import N_
from .data import AnswerData

#: columns of the register frame, one row per participant code
REGISTER_COLUMNS = ("participant_code", "organisation", "enrolled_on", "ended_on", "followup_consent",
                    "kon", "aldersgrupp", "fodelseregion")
#: background codes the register keeps
BACKGROUND = ("kon", "aldersgrupp", "fodelseregion")
#: the dimensions only the register gives
ENROLMENT_DIMENSIONS = ("inskrivning", "inskrivning_kvartal", "tid_i_projekt")
#: time in project bands: (key, first day, label); a band runs until the next one's first day
TIME_BANDS = (
    ("0-3", 0, N_("Under 3 månader")),
    ("3-6", 91, N_("3–6 månader")),
    ("6-12", 183, N_("6–12 månader")),
    ("12+", 366, N_("Över 12 månader")),
)


def empty_register() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in REGISTER_COLUMNS})
    for column in ("enrolled_on", "ended_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def time_band(days: float) -> str | None:
    if pd.isna(days) or days < 0:
        return None
    band = None
    for key, first, _ in TIME_BANDS:
        if days >= first:
            band = key
    return band


def registered(data: AnswerData) -> pd.DataFrame:
    """Each response of a participant code in the register, with the code's entry
    (indexed by response_id)."""
    register = data.register if data.register is not None else empty_register()
    responses = data.responses[["response_id", "participant_code", "submitted_at"]].dropna(
        subset=["participant_code"])
    joined = responses.merge(register, on="participant_code", how="inner")
    return joined.set_index("response_id")


def limit_enrolment(data: AnswerData, *, enrolled_until: date | None = None,
                    min_days: int | None = None, today: date | None = None) -> AnswerData:
    """Leaves out the responses of participants enrolled after ``enrolled_until`` or in the
    project fewer than ``min_days`` (until their avslut, else until ``today``); only
    questionnaires with a participant code are limited, and unregistered codes are left out."""
    if (enrolled_until is None and min_days is None) or not data.questionnaire.uses_participant_code:
        return data
    register = data.register if data.register is not None else empty_register()
    codes = set(limit_register(register, enrolled_until=enrolled_until, min_days=min_days,
                               today=today)["participant_code"])
    responses = data.responses[data.responses["participant_code"].isin(codes)]
    answers = data.answers[data.answers["response_id"].isin(responses["response_id"])]
    return replace(data, responses=responses, answers=answers)


def register_as_of(register: pd.DataFrame, as_of: date | None) -> pd.DataFrame:
    """The register as it stood on ``as_of``: participants enrolled by then, an avslut after
    it not yet made (None: as it is)."""
    if as_of is None:
        return register
    day = pd.Timestamp(as_of)
    kept = register[register["enrolled_on"] <= day].copy()
    kept.loc[kept["ended_on"] > day, "ended_on"] = pd.NaT
    return kept


def limit_register(register: pd.DataFrame, *, enrolled_until: date | None = None,
                   min_days: int | None = None, today: date | None = None) -> pd.DataFrame:
    """The register's participants enrolled by ``enrolled_until`` and in the project at least
    ``min_days`` (until their avslut, else until ``today``)."""
    if enrolled_until is None and min_days is None:
        return register
    keep = register.dropna(subset=["enrolled_on"])
    if enrolled_until is not None:
        keep = keep[keep["enrolled_on"] <= pd.Timestamp(enrolled_until)]
    if min_days is not None:
        end = keep["ended_on"].fillna(pd.Timestamp(today or date.today()))
        keep = keep[(end - keep["enrolled_on"]).dt.days >= min_days]
    return keep
