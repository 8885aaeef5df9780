"""Links that work without an account: a translator's (:class:`TranslationLink`) and an
interpreter's (:class:`RecordingLink`).

Only the sha256 of a link's random token is stored. A link works until it expires or staff
revoke it; a revoked link answers as an expired one does.
"""

from __future__ import annotations

import hashlib
from typing import TypeVar

from sqlalchemy import select

from ..extensions import db
from ..models import RecordingLink, TranslationLink
from ..models._time import utcnow

Link = TypeVar("Link", TranslationLink, RecordingLink)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_working(model: type[Link], token: str) -> Link | None:
    """The link of ``token`` while it works (not expired, not revoked), else None."""
    if not token or len(token) > 64:
        return None
    link = db.session.scalar(select(model).filter_by(token_hash=token_digest(token)))
    if link is None or link.revoked_at is not None or link.expires_at <= utcnow():
        return None
    return link


def working_links(model: type[Link]) -> list[Link]:
    """The links that work now, newest first."""
    return list(db.session.scalars(
        select(model)
        .where(model.revoked_at.is_(None), model.expires_at > utcnow())
        .order_by(model.created_at.desc(), model.id.desc())))


def revoke(link: TranslationLink | RecordingLink) -> None:
    """The link stops working (what was made through it stays)."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
