"""Text that cannot be stored is refused at the door, with a clear message in the user's language.

Every request's path, query string and form is checked for control characters (NUL among
them), and a form body for bytes that are not UTF-8. The participants' answering pages leave
their forms to the questionnaire engine, which names the question instead (and keeps the
other answers on the page).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from ..questionnaire.characters import has_forbidden_character
from ..questionnaire.messages import CONTROL_CHARACTER, UNDECODABLE

#: blueprints whose forms the questionnaire engine checks question by question
ANSWERING = frozenset({"survey", "kiosk", "invitations"})


def _refuse(msgid: str):
    error = BadRequest()
    error.surveyapp_message = _(msgid)
    raise error


def _undecodable_form() -> bool:
    if request.mimetype != "application/x-www-form-urlencoded":
        return False
    body = request.get_data(cache=True)
    try:
        unquote_to_bytes(body.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def allows_body(max_bytes: int):
    """A view decorator: posts to the view may be up to ``max_bytes`` long (an upload) rather than
    ``MAX_CONTENT_LENGTH``; allowed before any form is read, the CSRF check's included."""

    def decorate(view):
        view.max_body = max_bytes
        return view

    return decorate


def check_request_text() -> None:
    limit = getattr(current_app.view_functions.get(request.endpoint), "max_body", None)
    if limit:
        request.max_content_length = limit
    if has_forbidden_character(request.path):
        abort(404)
    if request.method in ("POST", "PUT", "PATCH") and _undecodable_form():
        _refuse(UNDECODABLE)
    for key, values in request.args.lists():
        if has_forbidden_character(key) or any(has_forbidden_character(v) for v in values):
            _refuse(CONTROL_CHARACTER)
    # an upload's form (multipart) is read by its view, which may allow a larger body first
    if (request.method in ("POST", "PUT", "PATCH") and request.blueprint not in ANSWERING
            and request.mimetype != "multipart/form-data"):
        for key, values in request.form.lists():
            if has_forbidden_character(key) or any(has_forbidden_character(v) for v in values):
                _refuse(CONTROL_CHARACTER)


def init_app(app: Flask) -> None:
    # first of all: before the CSRF check, which would call an unreadable form "expired"
    app.before_request_funcs.setdefault(None, []).insert(0, check_request_text)
