"""Kiosk runs (from start to end) and the count of kiosk answers per round, organisation
and day (a count, never a link to answers)."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Account, KioskRun, KioskTally, Organisation, Round
from ..models._time import utcnow


def start_kiosk_run(account: Account) -> KioskRun:
    """A new running kiosk of ``account`` (flushed)."""
    run = KioskRun(id=secrets.token_urlsafe(18), account_id=account.id, started_at=utcnow())
    db.session.add(run)
    db.session.flush()
    return run


def end_kiosk_run(run_id: str | None) -> None:
    """Ends the kiosk: its tickets take no answer given from now on (flushes)."""
    if run_id:
        db.session.execute(update(KioskRun).where(KioskRun.id == run_id, KioskRun.ended_at.is_(None))
                           .values(ended_at=utcnow()))


def end_account_kiosks(account_id: int) -> None:
    """Ends every running kiosk of the account, on every tablet (flushes)."""
    db.session.execute(update(KioskRun).where(KioskRun.account_id == account_id, KioskRun.ended_at.is_(None))
                       .values(ended_at=utcnow()))


def kiosk_running(run_id: str | None) -> bool:
    run = db.session.get(KioskRun, run_id) if run_id else None
    return run is not None and run.running


def kiosk_takes_answer(run_id: str | None, given_at: datetime | None) -> bool:
    """Whether a queued answer of a kiosk's ticket may be stored: the kiosk runs, or the
    answer was given before the kiosk ended (a ticket of no kiosk run takes nothing)."""
    run = db.session.get(KioskRun, run_id) if run_id else None
    if run is None:
        return False
    if run.running:
        return True
    return given_at is not None and given_at < run.ended_at


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


def kiosk_rounds(organisation_ids: set[int], keys: set[str], project_id: int | None = None) -> list[Round]:
    """Rounds of the project a kiosk can take answers for: open, of a participant questionnaire."""
    query = select(Round).where(Round.questionnaire_key.in_(keys), Round.state == "open")
    if project_id is not None:
        query = query.where(Round.project_id == project_id)
    rounds = db.session.scalars(query.order_by(Round.questionnaire_key, Round.created_at.desc()))
    today = date.today()
    return [r for r in rounds if r.accepts_answers(today) and any(r.covers(o) for o in organisation_ids)]
