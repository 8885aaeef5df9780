"""Storing one response: validated, coded and written as one unit, or not at all."""

from __future__ import annotations

import re
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from ..extensions import db
from ..i18n import LANGUAGES
from ..models import Answer, Channel, Organisation, QuestionnaireVersion, Response, Round
from ..models._time import utcnow
from ..questionnaire import InvalidAnswers, Message, code_answers
from ..questionnaire.messages import N_
from .questionnaires import definition_of

CHANNELS = frozenset(c.value for c in Channel)
PARTICIPANT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,19}$")

ROUND_CLOSED = N_("Mättillfället är stängt och tar inte emot svar.")
UNKNOWN_ORGANISATION = N_("Organisationen ”%(value)s” finns inte.")
BAD_UUID = N_("Svarets id ”%(value)s” är inte ett giltigt UUID.")
BAD_LANGUAGE = N_("Språket ”%(value)s” finns inte.")
BAD_CHANNEL = N_("Kanalen ”%(value)s” finns inte.")
CODE_REQUIRED = N_("Skriv deltagarkoden.")
BAD_CODE = N_("Deltagarkoden ”%(value)s” har fel form (3–20 bokstäver A–Z, siffror eller bindestreck).")
NOT_PAIRED = N_("Den här enkäten har ingen deltagarkod.")
NO_ROLE = N_("Den här enkäten frågar inte efter roll.")
WRONG_VERSION = N_("Svaret gäller en annan enkät än mättillfällets.")


class SubmissionError(Exception):
    """A response cannot be stored; ``errors`` maps a field or question key to a message."""

    def __init__(self, errors: Mapping[str, Message]):
        super().__init__("; ".join(f"{k}: {m.render()}" for k, m in errors.items()))
        self.errors = dict(errors)


@dataclass
class Submission:
    """Everything that is stored about one response apart from its answers."""

    round: Round
    version: QuestionnaireVersion
    organisation: Organisation | None
    raw: Mapping[str, Sequence[str]]
    uuid: str = field(default_factory=lambda: str(uuidlib.uuid4()))
    language: str = "sv"
    channel: str = Channel.SELF.value
    role: str | None = None
    participant_code: str | None = None
    submitted_at: datetime | None = None
    #: imports may store answers in a closed round (they are historical)
    allow_closed: bool = False
    #: imports refuse columns that are no question; forms ignore unknown fields
    strict_keys: bool = False
    #: a used uuid with other answers: forms store a new response (with a new uuid), imports
    #: keep the first (a response id names one response however often a file is imported)
    new_uuid_when_changed: bool = False


def normalise_uuid(value: str) -> str:
    try:
        return str(uuidlib.UUID(str(value).strip()))
    except (ValueError, AttributeError):
        raise SubmissionError({"response_id": Message(BAD_UUID, {"value": value})}) from None


def check(sub: Submission) -> tuple[str, list]:
    """Validates a submission without touching the session; returns its uuid and answers."""
    errors: dict[str, Message] = {}
    questionnaire = definition_of(sub.version)
    try:
        uuid = normalise_uuid(sub.uuid)
    except SubmissionError as exc:
        errors.update(exc.errors)
        uuid = ""
    if sub.version.questionnaire_key != sub.round.questionnaire_key:
        errors["round"] = Message(WRONG_VERSION)
    if not sub.allow_closed and not sub.round.accepts_answers(date.today()):
        errors["round"] = Message(ROUND_CLOSED)
    if sub.organisation is None:
        errors["organisation"] = Message(UNKNOWN_ORGANISATION, {"value": ""})
    if sub.language not in LANGUAGES:
        errors["language"] = Message(BAD_LANGUAGE, {"value": sub.language})
    if sub.channel not in CHANNELS:
        errors["channel"] = Message(BAD_CHANNEL, {"value": sub.channel})
    code = (sub.participant_code or "").strip().upper()
    if questionnaire.uses_participant_code and not code:
        errors["participant_code"] = Message(CODE_REQUIRED)
    elif code and questionnaire.accepts_participant_code:
        if not PARTICIPANT_CODE.match(code):
            errors["participant_code"] = Message(BAD_CODE, {"value": sub.participant_code})
    elif sub.participant_code:
        errors["participant_code"] = Message(NOT_PAIRED)
    if sub.role and not questionnaire.asks_role:
        errors["role"] = Message(NO_ROLE)
    try:
        answers = code_answers(
            questionnaire, sub.raw, role=sub.role or None, strict_keys=sub.strict_keys
        )
    except InvalidAnswers as exc:
        errors.update(exc.errors)
        answers = []
    if errors:
        raise SubmissionError(errors)
    return uuid, answers


def record(sub: Submission) -> Response | None:
    """Stores a submission; returns None when its uuid was stored before (a resubmission).

    The same uuid with the same answers (a double tap, a retry, a queued answer sent again)
    stores nothing. The same uuid with other answers stores a new response under a new uuid
    when ``sub.new_uuid_when_changed`` (forms: nobody is thanked for answers that were not
    stored), else nothing (imports).

    Raises :class:`SubmissionError` and stores nothing when anything is wrong. A used uuid
    leaves the caller's transaction usable: on PostgreSQL and SQLite the response is stored
    with ``INSERT … ON CONFLICT (uuid) DO NOTHING RETURNING id`` and its answers with one
    multi-row INSERT (two statements, no savepoint); elsewhere in a savepoint.
    """
    uuid, answers = check(sub)
    dialect_insert = _insert_ignoring_used_uuid()
    for _attempt in range(3):
        # the unique uuid answers whether it was stored before: no look-up ahead of the INSERT
        if dialect_insert is not None:
            response = _insert(dialect_insert, sub, uuid, answers)
            if response is not None:
                return response
        else:
            response = new_response(sub, uuid, answers)
            try:
                with db.session.begin_nested():
                    db.session.add(response)
                    db.session.flush()
            except IntegrityError:
                if response in db.session:
                    db.session.expunge(response)
            else:
                return response
        existing = db.session.scalar(select(Response).filter_by(uuid=uuid))
        if existing is None:
            continue  # not a duplicate uuid after all; try again
        if not sub.new_uuid_when_changed or _same(existing, sub, answers):
            return None
        uuid = str(uuidlib.uuid4())
    raise SubmissionError({"response_id": Message(BAD_UUID, {"value": uuid})})


def _insert_ignoring_used_uuid():
    """The dialect's ``insert`` with ``on_conflict_do_nothing``, if it has one."""
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        return None
    return insert


#: the response's INSERT of each dialect, built once (the columns come as parameters)
_insert_statements: dict = {}


def _insert(dialect_insert, sub: Submission, uuid: str, answers: list) -> Response | None:
    """Stores the response and its answers; None (nothing written) when the uuid is used.

    Returns the stored response as a persistent object of the session, read from nothing:
    its columns are the ones just written, its relationships load when asked for.
    """
    values = _response_values(sub, uuid)
    statement = _insert_statements.get(dialect_insert)
    if statement is None:
        statement = _insert_statements[dialect_insert] = (
            dialect_insert(Response.__table__).on_conflict_do_nothing(index_elements=["uuid"])
            .returning(Response.__table__.c.id))
    response_id = db.session.execute(statement, values).scalar()
    if response_id is None:
        return None
    if answers:
        db.session.execute(insert(Answer.__table__), [
            {"response_id": response_id, "question_key": a.question, "row_key": a.row, "code": a.code,
             "number": a.number, "text": a.text}
            for a in answers
        ])
    response = Response(id=response_id, **values)
    make_transient_to_detached(response)
    db.session.add(response)
    return response


def is_stored(sub: Submission) -> bool:
    """Whether the submission's uuid holds exactly its answers already (nothing is written)."""
    uuid, answers = check(sub)
    existing = db.session.scalar(select(Response).filter_by(uuid=uuid))
    return existing is not None and _same(existing, sub, answers)


def _same(stored: Response, sub: Submission, answers: list) -> bool:
    """Whether a stored response holds exactly the submission's answers."""
    stored_answers = sorted(repr((a.question_key, a.row_key or "", a.code, a.number, a.text))
                            for a in stored.answers)
    new_answers = sorted(repr((a.question, a.row or "", a.code, a.number, a.text)) for a in answers)
    return (
        stored_answers == new_answers
        and stored.round_id == sub.round.id
        and stored.participant_code == ((sub.participant_code or "").strip().upper() or None)
        and stored.role == (sub.role or None)
    )


def _response_values(sub: Submission, uuid: str) -> dict:
    return {
        "uuid": uuid,
        "round_id": sub.round.id,
        "version_id": sub.version.id,
        "organisation_id": sub.organisation.id,
        "language": sub.language,
        "submitted_at": sub.submitted_at or utcnow(),
        "channel": sub.channel,
        "role": sub.role or None,
        "participant_code": (sub.participant_code or "").strip().upper() or None,
    }


def new_response(sub: Submission, uuid: str, answers: list) -> Response:
    """The response of a checked submission (``uuid, answers = check(sub)``), not yet added."""
    response = Response(
        uuid=uuid,
        round=sub.round,
        version=sub.version,
        organisation=sub.organisation,
        language=sub.language,
        submitted_at=sub.submitted_at or utcnow(),
        channel=sub.channel,
        role=sub.role or None,
        participant_code=(sub.participant_code or "").strip().upper() or None,
    )
    response.answers = [
        Answer(question_key=a.question, row_key=a.row, code=a.code, number=a.number, text=a.text)
        for a in answers
    ]
    return response
