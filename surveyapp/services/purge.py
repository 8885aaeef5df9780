"""Retention: deleting responses of a round or older than a number of days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select, true

from ..extensions import db
from ..models import Answer, Response, Round
from ..models._time import utcnow


@dataclass(frozen=True)
class PurgeCount:
    questionnaire_key: str
    round_name: str
    responses: int
    answers: int


def _condition(round_names: tuple[str, ...], questionnaire_key: str | None, older_than_days: int | None,
               now: datetime | None, project_id: int | None = None):
    parts = []
    if round_names or questionnaire_key or project_id is not None:
        rounds = select(Round.id)
        if project_id is not None:
            rounds = rounds.where(Round.project_id == project_id)
        if round_names:
            rounds = rounds.where(Round.name.in_(round_names))
        if questionnaire_key:
            rounds = rounds.where(Round.questionnaire_key == questionnaire_key)
        parts.append(Response.round_id.in_(rounds))
    if older_than_days is not None:
        parts.append(Response.submitted_at < (now or utcnow()) - timedelta(days=older_than_days))
    return and_(*parts) if parts else true()


def purge_counts(round_names: tuple[str, ...] = (), questionnaire_key: str | None = None,
                 older_than_days: int | None = None, now: datetime | None = None,
                 project_id: int | None = None) -> list[PurgeCount]:
    """What :func:`purge` would delete, per round (``project_id``: of that project only)."""
    condition = _condition(round_names, questionnaire_key, older_than_days, now, project_id)
    answers = (
        select(Answer.response_id, func.count().label("n")).group_by(Answer.response_id).subquery()
    )
    rows = db.session.execute(
        select(Round.questionnaire_key, Round.name, func.count(Response.id),
               func.coalesce(func.sum(answers.c.n), 0))
        .join(Response, Response.round_id == Round.id)
        .outerjoin(answers, answers.c.response_id == Response.id)
        .where(condition)
        .group_by(Round.questionnaire_key, Round.name)
        .order_by(Round.questionnaire_key, Round.name)
    )
    return [PurgeCount(key, name, int(n), int(a)) for key, name, n, a in rows]


def purge(round_names: tuple[str, ...] = (), questionnaire_key: str | None = None,
          older_than_days: int | None = None, now: datetime | None = None,
          project_id: int | None = None) -> list[PurgeCount]:
    """Deletes the matching responses and their answers; returns what was deleted."""
    if not round_names and older_than_days is None:
        raise ValueError("name a round or an age")
    counts = purge_counts(round_names, questionnaire_key, older_than_days, now, project_id)
    condition = _condition(round_names, questionnaire_key, older_than_days, now, project_id)
    ids = select(Response.id).where(condition)
    db.session.execute(delete(Answer).where(Answer.response_id.in_(ids)).execution_options(
        synchronize_session=False))
    db.session.execute(delete(Response).where(condition).execution_options(synchronize_session=False))
    db.session.flush()
    return counts
