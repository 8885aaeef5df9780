"""Insatser per participant: registered on the participant's page or imported from a file
(all rows valid or none stored), and the figures of ``surveyapp insatser``."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from ..analysis.insatser import INSATSER, InsatsResult, exit_outcomes, insats_results
from ..extensions import db
from ..models import ParticipantCode, ParticipantInsats
from ..questionnaire import Message
from ..questionnaire.messages import N_
from .frames import insatser_frame, load_answers, register_frame
from .imports import EMPTY_FILE, MISSING_COLUMN, ImportFailed, RowError, read_whole
from .participant_codes import normalise_code
from .questionnaires import current_version, definition_of
from .register import BAD_DAY, FUTURE_DAY, background_questions, parse_day

COLUMNS = ("participant_code", "insats", "started_on", "ended_on")
UNKNOWN_INSATS = N_("Insatsen ”%(value)s” finns inte (%(codes)s).")
NOT_REGISTERED = N_("Deltagarkoden ”%(value)s” finns inte i registret. Importera registret först.")
START_REQUIRED = N_("Skriv insatsens första dag.")
ENDED_BEFORE_START = N_("Insatsens sista dag (%(ended)s) ligger före dess första (%(started)s).")


@dataclass(frozen=True)
class InsatsImport:
    added: int
    already: int


def check_insats(insats: str, started: date | None, ended: date | None, today: date) -> dict[str, Message]:
    errors: dict[str, Message] = {}
    if insats not in INSATSER:
        errors["insats"] = Message(UNKNOWN_INSATS, {"value": insats, "codes": ", ".join(INSATSER)})
    for column, day in (("started_on", started), ("ended_on", ended)):
        if day is not None and day > today:
            errors[column] = Message(FUTURE_DAY, {"value": day.isoformat()})
    if started and ended and ended < started:
        errors["ended_on"] = Message(ENDED_BEFORE_START,
                                     {"ended": ended.isoformat(), "started": started.isoformat()})
    return errors


def add_insats(code: ParticipantCode, insats: str, started: date, ended: date | None) -> bool:
    """Adds an insats unless the same one with the same first day is there; flushes."""
    found = db.session.scalar(select(ParticipantInsats).filter_by(
        participant_code_id=code.id, insats=insats, started_on=started))
    if found is not None:
        found.ended_on = ended
        db.session.flush()
        return False
    db.session.add(ParticipantInsats(participant=code, insats=insats, started_on=started, ended_on=ended))
    db.session.flush()
    return True


def import_insatser(path: Path, today: date | None = None, project_id: int | None = None) -> InsatsImport:
    today = today or date.today()
    header, rows = read_whole(path)
    missing = [c for c in COLUMNS[:3] if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, Message(MISSING_COLUMN, {"column": c})) for c in missing])
    if not rows:
        raise ImportFailed([RowError(2, "file", Message(EMPTY_FILE))])
    registered = select(ParticipantCode)
    if project_id is not None:  # the codes of other projects are not in this one's register
        registered = registered.where(ParticipantCode.project_id == project_id)
    codes = {c.code: c for c in db.session.scalars(registered)}
    errors: list[RowError] = []
    entries = []
    for number, raw, problems in rows:
        text = {k: (v if isinstance(v, datetime) else str(v or "").strip()) for k, v in raw.items()}
        row_errors: dict[str, Message] = dict(problems)
        code = codes.get(normalise_code(text.get("participant_code") or ""))
        if code is None:
            row_errors["participant_code"] = Message(NOT_REGISTERED, {"value": text.get("participant_code")})
        days: dict[str, date | None] = {}
        for column in ("started_on", "ended_on"):
            value = text.get(column)
            days[column] = None
            if not value:
                if column == "started_on":
                    row_errors[column] = Message(START_REQUIRED)
                continue
            try:
                days[column] = parse_day(value)
            except ValueError:
                row_errors[column] = Message(BAD_DAY, {"value": value})
        row_errors = {**check_insats(text.get("insats") or "", days["started_on"], days["ended_on"], today),
                      **row_errors}
        errors += [RowError(number, c, m) for c, m in row_errors.items()]
        if not row_errors:
            entries.append((code, text["insats"], days["started_on"], days["ended_on"]))
    if errors:
        raise ImportFailed(errors)
    added = _store(entries)
    return InsatsImport(added, len(entries) - added)


def _store(entries: list[tuple[ParticipantCode, str, date, date | None]]) -> int:
    """Adds the insatser that are not there (as :func:`add_insats`, matched on participant,
    insats and first day) and updates the last day of those that are, with one look-up per
    500 participants and one flush; returns how many were added."""
    ids = sorted({code.id for code, *_ in entries})
    found: dict[tuple[int, str, date], ParticipantInsats] = {}
    for start in range(0, len(ids), 500):
        batch = select(ParticipantInsats).where(
            ParticipantInsats.participant_code_id.in_(ids[start:start + 500]))
        found.update({(i.participant_code_id, i.insats, i.started_on): i for i in db.session.scalars(batch)})
    added = 0
    for code, insats, started, ended in entries:
        key = (code.id, insats, started)
        if key in found:
            found[key].ended_on = ended
            continue
        found[key] = ParticipantInsats(participant=code, insats=insats, started_on=started, ended_on=ended)
        db.session.add(found[key])
        added += 1
    db.session.flush()
    return added


def insatser_report(organisation_ids: Collection[int] | None, threshold: int,
                    project_id: int | None = None) -> tuple[InsatsResult, ...]:
    """Share per insats per kommun and per kön, and the exit outcome with and without it: the
    outcome is the first goal of the avslut (arbete, studier or arbetssökande)."""

    register = register_frame(organisation_ids, project_id=project_id)
    register = register[register["enrolled_on"].notna()]
    outcomes = None
    version = current_version("avslut")
    if version is not None and definition_of(version).goals:
        goal = definition_of(version).goals[0]
        question = definition_of(version).question(goal.question)
        data = load_answers("avslut", organisation_ids=organisation_ids, project_id=project_id)
        outcomes = exit_outcomes(data.responses, data.answers, goal.question,
                                 goal.codes or question.positive)
        outcomes = outcomes[outcomes.index.isin(register["participant_code"])]
    kon = background_questions().get("kon")
    kon_order = tuple(o.code for o in kon.options) if kon is not None else None
    insatser = insatser_frame(organisation_ids, project_id=project_id)
    return insats_results(register, insatser, outcomes, threshold, kon_order)
