"""Browser tests: a real surveyapp server on loopback, driven by Debian's headless Chromium.

Screenshots go to ``test-artifacts/screenshots/`` so that a person can look at them.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from surveyapp import create_app
from surveyapp.extensions import db
from tests.conftest import BASE_CONFIG

CHROMIUM = os.environ.get("SURVEYAPP_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 360, "height": 640}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """surveyapp served from a thread; ``url`` is its base address."""

    def __init__(self, app):
        self.app = app
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._server = make_server("127.0.0.1", port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def live_app(sqlite_template, tmp_path):
    """The app on its own SQLite file, with CSRF on as in production."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    config = {**BASE_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    config.pop("SERVER_NAME")
    app = create_app(config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


#: the Content-Security-Policy violations of the running test, as the pages reported them
CSP_VIOLATIONS: list[str] = []
#: every page reports a violation to its console, where the test sees it
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.effectiveDirective + " blocked "
                + (event.blockedURI || "inline") + " in " + event.sourceFile + ":" + event.lineNumber);
});
"""


def _collect_violation(message) -> None:
    if message.text.startswith("CSP violation") or "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(message.text)


class CheckedBrowser:
    """The browser, with every new context and page reporting CSP violations."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", _collect_violation)
        return context

    def new_page(self, **kwargs):
        page = self._browser.new_page(**kwargs)
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", _collect_violation)
        return page


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield CheckedBrowser(chromium)
        chromium.close()


@pytest.fixture(autouse=True)
def no_csp_violations():
    """Every browser test fails on any Content-Security-Policy violation its pages report."""
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, "Content-Security-Policy violations:\n" + "\n".join(CSP_VIOLATIONS)


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport=TABLET, locale="sv-SE")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="sv-SE", is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
