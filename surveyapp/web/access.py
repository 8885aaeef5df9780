"""Who may see what: the one place staff access is decided.

Blueprints call :func:`require_roles` from ``before_request`` (or decorate a view with
:func:`roles_required`); views that load an object with an organisation call
:func:`check_organisation`, which answers 404 rather than 403 so that another kommun's ids
cannot even be probed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date
from functools import wraps

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy import select

from ..extensions import db, login_manager
from ..models import Account, Organisation, Project, Role
from ..services.scope import Scope

#: every role but styrgrupp, which reads only the views marked :func:`for_styrgrupp`
ALL_STAFF = (Role.ADMIN, Role.PROJEKTLEDNING, Role.SAMORDNARE)
ROLE_LABELS = {
    Role.ADMIN: _l("Administratör"),
    Role.PROJEKTLEDNING: _l("Projektledning"),
    Role.SAMORDNARE: _l("Samordnare"),
    Role.STYRGRUPP: _l("Styrgrupp"),
}
#: the session key holding the time of the staff user's last request
LAST_SEEN = "staff_seen"
#: the session key holding the project the staff user chose
CHOSEN_PROJECT = "staff_project"


def _refuse(roles: Iterable[Role | str]):
    """None when the current user has one of ``roles``; else the response refusing them."""
    if not current_user.is_authenticated:
        if g.get("staff_session_expired"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?"), expired=1))
        return login_manager.unauthorized()
    if current_user.role == Role.STYRGRUPP.value and _view_for_styrgrupp():
        return None
    if current_user.role not in {Role(r).value for r in roles}:
        abort(403)
    return None


def for_styrgrupp(view):
    """Marks a view styrgrupp may read too (figures of its projects, nothing per person);
    every other staff view refuses styrgrupp."""
    view.for_styrgrupp = True
    return view


def _view_for_styrgrupp() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    while view is not None:
        if getattr(view, "for_styrgrupp", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def require_roles(*roles: Role | str) -> Callable[[], object]:
    """For ``blueprint.before_request``: anonymous users go to the login page, others need a role."""
    roles = roles or ALL_STAFF

    def check():
        return _refuse(roles)

    return check


def roles_required(*roles: Role | str):
    """A view decorator with the same rule as :func:`require_roles`."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            refused = _refuse(roles or ALL_STAFF)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(Role(r) for r in (roles or ALL_STAFF))
        return wrapped

    return decorate


def visible_organisation_ids() -> set[int] | None:
    """The organisations the current user may see; None means all of them."""
    if not current_user.is_authenticated:
        return set()
    if current_user.sees_all_organisations:
        return None
    if "organisation_ids" not in g:
        from ..services.projects import member_organisation_ids

        held = held_projects()
        g.organisation_ids = member_organisation_ids(current_user, current_project().id if held else None)
    return set(g.organisation_ids)


def held_projects() -> list[Project]:
    """The projects the current user holds: admin every one, others those they belong to."""
    if not current_user.is_authenticated:
        return []
    if "held_projects" not in g:
        from ..services.projects import projects_of

        g.held_projects = projects_of(current_user)
    return g.held_projects


def current_project() -> Project:
    """The project the staff pages show: the one chosen in the session when the user holds it,
    else the first they hold; 404 for a user who holds none."""
    held = held_projects()
    if not held:
        abort(404)
    chosen = session.get(CHOSEN_PROJECT)
    return next((p for p in held if p.id == chosen), held[0])


def current_scope() -> Scope:
    """What this request may see: the chosen project, the user's organisations, the role.
    Made once per request and handed to the services."""
    if "scope" not in g:
        visible = visible_organisation_ids()
        g.scope = Scope(current_project().id, frozenset(visible) if visible is not None else None,
                        current_user.role)
    return g.scope


#: what staff may still post while the chosen project is archived: the downloads, choosing a
#: project, their own account and the administrator's accounts, organisations and projects
POSTS_OF_AN_ARCHIVE = ("staff.choose_project", "staff.goal_xlsx", "staff.goal_docx", "reports.download",
                       "reports.evaluator_export", "auth.", "staff.user", "staff.organisations",
                       "staff.project_new", "staff.project_archive", "staff.project_purge",
                       "staff.recording")


def refuse_changes_to_an_archive():
    """``before_request``: an archived project is read-only (409 for a post that would change it)."""
    if request.method != "POST" or not current_user.is_authenticated or not held_projects():
        return None
    if (request.endpoint or "").startswith(POSTS_OF_AN_ARCHIVE):
        return None
    if current_project().archived:
        from flask import make_response, render_template

        message = str(_l("Projektet är arkiverat och kan bara läsas."))
        abort(make_response(render_template("error.html", code=409, message=message), 409))
    return None


def check_project(project_id: int | None) -> None:
    """Aborts with 404 unless the object belongs to the project the pages show."""
    if project_id != current_scope().project_id:
        abort(404)


def choose_project(project_id: int) -> bool:
    """Keeps the chosen project in the session; False when the user does not hold it."""
    if not any(p.id == project_id for p in held_projects()):
        return False
    session[CHOSEN_PROJECT] = project_id
    g.pop("scope", None)
    g.pop("organisation_ids", None)
    return True


def can_see_organisation(organisation_id: int | None) -> bool:
    visible = visible_organisation_ids()
    return visible is None or organisation_id in visible


def check_organisation(organisation_id: int | None) -> None:
    """Aborts with 404 unless the current user may see the organisation."""
    if not can_see_organisation(organisation_id):
        abort(404)


def visible_organisations() -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    visible = visible_organisation_ids()
    if visible is not None:
        query = query.where(Organisation.id.in_(visible or {-1}))
    return list(db.session.scalars(query))


def _load_account(session_id: str) -> Account | None:
    """The logged-in account, unless it was disabled or its password changed since the login."""
    account_id, _, fingerprint = session_id.partition(":")
    account = db.session.get(Account, int(account_id)) if account_id.isdigit() else None
    if account is None or not account.active or fingerprint != account.login_fingerprint:
        return None
    return account


def _expire_idle_session() -> None:
    """Ends the staff login after STAFF_IDLE_MINUTES without a request.

    Only the login keys go; the rest of the session (kiosk mode, language) stays.
    """
    # an app context can outlive one request (test clients, commands): load the user afresh
    g.pop("_login_user", None)
    g.pop("scope", None)
    g.pop("held_projects", None)
    g.pop("organisation_ids", None)
    if "_user_id" not in session:
        if getattr(session, "expired", False):
            g.staff_session_expired = True
        return
    now = int(time.time())
    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    seen = session.get(LAST_SEEN)
    if seen is None or now - int(seen) > idle:
        logout_user()
        session.pop(LAST_SEEN, None)
        g.staff_session_expired = True
        return
    if now - int(seen) >= 30:  # no need to rewrite the cookie on every request
        session[LAST_SEEN] = now


def mark_seen() -> None:
    session[LAST_SEEN] = int(time.time())


def init_app(app: Flask) -> None:
    app.config.setdefault("STAFF_IDLE_MINUTES", 30)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    # "strong" would clear the whole session, kiosk mode included
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_account)
    app.before_request(_expire_idle_session)
    app.jinja_env.globals.update(Role=Role, role_label=role_label, today=date.today,
                                 held_projects=held_projects, current_project=_shown_project)


def _shown_project() -> Project | None:
    """For the staff menu: the chosen project, None for a user without one."""
    held = held_projects()
    if not held:
        return None
    return current_project()


def role_label(role: str) -> str:
    return str(ROLE_LABELS[Role(role)])
