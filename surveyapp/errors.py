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


#: where a request whose session could not be ended keeps the 503 page that replaces its response
TEARDOWN_PAGE = "surveyapp.teardown_page"


def _ends_its_app_context() -> bool:
    """True when the app context ends with this request (a server's requests; not a test's
    requests made inside an app context it holds, whose session outlives them)."""
    from flask.globals import request_ctx

    try:
        tokens = request_ctx._get_current_object()._cv_tokens
        return tokens[-1][1] is not None
    except (AttributeError, IndexError, TypeError):  # another Flask: its own teardown ends it
        return False


def _end_request_session(_error: BaseException | None) -> None:
    """Ends the request's database session before Flask-SQLAlchemy would. A database that went
    away meanwhile makes the rollback fail: the request then answers with the 503 page (see
    :class:`TeardownGuard`) instead of a traceback."""
    from .extensions import db

    if not _ends_its_app_context():
        return
    try:
        db.session.remove()
    except DATABASE_UNAVAILABLE as error:
        _drop_broken_session()
        body, code, headers = database_unavailable(error)
        _drop_broken_session()  # anything the page itself opened
        request.environ[TEARDOWN_PAGE] = (code, headers, body)


def _end_context_session(_error: BaseException | None) -> None:
    """The same at the end of an app context without a request (a command, a job thread): a
    database gone away is logged, and the broken session is not kept for the next context."""
    from .extensions import db

    try:
        db.session.remove()
    except DATABASE_UNAVAILABLE as error:
        log.warning("database unavailable as a session ended: %s", type(error).__name__)
        _drop_broken_session()


def _drop_broken_session() -> None:
    from .extensions import db

    with contextlib.suppress(Exception):
        db.session.remove()
    with contextlib.suppress(Exception):
        db.session.registry.clear()


class TeardownGuard:
    """WSGI middleware: holds the response's status line until the request has ended, so that
    a failure at its very end can still be answered with the 503 page."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started: list = []

        def hold(status, headers, exc_info=None):
            started[:] = [status, headers, exc_info]
            return _no_write

        body = self.wsgi_app(environ, hold)
        replacement = environ.pop(TEARDOWN_PAGE, None)
        if replacement is None:
            status, headers, exc_info = started
            start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
            return body
        if hasattr(body, "close"):
            with contextlib.suppress(Exception):
                body.close()
        code, extra, page = replacement
        data = page.encode() if isinstance(page, str) else page
        start_response(f"{code} Service Unavailable", [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(data))),
            *extra.items()])
        return [data]


def _no_write(_data: bytes) -> None:  # pragma: no cover - Flask never writes through it
    raise RuntimeError("write() is not supported; return the body instead")


def register(app: Flask) -> None:
    # both run before Flask-SQLAlchemy's own teardown (teardowns run last-registered first)
    app.teardown_request(_end_request_session)
    app.teardown_appcontext(_end_context_session)
    app.wsgi_app = TeardownGuard(app.wsgi_app)

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
