"""The audit log: who did what and when. It names things; it never holds answer content."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Account, AuditEvent

#: the actor shown for things done on the server's command line
COMMAND_LINE = "kommandorad"


def record_audit(actor: Account | str | None, action: str, detail: str = "") -> AuditEvent:
    """Adds one entry to the audit log (flushed with the caller's transaction).

    ``actor`` is the staff account that acted, or a description such as an e-mail address
    typed at a failed login; None means the command line. ``action`` is a short stable key
    ("login", "round.close", "export.responses"); ``detail`` says what it concerned.
    """
    if isinstance(actor, Account):
        event = AuditEvent(actor_id=actor.id, actor=actor.email, action=action, detail=detail[:1000])
    else:
        event = AuditEvent(actor=(actor or COMMAND_LINE)[:254], action=action, detail=detail[:1000])
    db.session.add(event)
    db.session.flush()
    return event


def recent_events(limit: int = 200, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    return list(db.session.scalars(query))
