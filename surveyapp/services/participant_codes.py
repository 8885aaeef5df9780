"""Pseudonymous participant codes such as ``K7M4-X`` and what has been recorded for them.

Codes use 23 characters that cannot be mistaken for each other when read aloud or
handwritten (no 0/O, 1/I/L, 5/S, 2/Z, 6/G, 8/B, U/V, Y); the fifth character is a check
character (weighted sum mod 23), which catches every single mistyped character and every
swap of two neighbours.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Answer, Organisation, ParticipantCode, Response

ALPHABET = "23456789ACDEFHJKMNPRTWX"
BODY_LENGTH = 4


def check_character(body: str) -> str:
    total = sum((i + 1) * ALPHABET.index(ch) for i, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def normalise_code(text: str) -> str:
    """Upper case, no spaces; a missing dash is put back (``k7m4x`` → ``K7M4-X``)."""
    code = "".join((text or "").split()).upper()
    if len(code) == BODY_LENGTH + 1 and "-" not in code:
        code = f"{code[:BODY_LENGTH]}-{code[BODY_LENGTH:]}"
    return code


def is_valid_code(text: str) -> bool:
    code = normalise_code(text)
    if len(code) != BODY_LENGTH + 2 or code[BODY_LENGTH] != "-":
        return False
    body, check = code[:BODY_LENGTH], code[BODY_LENGTH + 1:]
    if any(ch not in ALPHABET for ch in body + check):
        return False
    return check_character(body) == check


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return f"{body}-{check_character(body)}"


def create_codes(organisation: Organisation, count: int,
                 project_id: int | None = None) -> list[ParticipantCode]:
    """``count`` new codes for the organisation in a project, each unique across all
    organisations and projects."""
    created = []
    while len(created) < count:
        code = ParticipantCode(code=new_code(), organisation=organisation,
                               **({"project_id": project_id} if project_id is not None else {}))
        try:
            with db.session.begin_nested():
                db.session.add(code)
                db.session.flush()
        except IntegrityError:
            continue  # drew a code that exists: draw again
        created.append(code)
    return created


def find_code(text: str) -> ParticipantCode | None:
    return db.session.scalar(select(ParticipantCode).filter_by(code=normalise_code(text)))


@dataclass(frozen=True)
class Rating:
    """One progressionskort: when, and the step (1–5, or band position) of each item."""

    submitted_at: datetime
    values: dict[str, int]
    codes: dict[str, str]


def ratings(code: ParticipantCode, questionnaire_key: str = "progressionskort") -> list[Rating]:
    """The participant's ratings, oldest first (only from the code's own organisation)."""
    responses = db.session.scalars(
        select(Response)
        .join(Response.round)
        .where(Response.participant_code == code.code,
               Response.organisation_id == code.organisation_id)
        .where(Response.round.has(questionnaire_key=questionnaire_key))
        .order_by(Response.submitted_at, Response.id)
    ).all()
    result = []
    for response in responses:
        answers = db.session.scalars(select(Answer).filter_by(response_id=response.id)).all()
        result.append(Rating(
            response.submitted_at,
            {a.question_key: a.number for a in answers if a.number is not None},
            {a.question_key: a.code for a in answers if a.code is not None},
        ))
    return result


def latest_answers(code: ParticipantCode, questionnaire_key: str) -> Rating | None:
    found = ratings(code, questionnaire_key)
    return found[-1] if found else None


def record_exit(code: ParticipantCode, response: Response, on: date | None = None) -> None:
    """Keeps the exit day and the follow-up consent from a stored avslut form."""
    consent = next((a.code for a in response.answers if a.question_key == "samtycke_uppfoljning"), None)
    code.exited_on = on or response.submitted_at.date()
    code.followup_consent = {"ja": True, "nej": False}.get(consent)
    db.session.flush()

