"""Security headers on every response, set here and nowhere else.

The Content-Security-Policy lets scripts run only from this site or with the request's nonce
(templates write ``nonce="{{ csp_nonce() }}"``), allows no inline styles or handlers, no
plugins, no framing and no ``<base>``. A response that sets its own policy (a sandboxed
picture) keeps it.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, current_app, has_request_context, request


def csp_nonce() -> str:
    """This request's nonce, made when first asked for (kept with the request, not the app
    context, which may outlive one request)."""
    if not has_request_context():
        return ""
    return request.environ.setdefault("surveyapp.csp_nonce", secrets.token_urlsafe(16))


def policy(nonce: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ))


def set_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
