"""The site's address in links that leave the browser: shown to copy, e-mailed, in QR codes."""

from __future__ import annotations

from flask import current_app, request


def public_url() -> str:
    """``SURVEYAPP_PUBLIC_URL`` (the setting the command line reads too), else the address this
    request came in through (behind a proxy, as ``SURVEYAPP_PROXIES`` lets it say)."""
    return current_app.config["PUBLIC_URL"] or request.url_root.rstrip("/")
