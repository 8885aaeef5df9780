"""Drafts: answers given so far, kept between a post and the page it redirects to."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from datetime import timedelta

from sqlalchemy import delete, select

from ..extensions import db
from ..models import AnswerDraft, Round
from ..models._time import utcnow

#: a draft older than this is gone, whatever happened to its turn
LIFETIME = timedelta(hours=1)


def save_draft(turn: str, round_: Round, fields: Mapping[str, Sequence[str]], *, with_errors: bool) -> str:
    """Keeps the posted fields for this turn; returns the draft's id. Flushes, never commits."""
    db.session.execute(delete(AnswerDraft).where(AnswerDraft.created_at < utcnow() - LIFETIME))
    draft = AnswerDraft(
        id=secrets.token_urlsafe(18),
        turn=turn,
        round_id=round_.id,
        payload=json.dumps({key: list(values) for key, values in fields.items()}),
        with_errors=with_errors,
        created_at=utcnow(),
    )
    db.session.add(draft)
    db.session.flush()
    return draft.id


def load_draft(draft_id: str, turn: str, round_: Round) -> tuple[dict[str, list[str]], bool] | None:
    """The fields and error flag of a live draft of this turn and round, else None."""
    draft = db.session.scalar(
        select(AnswerDraft).where(
            AnswerDraft.id == draft_id[:32],
            AnswerDraft.turn == turn,
            AnswerDraft.round_id == round_.id,
            AnswerDraft.created_at >= utcnow() - LIFETIME,
        )
    )
    if draft is None:
        return None
    return json.loads(draft.payload), draft.with_errors


def discard_drafts(turn: str) -> None:
    """A turn has ended: its drafts go with it."""
    db.session.execute(delete(AnswerDraft).where(AnswerDraft.turn == turn))
