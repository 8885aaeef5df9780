"""Answering pages rendered once per process and completed per request.

The empty form of a questionnaire version in one language, and a link's language picker, are
the same for every participant but for a few values of the request: the CSRF token, the
answering turn, the response id, the queue ticket and the script nonce. Such a page is rendered
once with a placeholder for each of those values and kept; each request then joins the kept
text with its own values, HTML-escaped.

A page is kept under everything it is rendered from besides those values: the caller's key
(the link, the version and its content hash, the language), the languages offered (the
catalogs), the published recordings of the page's language and the pictures folder; a change
of any of them renders the page anew. A page whose placeholders do not come out intact (a
template that transforms one of them) is not kept: the caller renders it as before.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Hashable

from flask import request
from markupsafe import escape

from ..headers import csp_nonce

#: the names of the values completed per request
FIELDS = ("csrf", "uuid", "turn", "ticket", "nonce")
#: placeholders: letters and digits only, so that HTML escaping leaves them as they are, and
#: random per process, so that no questionnaire text can contain one
_PREFIX = "splice" + secrets.token_hex(12)
PLACEHOLDERS = {name: f"{_PREFIX}{name}" for name in FIELDS}
_SPLIT = re.compile(f"{_PREFIX}({'|'.join(FIELDS)})")
#: at most this many pages per process (versions × languages × links); then it starts afresh
MAX_PAGES = 512

_NONCE_KEY = "surveyapp.csp_nonce"

_pages: dict[Hashable, tuple[str | None, ...]] = {}
_lock = threading.Lock()


def _split(page: str) -> tuple[str | None, ...] | None:
    """The page as literal text and field names, alternately; None when a placeholder was altered."""
    parts = _SPLIT.split(page)
    literals = parts[0::2]
    if any(_PREFIX in literal for literal in literals):
        return None
    return tuple(parts)


def _join(parts: tuple[str, ...], values: dict[str, str]) -> str:
    escaped = {name: str(escape(value)) for name, value in values.items()}
    return "".join(escaped[part] if index % 2 else part for index, part in enumerate(parts))


def render_cached(key: Hashable, render: Callable[[], str], values: dict[str, str]) -> str | None:
    """The page kept under ``key`` completed with ``values`` (field name → value); None when
    the page cannot be kept (the caller renders it with the real values).

    ``render`` renders the page with :data:`PLACEHOLDERS` in place of the values; it is called
    with this request's script nonce replaced by its placeholder. The nonce itself is added
    to ``values`` here.
    """
    values = {**values, "nonce": csp_nonce()}
    parts = _pages.get(key)
    if parts is None:
        environ = request.environ
        own_nonce = environ.get(_NONCE_KEY)
        environ[_NONCE_KEY] = PLACEHOLDERS["nonce"]
        try:
            page = render()
        finally:
            environ[_NONCE_KEY] = own_nonce
        parts = _split(page)
        if parts is None:  # the placeholders did not come out as rendered
            return None
        with _lock:
            if len(_pages) >= MAX_PAGES:
                _pages.clear()
            _pages[key] = parts
    return _join(parts, values)


def clear() -> None:
    """Forgets every kept page (tests)."""
    with _lock:
        _pages.clear()
