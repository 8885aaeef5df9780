"""Counting kiosk answers per round, organisation and day (a count, never a link to answers)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import KioskTally, Organisation, Round


def count_kiosk_answer(round_: Round, organisation: Organisation, day: date | None = None) -> None:
    """Adds one to the day's tally, in the caller's transaction."""
    day = day or date.today()
    key = {"round_id": round_.id, "organisation_id": organisation.id, "day": day}
    increment = (
        update(KioskTally).filter_by(**key).values(answers=KioskTally.answers + 1)
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(increment).rowcount == 1:
        return
    try:
        with db.session.begin_nested():
            db.session.add(KioskTally(**key, answers=1))
            db.session.flush()
    except IntegrityError:
        # another tablet made the day's row at the same moment: count on it
        db.session.execute(increment)


def kiosk_rounds(organisation_ids: set[int], keys: set[str]) -> list[Round]:
    """Rounds a kiosk can take answers for: open, of a participant questionnaire."""
    rounds = db.session.scalars(
        select(Round).where(Round.questionnaire_key.in_(keys), Round.state == "open")
        .order_by(Round.questionnaire_key, Round.created_at.desc())
    )
    today = date.today()
    return [r for r in rounds if r.accepts_answers(today) and any(r.covers(o) for o in organisation_ids)]
