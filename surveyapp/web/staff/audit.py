"""Admin: the audit log."""

from flask import render_template, request

from ...models import Role
from ...services.audit import recent_events
from ..access import roles_required
from . import blueprint


@blueprint.get("/logg")
@roles_required(Role.ADMIN)
def audit():
    action = request.args.get("action", "").strip() or None
    return render_template("staff/audit.html", events=recent_events(500, action), action=action)
