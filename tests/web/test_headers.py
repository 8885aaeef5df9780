"""Every response carries the security headers; templates need no inline styles or handlers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from surveyapp import create_app
from tests import factories
from tests.conftest import BASE_CONFIG

TEMPLATES = Path(__file__).resolve().parents[2] / "surveyapp" / "templates"


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_every_kind_of_response_carries_the_headers(client):
    link = factories.link()
    with client.get("/static/app.css") as css:
        responses = [client.get("/login"), client.get(f"/s/{link.token}"), client.get("/finns-inte"), css]
        for response in responses:
            csp = _directives(response)
            assert csp["frame-ancestors"] == "'none'"
            assert csp["object-src"] == "'none'"
            assert csp["base-uri"] == "'none'"
            assert csp["style-src"] == "'self'"
            assert csp["form-action"] == "'self'"
            assert csp["worker-src"] == "'self'" and csp["connect-src"] == "'self'"
            assert csp["media-src"] == "'self' blob:" and csp["img-src"] == "'self' data:"
            assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "Strict-Transport-Security" not in response.headers


def test_the_inline_script_runs_with_this_requests_nonce_only(client):
    first, second = client.get("/login"), client.get("/login")
    nonces = []
    for page in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
        assert f'<script nonce="{nonce}">' in page.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_hsts_is_sent_when_cookies_are_secure(backend, sqlite_template, tmp_path):
    import shutil

    if backend != "sqlite":
        pytest.skip("a header, the same on every database")
    path = tmp_path / "secure.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "SESSION_COOKIE_SECURE": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        response = app.test_client().get("/login")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_templates_have_no_inline_styles_handlers_or_scripts():
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\sstyle\s*=", text), template
        assert not re.search(r"\son[a-z]+\s*=", text), template
        for script in re.findall(r"<script[^>]*>", text):
            assert "src=" in script or "csp_nonce()" in script, template
