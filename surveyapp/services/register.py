"""The participant register: each participant code's kommun, inskrivning and avslut dates and
background codes (kön, åldersgrupp, födelseregion), registered by the samordnare or imported
from a file, and read back as a DataFrame for the groups of forms about a participant."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import Organisation, ParticipantCode, Response, Round
from ..questionnaire import Message, Question
from ..questionnaire.messages import N_
from .imports import (
    EMPTY_FILE,
    MISSING_COLUMN,
    UNKNOWN_ORGANISATION_HINT,
    ImportFailed,
    RowError,
    read_whole,
)
from .organisations import find_organisation
from .participant_codes import normalise_code
from .questionnaires import current_versions, definition_of
from .submissions import PARTICIPANT_CODE

#: the columns of a register file, in the order ``demo-files`` writes them
FILE_COLUMNS = ("participant_code", "organisation", "enrolled_on", "ended_on", "kon", "aldersgrupp",
                "fodelseregion")
#: the background questions the register keeps a code of
BACKGROUND = ("kon", "aldersgrupp", "fodelseregion")

CODE_REQUIRED = N_("Skriv deltagarkoden.")
BAD_CODE = N_("Deltagarkoden ”%(value)s” har fel form (3–20 bokstäver A–Z, siffror eller bindestreck).")
DUPLICATE_CODE = N_("Deltagarkoden finns redan på rad %(row)s.")
OTHER_ORGANISATION = N_("Deltagarkoden ”%(value)s” hör till %(organisation)s.")
OTHER_PROJECT = N_("Deltagarkoden ”%(value)s” hör till ett annat projekt.")
REQUIRED = N_("Fyll i %(column)s.")
BAD_DAY = N_("”%(value)s” är inte ett datum (skriv till exempel 2026-03-14).")
FUTURE_DAY = N_("Datumet %(value)s har inte inträffat än.")
ENDED_BEFORE = N_("Avslutet (%(ended)s) ligger före inskrivningen (%(enrolled)s).")
UNKNOWN_CODE = N_("”%(value)s” finns inte bland svarsalternativen (%(codes)s).")


def background_questions() -> dict[str, Question]:
    """The background questions (kön, ålder, födelseregion) as the questionnaires define them."""
    found: dict[str, Question] = {}
    for version in current_versions().values():
        for question in definition_of(version).questions:
            if question.background and question.key in BACKGROUND:
                found.setdefault(question.key, question)
    return found


@dataclass(frozen=True)
class RegisterImport:
    added: int
    updated: int


def parse_day(value: str | datetime) -> date:
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value.strip())


def check_entry(values: dict[str, str | date | None], questions: dict[str, Question],
                today: date) -> dict[str, Message]:
    """What is wrong with one register entry's dates and background codes (empty: nothing)."""
    errors: dict[str, Message] = {}
    enrolled, ended = values.get("enrolled_on"), values.get("ended_on")
    for column, day in (("enrolled_on", enrolled), ("ended_on", ended)):
        if isinstance(day, date) and day > today:
            errors[column] = Message(FUTURE_DAY, {"value": day.isoformat()})
    if isinstance(enrolled, date) and isinstance(ended, date) and ended < enrolled:
        errors["ended_on"] = Message(
            ENDED_BEFORE, {"ended": ended.isoformat(), "enrolled": enrolled.isoformat()})
    for key in BACKGROUND:
        code = values.get(key)
        question = questions.get(key)
        if not code:
            errors[key] = Message(REQUIRED, {"column": key})
        elif question is not None and code not in question.option_codes:
            errors[key] = Message(UNKNOWN_CODE, {"value": code, "codes": ", ".join(question.option_codes)})
    return errors


def import_register(path: Path, today: date | None = None, project_id: int | None = None) -> RegisterImport:
    """Reads a register file (CSV or XLSX): every row valid, then all stored, else
    :class:`ImportFailed` listing each problem. A code already registered is updated.
    Flushes; the caller commits or rolls back."""
    today = today or date.today()
    header, rows = read_whole(path)
    required = [c for c in FILE_COLUMNS if c != "ended_on"]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, Message(MISSING_COLUMN, {"column": c})) for c in missing])
    if not rows:
        raise ImportFailed([RowError(2, "file", Message(EMPTY_FILE))])

    questions = background_questions()
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    entries: list[tuple[str, Organisation, dict]] = []
    organisations: dict[str, Organisation | None] = {}
    for number, raw, problems in rows:
        row_errors: dict[str, Message] = dict(problems)
        text = {k: (v if isinstance(v, datetime) else str(v or "").strip()) for k, v in raw.items()}
        code = normalise_code(text.get("participant_code") or "")
        if not code:
            row_errors["participant_code"] = Message(CODE_REQUIRED)
        elif not PARTICIPANT_CODE.match(code):
            row_errors["participant_code"] = Message(BAD_CODE, {"value": text["participant_code"]})
        elif code in seen:
            row_errors["participant_code"] = Message(DUPLICATE_CODE, {"row": seen[code]})
        else:
            seen[code] = number
        name = text.get("organisation") or ""
        if name not in organisations:
            organisations[name] = find_organisation(name)
        organisation = organisations[name]
        if organisation is None:
            row_errors["organisation"] = Message(
                UNKNOWN_ORGANISATION_HINT if text.get("organisation") else REQUIRED,
                {"value": text.get("organisation"), "column": "organisation"},
            )
        values: dict[str, str | date | None] = {k: text.get(k) or None for k in BACKGROUND}
        for column in ("enrolled_on", "ended_on"):
            value = text.get(column)
            if not value:
                values[column] = None
                if column == "enrolled_on":
                    row_errors[column] = Message(REQUIRED, {"column": column})
                continue
            try:
                values[column] = parse_day(value)
            except ValueError:
                row_errors[column] = Message(BAD_DAY, {"value": value})
        row_errors = {**check_entry(values, questions, today), **row_errors}
        errors += [RowError(number, column, message) for column, message in row_errors.items()]
        if not row_errors:
            entries.append((code, organisation, values))

    existing = {
        c.code: c for c in db.session.scalars(
            select(ParticipantCode).where(ParticipantCode.code.in_([e[0] for e in entries] or [""]))
        )
    }
    if project_id is None:
        from ..models import sole_project_id

        project_id = sole_project_id()
    for code, organisation, _ in entries:
        found = existing.get(code)
        if found is not None and found.project_id != project_id:
            errors.append(RowError(seen[code], "participant_code", Message(OTHER_PROJECT, {"value": code})))
        elif found is not None and found.organisation_id != organisation.id:
            errors.append(RowError(seen[code], "organisation", Message(
                OTHER_ORGANISATION, {"value": code, "organisation": found.organisation.name})))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))

    added = updated = 0
    for code, organisation, values in entries:
        entry = existing.get(code)
        if entry is None:
            entry = ParticipantCode(code=code, organisation=organisation, project_id=project_id)
            db.session.add(entry)
            added += 1
        else:
            updated += 1
        set_entry(entry, values)
    db.session.flush()
    return RegisterImport(added, updated)


def set_entry(entry: ParticipantCode, values: dict) -> None:
    entry.enrolled_on = values.get("enrolled_on")
    entry.exited_on = values.get("ended_on")
    if entry.exited_on is None:
        entry.followup_consent = None
    for key in BACKGROUND:
        setattr(entry, key, values.get(key))


def unregistered_codes(organisation_ids: Collection[int],
                       project_id: int | None = None) -> list[tuple[str, str]]:
    """Codes that answers carry but the register lacks: (code, organisation name), sorted."""
    rows = db.session.execute(
        select(Response.participant_code, Organisation.name)
        .join(Organisation, Organisation.id == Response.organisation_id)
        .join(Round, Round.id == Response.round_id)
        .outerjoin(ParticipantCode, ParticipantCode.code == Response.participant_code)
        .where(Response.participant_code.is_not(None), ParticipantCode.id.is_(None),
               Response.organisation_id.in_(list(organisation_ids) or [-1]),
               *([Round.project_id == project_id] if project_id is not None else []))
        .distinct()
    ).all()
    return sorted((code, name) for code, name in rows)


def export_rows(organisation_ids: Collection[int] | None = None,
                project_id: int | None = None) -> list[list[str]]:
    """The register as file rows (:data:`FILE_COLUMNS`), for an export that is logged."""
    query = (
        select(ParticipantCode).join(ParticipantCode.organisation)
        .order_by(Organisation.name, ParticipantCode.code)
    )
    if organisation_ids is not None:
        query = query.where(ParticipantCode.organisation_id.in_(list(organisation_ids) or [-1]))
    if project_id is not None:
        query = query.where(ParticipantCode.project_id == project_id)
    return [
        [c.code, c.organisation.name, c.enrolled_on.isoformat() if c.enrolled_on else "",
         c.exited_on.isoformat() if c.exited_on else "", c.kon or "", c.aldersgrupp or "",
         c.fodelseregion or ""]
        for c in db.session.scalars(query)
    ]


def expired_entries(older_than_days: int, today: date | None = None,
                    project_id: int | None = None) -> list[ParticipantCode]:
    """Register entries whose avslut lies more than ``older_than_days`` back and whose code no
    answer carries any longer: what retention deletes with the answers."""
    cutoff = (today or date.today()) - timedelta(days=older_than_days)
    answered = select(Response.participant_code).where(Response.participant_code.is_not(None))
    return list(db.session.scalars(
        select(ParticipantCode).where(ParticipantCode.exited_on < cutoff,
                                      ParticipantCode.code.not_in(answered),
                                      *([ParticipantCode.project_id == project_id] if project_id else []))
    ))


def purge_register(older_than_days: int, today: date | None = None, project_id: int | None = None) -> int:
    """Deletes the register entries :func:`expired_entries` names; flushes."""
    entries = expired_entries(older_than_days, today, project_id)
    for entry in entries:
        db.session.delete(entry)
    db.session.flush()
    return len(entries)


def sync_exits(project_id: int | None = None) -> int:
    """Takes the avslut day and the consent to follow-up from imported avslut forms into the
    register (the participant's page does the same when the form is filled in there): the
    latest avslut of a registered code gives its consent, and its day when the register has
    none. Returns how many entries changed; flushes."""
    from ..models import Answer

    rows = db.session.execute(
        select(Response.participant_code, Response.submitted_at, Response.id, Answer.code)
        .join(Round, Round.id == Response.round_id)
        .outerjoin(Answer, (Answer.response_id == Response.id)
                   & (Answer.question_key == "samtycke_uppfoljning"))
        .where(Round.questionnaire_key == "avslut", Response.participant_code.is_not(None),
               *([Round.project_id == project_id] if project_id is not None else []))
        .order_by(Response.submitted_at, Response.id)
    ).all()
    latest = {code: (at, consent) for code, at, _, consent in rows}
    changed = 0
    entries = db.session.scalars(
        select(ParticipantCode).where(ParticipantCode.code.in_(list(latest) or [""]),
                                      *([ParticipantCode.project_id == project_id] if project_id else [])))
    for entry in entries:
        at, consent = latest[entry.code]
        day = at.date()
        exited = entry.exited_on
        if exited is None and (entry.enrolled_on is None or day >= entry.enrolled_on):
            exited = day
        wanted = {"ja": True, "nej": False}.get(consent) if exited is not None else None
        if (exited, wanted) != (entry.exited_on, entry.followup_consent):
            entry.exited_on, entry.followup_consent = exited, wanted
            changed += 1
    db.session.flush()
    return changed
