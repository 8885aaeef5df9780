"""The audit log: who did what and when. It names things; it never holds answer content."""

from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import select

from ..extensions import db
from ..models import Account, AuditEvent

#: the actor shown for things done on the server's command line
COMMAND_LINE = "kommandorad"


#: ``project_id`` left out: the project of the request's (or the command's) scope, if it has one
FROM_SCOPE = object()


def scope_project_id() -> int | None:
    """The project the request's pages work in (once they asked for the scope), or the
    project a command named; None outside a project."""
    if not has_app_context():
        return None
    scope = g.get("scope")
    return getattr(scope, "project_id", None)


def record_audit(actor: Account | str | None, action: str, detail: str = "", *,
                 project_id: int | None | object = FROM_SCOPE) -> AuditEvent:
    """Adds one entry to the audit log (flushed with the caller's transaction).

    ``actor`` is the staff account that acted, or a description such as an e-mail address
    typed at a failed login; None means the command line. ``action`` is a short stable key
    ("login", "round.close", "export.responses"); ``detail`` says what it concerned;
    ``project_id`` the project it belongs to (left out: the scope's project, if any).
    """
    if project_id is FROM_SCOPE:
        project_id = scope_project_id()
    if isinstance(actor, Account):
        event = AuditEvent(actor_id=actor.id, actor=actor.email, action=action, detail=detail[:1000],
                           project_id=project_id)
    else:
        event = AuditEvent(actor=(actor or COMMAND_LINE)[:254], action=action, detail=detail[:1000],
                           project_id=project_id)
    db.session.add(event)
    db.session.flush()
    return event


def recent_events(limit: int = 200, action: str | None = None,
                  project_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if project_id is not None:
        query = query.where(AuditEvent.project_id == project_id)
    return list(db.session.scalars(query))
