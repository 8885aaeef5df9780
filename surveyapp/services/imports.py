"""Importing historical answers from CSV or XLSX: every row held to the web form's rules,
all rows stored in one go or none at all."""

from __future__ import annotations

import csv
import io
import re
import uuid as uuidlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..exports.csv_text import restore
from ..extensions import db
from ..models import Organisation, Response, Round
from ..models._time import utcnow
from ..questionnaire import Message
from ..questionnaire.characters import has_forbidden_character
from ..questionnaire.messages import CONTROL_CHARACTER, N_
from ..questionnaire.types import FreeText
from .organisations import find_organisation
from .questionnaires import current_version, definition_of
from .rounds import get_or_create_round
from .submissions import Submission, SubmissionError, check, new_response, record

LOOSE_TIMESTAMP = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$")
#: columns that describe the response rather than answer a question
META = ("response_id", "submitted_at", "language", "organisation", "role", "participant_code", "channel")

MISSING_COLUMN = N_("Kolumnen ”%(column)s” saknas.")
BAD_DATE = N_("”%(value)s” är inte ett datum (skriv till exempel 2026-03-14 eller 2026-03-14 10:30).")
FUTURE_DATE = N_("Datumet %(value)s har inte inträffat än.")
DATE_REQUIRED = N_("Skriv när svaret lämnades.")
LANGUAGE_REQUIRED = N_("Skriv språket (sv, en, ar, fa, so, ti eller uk).")
DUPLICATE_ID = N_("Svarets id finns redan på rad %(row)s.")
OTHER_ROUND = N_("Svaret med detta id finns redan i mättillfället ”%(round)s” för %(questionnaire)s.")
UNKNOWN_ORGANISATION_HINT = N_(
    "Organisationen ”%(value)s” finns inte. Lägg till den med: surveyapp organisations add \"%(value)s\""
)
ORGANISATION_REQUIRED = N_("Skriv organisationen.")
NOT_IN_ROUND = N_("Mättillfället ”%(round)s” omfattar inte %(value)s.")
EMPTY_FILE = N_("Filen har inga rader med svar.")
UNREADABLE = N_("Filen går inte att läsa: %(reason)s")
NOT_UTF8 = N_("Filen är inte sparad som UTF-8. Spara den i Excel som ”CSV UTF-8” och försök igen.")


@dataclass(frozen=True)
class RowError:
    """What is wrong where: the row as numbered in a spreadsheet (the header is row 1)."""

    row: int
    column: str
    message: Message

    def render(self, gettext=None) -> str:
        return f"row {self.row}, {self.column}: {self.message.render(gettext)}"


class ImportFailed(Exception):
    """The file was not imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        super().__init__("\n".join(e.render() for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportResult:
    round: Round
    round_created: bool
    stored: int
    #: rows whose response_id was stored before
    already_stored: int
    #: rows without a response_id (importing the file again would store them again)
    without_id: int


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str | datetime]]]]:
    """The header and ``(row number, {column: value})`` for every non-empty row."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path)


def _read_csv(path: Path):
    text = path.read_bytes().decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    # Swedish Excel writes semicolons (the comma is the decimal sign)
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader, [])]

    def rows():
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            yield number, dict(zip(header, (restore(v) for v in values), strict=False))

    return header, rows()


def _cell_text(value) -> str | datetime:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows_iter, ())]

    def rows():
        try:
            for number, values in enumerate(rows_iter, start=2):
                texts = [_cell_text(v) for v in values]
                if not any(t if isinstance(t, datetime) else t.strip() for t in texts):
                    continue
                yield number, dict(zip(header, texts, strict=False))
        finally:
            workbook.close()

    return header, rows()


def parse_timestamp(value: str | datetime) -> datetime:
    """A date or date-time; with an offset it is converted to UTC, without one it is UTC."""
    if isinstance(value, datetime):
        parsed = value
    else:
        text = value.strip().replace("/", "-")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            # Excel in Swedish writes single-digit hours: 2026-03-14 9:05
            match = LOOSE_TIMESTAMP.match(text)
            if match is None:
                raise SubmissionError({"submitted_at": Message(BAD_DATE, {"value": value})}) from None
            try:
                parsed = datetime(*(int(part or 0) for part in match.groups()))
            except ValueError:
                raise SubmissionError({"submitted_at": Message(BAD_DATE, {"value": value})}) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    if parsed > utcnow():
        raise SubmissionError({"submitted_at": Message(FUTURE_DATE, {"value": value})})
    return parsed


def _stored_rounds(uuids) -> dict[str, tuple[str, int]]:
    """Which of ``uuids`` are stored already, and in which round (name, id)."""
    found: dict[str, tuple[str, int]] = {}
    uuids = list(uuids)
    for start in range(0, len(uuids), 500):
        rows = db.session.execute(
            select(Response.uuid, Round.name, Round.id)
            .join(Round, Round.id == Response.round_id)
            .where(Response.uuid.in_(uuids[start:start + 500]))
        )
        found.update({uuid: (name, round_id) for uuid, name, round_id in rows})
    return found


def import_file(questionnaire_key: str, path: Path, round_name: str) -> ImportResult:
    """Validates every row, then stores them all; raises :class:`ImportFailed` listing each
    bad row (nothing is stored then). Flushes; the caller commits or rolls back."""
    version = current_version(questionnaire_key)
    if version is None:
        raise LookupError(f"no questionnaire {questionnaire_key!r}")
    try:
        header, rows = read_rows(path)
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(1, "file", Message(NOT_UTF8))]) from exc
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise ImportFailed([RowError(1, "file", Message(UNREADABLE, {"reason": str(exc)}))]) from exc

    questionnaire = definition_of(version)
    required = ["submitted_at", "language", "organisation"]
    if questionnaire.asks_role:
        required.append("role")
    if questionnaire.uses_participant_code:
        required.append("participant_code")
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed([RowError(1, c, Message(MISSING_COLUMN, {"column": c})) for c in missing])

    free_text = {q.key for q in questionnaire.questions if q.type == FreeText.name}
    round_, created = get_or_create_round(questionnaire_key, round_name.strip())
    organisations: dict[str, Organisation | None] = {}
    errors: list[RowError] = []
    submissions: list[tuple[int, Submission]] = []
    seen_ids: dict[str, int] = {}
    without_id = 0

    for number, values in rows:
        row_errors: dict[str, Message] = {}
        text = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
        unstorable = [k for k, v in text.items() if isinstance(v, str) and has_forbidden_character(v)]
        if unstorable:  # checked no further: such text must not reach the database
            errors += [RowError(number, k, Message(CONTROL_CHARACTER)) for k in unstorable]
            continue
        name = " ".join(str(text.get("organisation") or "").split())
        if name not in organisations:
            organisations[name] = find_organisation(name) if name else None
        organisation = organisations[name]

        submitted_at = None
        if not text.get("submitted_at"):
            row_errors["submitted_at"] = Message(DATE_REQUIRED)
        else:
            try:
                submitted_at = parse_timestamp(text["submitted_at"])
            except SubmissionError as exc:
                row_errors.update(exc.errors)

        response_id = str(text.get("response_id") or "")
        if not response_id:
            without_id += 1
            response_id = str(uuidlib.uuid4())
        # several codes are separated by ";", but a free-text answer is kept whole
        raw = {k: [str(v)] if k in free_text else str(v).split(";")
               for k, v in text.items() if k not in META and k}
        sub = Submission(
            round=round_,
            version=version,
            organisation=organisation,
            raw=raw,
            uuid=response_id,
            language=str(text.get("language") or ""),
            channel=str(text.get("channel") or "self"),
            role=str(text.get("role") or "") or None,
            participant_code=str(text.get("participant_code") or "") or None,
            submitted_at=submitted_at,
            allow_closed=True,
            strict_keys=True,
        )
        try:
            uuid, answers = check(sub)
        except SubmissionError as exc:
            row_errors = {**exc.errors, **row_errors}
            uuid, answers = None, []
        if not sub.language:
            row_errors["language"] = Message(LANGUAGE_REQUIRED)
        if organisation is None:
            row_errors["organisation"] = (
                Message(UNKNOWN_ORGANISATION_HINT, {"value": name})
                if name
                else Message(ORGANISATION_REQUIRED)
            )
        elif not round_.covers(organisation.id):
            row_errors["organisation"] = Message(NOT_IN_ROUND, {"round": round_.name, "value": name})
        if uuid is not None:
            if uuid in seen_ids:
                row_errors["response_id"] = Message(DUPLICATE_ID, {"row": seen_ids[uuid]})
            else:
                seen_ids[uuid] = number
        if row_errors:
            errors += [RowError(number, column, message) for column, message in row_errors.items()]
        else:
            submissions.append((number, sub, uuid, answers))

    # a response_id stored before must be in this round: then the row is already imported
    stored_before = _stored_rounds(seen_ids)
    for uuid, (name, round_id) in stored_before.items():
        if round_id != round_.id:
            errors.append(RowError(seen_ids[uuid], "response_id", Message(
                OTHER_ROUND, {"round": name, "questionnaire": questionnaire_key})))
    if not errors and not submissions:
        errors.append(RowError(2, "file", Message(EMPTY_FILE)))
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))

    # every row is valid: the new ones are stored in one flush (batched inserts)
    fresh = [(sub, uuid, answers) for _, sub, uuid, answers in submissions if uuid not in stored_before]
    try:
        with db.session.begin_nested():
            db.session.add_all([new_response(*entry) for entry in fresh])
            db.session.flush()
        stored = len(fresh)
    except IntegrityError:
        # another import stored some of these rows meanwhile: row by row, skipping those
        stored = sum(record(sub) is not None for sub, _uuid, _answers in fresh)
    db.session.flush()
    return ImportResult(round_, created, stored, len(submissions) - stored, without_id)
