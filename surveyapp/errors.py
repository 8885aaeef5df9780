"""Turns errors into pages in the user's language, in one place."""

from __future__ import annotations

import contextlib
import logging

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("Något i förfrågan var fel. Försök igen."),
    403: _l("Du har inte behörighet till den här sidan."),
    404: _l("Sidan finns inte. Kontrollera länken."),
    405: _l("Det går inte att göra så här på den här sidan."),
    410: _l("Enkäten är stängd och tar inte emot fler svar."),
    413: _l("Det du skickade är för stort."),
    500: _l("Något gick fel hos oss. Försök igen om en stund."),
    503: _l("Tjänsten går inte att nå just nu. Försök igen om en stund."),
}

#: errors that mean the database cannot be reached (down, restarting, out of connections)
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)

#: the posts whose answers the 503 page keeps, ready to be sent again
ANSWER_POSTS = frozenset({"survey.submit", "kiosk.submit", "invitations.submit", "staff.participant_form"})

#: the last resort when even the error page cannot be rendered (no template, no translation)
PLAIN = ("<!doctype html><html lang=sv><meta charset=utf-8><title>surveyapp</title>"
         "<h1>{message}</h1><p>{code}</p></html>")


#: the staff areas, where a logged-in staff member's error page keeps the staff menu
STAFF_BLUEPRINTS = frozenset({"staff", "reports", "auth"})


def _template(code: int) -> str:
    """The staff layout (with its menu) for a staff member refused or lost on a staff page, so
    they can go on from there; the plain page everywhere else (participants never see staff menus)."""
    if code in (403, 404) and request and request.blueprint in STAFF_BLUEPRINTS:
        from flask_login import current_user

        with contextlib.suppress(Exception):
            if current_user.is_authenticated:
                return "staff/error.html"
    return "error.html"


def render_error(code: int, message: str | None = None):
    text = message or MESSAGES.get(code, MESSAGES[500])
    try:
        return render_template(_template(code), code=code, message=text), code
    except Exception:  # noqa: BLE001 - an error page must never fail into the server's bare one
        log.exception("error page %s could not be rendered", code)
        return PLAIN.format(message=escape(str(text)), code=code), code


def _forget_failed_transaction() -> None:
    from .extensions import db

    # the connection is gone; the pool replaces it
    with contextlib.suppress(Exception):
        db.session.rollback()
    with contextlib.suppress(Exception):
        db.session.remove()


def database_unavailable(error: Exception):
    """503 while the database is away. A participant's posted answers come back in a page that
    can send them again ("Försök igen"); nothing on the page needs the database."""
    _forget_failed_transaction()
    log.warning("database unavailable: %s", type(error).__name__)
    if request.method == "POST" and request.endpoint in ANSWER_POSTS:
        try:
            fields = [(name, value) for name in request.form for value in request.form.getlist(name)]
            action = request.full_path.rstrip("?")
            page = render_template("survey/unavailable.html", fields=fields, action=action)
            response = (page, 503)
        except Exception:  # noqa: BLE001
            log.exception("the unavailable page could not be rendered")
            response = render_error(503)
    else:
        response = render_error(503)
    body, code = response
    return body, code, {"Retry-After": "30", "Cache-Control": "no-store"}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(_l("Sidan hade gått ut. Ladda om sidan och försök igen.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        description = getattr(error, "surveyapp_message", None)
        return render_error(code, description)

    for kind in DATABASE_UNAVAILABLE:
        app.register_error_handler(kind, database_unavailable)

    @app.errorhandler(500)
    def server_error(error):
        from .extensions import db

        original = getattr(error, "original_exception", None)
        if isinstance(original, DATABASE_UNAVAILABLE):
            return database_unavailable(original)
        with contextlib.suppress(Exception):
            db.session.rollback()  # nothing half-done is committed with the session afterwards
        return render_error(500)
