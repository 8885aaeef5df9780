"""Turns errors into pages in the user's language, in one place."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: _l("Något i förfrågan var fel. Försök igen."),
    403: _l("Du har inte behörighet till den här sidan."),
    404: _l("Sidan finns inte. Kontrollera länken."),
    405: _l("Det går inte att göra så här på den här sidan."),
    410: _l("Enkäten är stängd och tar inte emot fler svar."),
    413: _l("Det du skickade är för stort."),
    500: _l("Något gick fel hos oss. Försök igen om en stund."),
}


def render_error(code: int, message: str | None = None):
    text = message or MESSAGES.get(code, MESSAGES[500])
    return render_template("error.html", code=code, message=text), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(_l("Sidan hade gått ut. Ladda om sidan och försök igen.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        description = getattr(error, "surveyapp_message", None)
        return render_error(code, description)

    @app.errorhandler(500)
    def server_error(error):
        from .extensions import db

        db.session.rollback()  # nothing half-done is committed with the session afterwards
        return render_error(500)
