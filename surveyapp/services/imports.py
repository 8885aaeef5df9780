"""Importing historical answers from CSV or XLSX: every row held to the web form's rules,
all rows stored in one go or none at all."""

from __future__ import annotations

import csv
import gc
import re
import uuid as uuidlib
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from xml.etree.ElementTree import ParseError

from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError

from ..exports.csv_text import restore
from ..extensions import db
from ..models import Organisation, Response, Round
from ..models._time import utcnow
from ..questionnaire import Message
from ..questionnaire.characters import has_forbidden_character
from ..questionnaire.messages import CONTROL_CHARACTER, N_
from ..questionnaire.types import FreeText
from ..questionnaire.workbook import MAX_UNPACKED, out_of_proportion
from .organisations import find_organisation
from .questionnaires import current_version, definition_of
from .rounds import get_or_create_round
from .submissions import Submission, SubmissionError, check, record

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
FORMULA_CELL = N_(
    "en formel, inte ett värde. Skriv in värdet i cellen (eller kopiera och klistra in som värden)."
)
FIELD_TOO_LONG = N_("Fältet är längre än %(limit)s tecken.")
OUT_OF_PROPORTION = N_(
    "Filen packas upp till %(unpacked)s MB, orimligt mycket för sina %(packed)s kB. Den läses inte."
)
MORE_PROBLEMS = N_("… och %(n)s problem till.")
DECLARES_ENTITIES = N_(
    "Filen är ingen giltig Excel-fil: dess XML har en DOCTYPE-deklaration, som Excel aldrig skriver. "
    "Den läses inte."
)
BROKEN_SHEET = N_(
    "Filen är ingen giltig Excel-fil: kalkylbladet går inte att läsa från rad %(row)s. "
    "Spara den på nytt i Excel och försök igen."
)
#: how far into each XML part of an .xlsx a DOCTYPE may stand (it must precede the root element)
PROLOGUE_BYTES = 4096


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


#: the longest field a CSV may hold (as Python's csv module); longer ones are row errors
FIELD_LIMIT = 128 * 1024
#: rows are checked and stored in batches of this many, so memory stays bounded
BATCH = 1000
#: at most this many problems are listed; the count of the others is told
MAX_REPORTED = 1000


class Unreadable(Exception):
    """The whole file cannot be read; ``message`` says why."""

    def __init__(self, message: Message):
        super().__init__(message.msgid)
        self.message = message


#: a row: its number in the spreadsheet, {column: value}, and problems found while reading it
Row = tuple[int, dict[str, str | datetime], dict[str, Message]]


def read_rows(path: Path) -> tuple[list[str], Iterator[Row], Callable[[], None]]:
    """The header, every non-empty row one at a time, and what closes the file."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    return _read_csv(path)


def read_whole(path: Path) -> tuple[list[str], list[Row]]:
    """The header and every row of a small file (a register, insatser), read whole and closed.

    A file that cannot be read raises :class:`ImportFailed`."""
    try:
        header, rows, close = read_rows(path)
        try:
            return header, list(rows)
        finally:
            close()
    except Unreadable as exc:
        raise ImportFailed([RowError(1, "file", exc.message)]) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(1, "file", Message(NOT_UTF8))]) from exc
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise ImportFailed([RowError(1, "file", Message(UNREADABLE, {"reason": str(exc)}))]) from exc


def _read_csv(path: Path):
    stream = path.open(encoding="utf-8-sig", newline="")
    try:
        first_line = stream.readline(FIELD_LIMIT)
        stream.seek(0)
        # Swedish Excel writes semicolons (the comma is the decimal sign)
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        csv.field_size_limit(FIELD_LIMIT)
        reader = csv.reader(stream, delimiter=delimiter)
        header = [h.strip() for h in next(reader, [])]
    except BaseException:
        stream.close()
        raise

    def rows():
        number = 1
        try:
            while True:
                number += 1
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error:
                    # the reader goes on with the next line
                    yield number, {}, {"file": Message(FIELD_TOO_LONG, {"limit": FIELD_LIMIT})}
                    continue
                if not any(v.strip() for v in values):
                    continue
                yield number, dict(zip(header, (restore(v) for v in values), strict=False)), {}
        finally:
            stream.close()

    return header, rows(), stream.close


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


def _check_unpacked_size(path: Path) -> None:
    """Refuses, before anything is expanded, an .xlsx that unpacks out of proportion."""
    sizes = out_of_proportion(path, MAX_UNPACKED)
    if sizes is not None:
        unpacked, packed = sizes
        raise Unreadable(Message(OUT_OF_PROPORTION, {
            "unpacked": unpacked // (1024 * 1024), "packed": max(packed // 1024, 1)}))


def _check_no_doctype(path: Path) -> None:
    """Refuses an .xlsx whose XML declares a DOCTYPE (entities that expand, or that refer
    elsewhere): Excel never writes one, so it is a damaged or a hostile file."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(info) as member:
                # UTF-16 text keeps its markup readable once the NUL bytes are dropped
                prologue = member.read(PROLOGUE_BYTES).replace(b"\x00", b"")
            if b"<!DOCTYPE" in prologue or b"<!ENTITY" in prologue:
                raise Unreadable(Message(DECLARES_ENTITIES))


def _read_xlsx(path: Path):
    from openpyxl import load_workbook

    _check_unpacked_size(path)
    _check_no_doctype(path)
    # values as written, so that a formula is seen as one (a cached result may be missing)
    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows()
        header = [str(c.value).strip() if c.value is not None else "" for c in next(rows_iter, ())]
    except ParseError as exc:
        workbook.close()
        raise Unreadable(Message(BROKEN_SHEET, {"row": 1})) from exc
    except BaseException:
        workbook.close()
        raise

    def numbered_rows():
        """The sheet's rows; XML that breaks off mid-sheet ends them with a file error."""
        number = 1
        try:
            for number, cells in enumerate(rows_iter, start=2):  # noqa: B007 - read after the loop
                yield number, cells
        except ParseError:
            yield number + 1, None

    def rows():
        try:
            for number, cells in numbered_rows():
                if cells is None:
                    yield number, {}, {"file": Message(BROKEN_SHEET, {"row": number})}
                    return
                problems = {}
                texts = []
                for column, cell in zip(header, cells, strict=False):
                    if getattr(cell, "data_type", None) == "f":
                        problems[column or "?"] = Message(FORMULA_CELL)
                        texts.append("")
                    else:
                        texts.append(_cell_text(cell.value))
                if not problems and not any(t if isinstance(t, datetime) else t.strip() for t in texts):
                    continue
                values = dict(zip(header, texts, strict=False))
                for column, text in values.items():
                    if isinstance(text, str) and len(text) > FIELD_LIMIT:
                        problems[column] = Message(FIELD_TOO_LONG, {"limit": FIELD_LIMIT})
                        values[column] = ""
                yield number, values, problems
        finally:
            workbook.close()

    return header, rows(), workbook.close


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


def import_file(questionnaire_key: str, path: Path, round_name: str,
                project_id: int | None = None) -> ImportResult:
    """Checks every row and stores the valid ones batch by batch in the caller's transaction;
    raises :class:`ImportFailed` listing each bad row (the caller then rolls back, so nothing
    is stored). A round the import creates is closed and covers the file's organisations.
    Flushes; the caller commits or rolls back."""
    version = current_version(questionnaire_key)
    if version is None:
        raise LookupError(f"no questionnaire {questionnaire_key!r}")
    if has_forbidden_character(round_name):
        raise ImportFailed([RowError(1, "round", Message(CONTROL_CHARACTER))])
    try:
        header, rows, close = read_rows(path)
    except Unreadable as exc:
        raise ImportFailed([RowError(1, "file", exc.message)]) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(1, "file", Message(NOT_UTF8))]) from exc
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise ImportFailed([RowError(1, "file", Message(UNREADABLE, {"reason": str(exc)}))]) from exc

    try:
        with _collector_paused():
            return _import_rows(questionnaire_key, version, round_name, header, rows, project_id)
    finally:
        close()


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while rows are checked and stored: its passes over every
    object of the app took a third of the time. The statements of each batch still make a few
    reference cycles (holding the batch's ids), so :func:`_young_cycles_freed` runs per batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _young_cycles_freed() -> None:
    """Frees the cycles made since the last batch: a pass over the two youngest generations,
    which hold only what was made since, so memory does not grow with the file."""
    gc.collect(1)


def _import_rows(questionnaire_key: str, version, round_name: str, header: list[str],
                 rows: Iterator[Row], project_id: int | None = None) -> ImportResult:
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
    round_, created = get_or_create_round(questionnaire_key, round_name.strip(), project_id)
    organisations: dict[str, Organisation | None] = {}
    used_organisations: dict[int, Organisation] = {}
    seen_ids = _SeenIds()
    store = _Store(round_, questionnaire_key, seen_ids)
    without_id = 0
    valid = 0

    try:
        for number, values, problems in rows:
            if number % BATCH == 0:
                _young_cycles_freed()
            row_errors: dict[str, Message] = dict(problems)
            text = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
            strings = [v for v in text.values() if isinstance(v, str)]
            if has_forbidden_character("".join(strings)):  # one look at the row, then which field
                unstorable = [k for k, v in text.items() if isinstance(v, str) and has_forbidden_character(v)]
                for column in unstorable:  # such text must not reach the database
                    row_errors[column] = Message(CONTROL_CHARACTER)
            if row_errors:
                store.fail([RowError(number, k, m) for k, m in row_errors.items()])
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
            given_id = bool(response_id)
            if not given_id:
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
            elif not created and not round_.covers(organisation.id):
                row_errors["organisation"] = Message(NOT_IN_ROUND, {"round": round_.name, "value": name})
            if uuid is not None and given_id:
                duplicate = seen_ids.add(uuid, number)
                if duplicate is not None:
                    row_errors["response_id"] = duplicate
                elif seen_ids.full:
                    store.fail(seen_ids.flush())
            if row_errors:
                store.fail([RowError(number, column, message) for column, message in row_errors.items()])
            else:
                valid += 1
                used_organisations[organisation.id] = organisation
                store.add(number, sub, uuid, answers, given_id)
        store.finish()
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(1, "file", Message(NOT_UTF8))]) from exc

    errors = store.errors
    if not errors and not valid:
        errors.append(RowError(2, "file", Message(EMPTY_FILE)))
    if errors:
        if store.unreported:
            errors.append(RowError(errors[-1].row, "file", Message(MORE_PROBLEMS, {"n": store.unreported})))
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    if created:
        # a round made by an import holds past answers: closed, and only for the file's kommuner
        round_.organisations = sorted(used_organisations.values(), key=lambda o: o.name)
        round_.close()
    seen_ids.drop()
    db.session.flush()
    return ImportResult(round_, created, store.stored, valid - store.stored, without_id)


class _SeenIds:
    """The response ids the file gave, with their rows, so that an id given twice is an error
    naming the first row. The last batch's ids are held here; the ones before it wait in a
    temporary table of the import's own database session, so memory does not grow with the
    file (ids made up for rows without one are unique anyway)."""

    TABLE = "import_response_ids"

    def __init__(self):
        self.pending: dict[str, int] = {}
        connection = db.session.connection()
        connection.execute(text(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.TABLE}"
                                " (uuid TEXT PRIMARY KEY, line INTEGER NOT NULL)"))
        connection.execute(text(f"DELETE FROM {self.TABLE}"))  # left by a failed import (SQLite)

    def add(self, uuid: str, number: int) -> Message | None:
        """The error of row ``number`` when an earlier row of this batch gave ``uuid``; the
        rows of earlier batches are compared in :meth:`flush`."""
        first = self.pending.setdefault(uuid, number)
        return Message(DUPLICATE_ID, {"row": first}) if first != number else None

    @property
    def full(self) -> bool:
        return len(self.pending) >= BATCH

    def flush(self) -> list[RowError]:
        """Moves the held ids to the table; returns the errors of those an earlier batch gave."""
        pending, self.pending = self.pending, {}
        if not pending:
            return []
        connection = db.session.connection()
        uuids = list(pending)
        earlier: dict[str, int] = {}
        if connection.dialect.name == "postgresql":
            # one array each way: a thousand parameters cost more than the lookup itself
            earlier.update(connection.exec_driver_sql(
                f"SELECT uuid, line FROM {self.TABLE} WHERE uuid = ANY(%(uuids)s)", {"uuids": uuids}).all())
            first = [uuid for uuid in uuids if uuid not in earlier]
            connection.exec_driver_sql(
                f"INSERT INTO {self.TABLE} (uuid, line)"
                " SELECT * FROM unnest(%(uuids)s::text[], %(lines)s::int[])",
                {"uuids": first, "lines": [pending[uuid] for uuid in first]})
        else:
            find = text(f"SELECT uuid, line FROM {self.TABLE} WHERE uuid IN :uuids").bindparams(
                bindparam("uuids", expanding=True))
            for start in range(0, len(uuids), 500):
                earlier.update(connection.execute(find, {"uuids": uuids[start:start + 500]}).all())
            rows = [(uuid, number) for uuid, number in pending.items() if uuid not in earlier]
            if rows:
                connection.exec_driver_sql(f"INSERT INTO {self.TABLE} (uuid, line) VALUES (?, ?)", rows)
        return [RowError(pending[uuid], "response_id", Message(DUPLICATE_ID, {"row": line}))
                for uuid, line in earlier.items()]

    def drop(self) -> None:
        db.session.connection().execute(text(f"DROP TABLE {self.TABLE}"))


class _Store:
    """Stores checked rows batch by batch until the first problem; from then on only counts."""

    def __init__(self, round_: Round, questionnaire_key: str, seen_ids: _SeenIds):
        self.round = round_
        self.questionnaire_key = questionnaire_key
        self.seen_ids = seen_ids
        self.pending: list[tuple[int, Submission, str, list, bool]] = []
        self.errors: list[RowError] = []
        self.unreported = 0
        self.stored = 0

    def fail(self, errors: list[RowError]) -> None:
        if not errors:
            return
        self.pending.clear()  # nothing more will be stored: the transaction is rolled back
        room = MAX_REPORTED - len(self.errors)
        self.errors += errors[:max(room, 0)]
        self.unreported += max(len(errors) - max(room, 0), 0)

    def add(self, number: int, sub: Submission, uuid: str, answers: list, given_id: bool) -> None:
        if self.errors:
            return
        self.pending.append((number, sub, uuid, answers, given_id))
        if len(self.pending) >= BATCH:
            self.flush()

    def finish(self) -> None:
        self.fail(self.seen_ids.flush())
        if not self.errors:
            self.flush()

    def flush(self) -> None:
        """Stores the pending rows: a response_id stored before in this round is skipped, one
        stored in another round is an error, as is one an earlier row of the file gave."""
        self.fail(self.seen_ids.flush())
        batch, self.pending = self.pending, []
        if not batch:
            return
        stored_before = _stored_rounds([uuid for _, _, uuid, _, given in batch if given])
        other = [RowError(number, "response_id", Message(
                     OTHER_ROUND, {"round": stored_before[uuid][0], "questionnaire": self.questionnaire_key}))
                 for number, _, uuid, _, _ in batch
                 if uuid in stored_before and stored_before[uuid][1] != self.round.id]
        if other:
            self.fail(other)
            return
        fresh = [(sub, uuid, answers) for _, sub, uuid, answers, _ in batch if uuid not in stored_before]
        if not fresh:
            return
        try:
            with db.session.begin_nested():
                _insert(fresh)
            self.stored += len(fresh)
        except IntegrityError:
            # another import stored some of these rows meanwhile: row by row, skipping those
            for sub, _uuid, _answers in fresh:
                response = record(sub)
                if response is not None:
                    self.stored += 1
                    db.session.expunge(response)  # and its answers (cascade): bounded memory


RESPONSE_COLUMNS = ("uuid", "round_id", "version_id", "organisation_id", "language", "submitted_at",
                    "channel", "role", "participant_code")
ANSWER_COLUMNS = ("response_id", "question_key", "row_key", "code", "number", "text")


def _insert(fresh: list[tuple[Submission, str, list]]) -> None:
    """Stores checked rows in bulk: the responses, then their answers (COPY on PostgreSQL,
    executemany elsewhere)."""
    responses = [
        (uuid, sub.round.id, sub.version.id, sub.organisation.id, sub.language, sub.submitted_at or utcnow(),
         sub.channel, sub.role or None, (sub.participant_code or "").strip().upper() or None)
        for sub, uuid, _answers in fresh
    ]
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, responses, [coded for _sub, _uuid, coded in fresh])
        return
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    connection.execute(insert(Response.__table__),
                       [dict(zip(RESPONSE_COLUMNS, values, strict=True)) for values in responses])
    uuids = [uuid for uuid, *_rest in responses]
    stored: dict[str, int] = {}
    for start in range(0, len(uuids), 500):
        stored.update(connection.execute(
            select(Response.uuid, Response.id).where(Response.uuid.in_(uuids[start:start + 500]))).all())
    ids = [stored[uuid] for uuid in uuids]
    answers = [
        (response_id, a.question, a.row, a.code, a.number, a.text)
        for response_id, (_sub, _uuid, coded) in zip(ids, fresh, strict=True)
        for a in coded
    ]
    if answers:
        # plain values (ids, text, small numbers): straight to the driver's executemany
        connection.exec_driver_sql(
            f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) VALUES ({', '.join([mark] * 6)})", answers)


def _copy(connection, responses: list[tuple], answers: list[list]) -> None:
    """PostgreSQL: ids drawn from the sequence in one query, then two COPYs."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('responses', 'id')) "
                       "FROM generate_series(1, %s)", (len(responses),))
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY responses (id, {', '.join(RESPONSE_COLUMNS)}) FROM STDIN") as copy:
            for response_id, values in zip(ids, responses, strict=True):
                copy.write_row((response_id, *values))
        with cursor.copy(f"COPY answers ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as copy:
            for response_id, coded in zip(ids, answers, strict=True):
                for a in coded:
                    copy.write_row((response_id, a.question, a.row, a.code, a.number, a.text))
    except connection.dialect.dbapi.IntegrityError as exc:
        raise IntegrityError("COPY", None, exc) from exc
    finally:
        cursor.close()
