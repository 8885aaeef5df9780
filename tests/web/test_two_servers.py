"""Two app servers on one PostgreSQL database work as one, over real HTTP: a login made on
one is a login on the other, failed logins are counted across both, an export started on
one is followed and downloaded on the other, and a kiosk started on one is answered and
ended on either."""

from __future__ import annotations

import http.client
import io
import os
import re
import socket
import subprocess
import sys
import time
from contextlib import suppress

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from benchmarks.loopback import ANSWERS, Browser, hidden_fields
from surveyapp import create_app
from surveyapp.extensions import db
from tests.conftest import BASE_CONFIG, ROOT, private_postgres
from tests.exports.dataset import avslutningsenkat_rows, import_rows

PASSWORD = "ett långt lösenord för test"
EMAIL = "pl@projekt.example"
#: another account, whose logins the throttle test leaves alone
EXPORTER = "export@projekt.example"
#: the samordnare who starts a kiosk, and the PIN that ends it
SAMORDNARE = "samordnare@mariestad.example"
PIN = "2468"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """A private database with an account and answers; dropped afterwards."""
    with private_postgres("surveyapp_two_servers", "two-server test skipped") as url:
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            from surveyapp.services.accounts import create_account

            create_account(EMAIL, "projektledning", [], password=PASSWORD)
            create_account(EXPORTER, "projektledning", [], password=PASSWORD)
            from surveyapp.services.accounts import set_pin
            from tests import factories

            set_pin(factories.user(SAMORDNARE, "samordnare", password=PASSWORD), PIN)
            factories.round_("avslutningsenkat", "Mättillfälle 1")
            db.session.commit()
            import_rows(app.test_cli_runner(), tmp_path_factory.mktemp("rows"), "avslutningsenkat",
                        avslutningsenkat_rows(40), "Avslut 2026")
            db.session.remove()
            db.engine.dispose()
        yield url


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory):
    """Two gunicorn servers (one sync worker each, jobs in their own threads) on the database."""
    logs = tmp_path_factory.mktemp("servers")
    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "shared-secret-of-both-servers"}
    env.pop("SURVEYAPP_REDIS_URL", None)
    processes, ports, logfiles = [], [], []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = (logs / f"{name}.log").open("w")
            logfiles.append(log)
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                 "--chdir", str(ROOT), "wsgi:app"], env=env, stdout=log, stderr=subprocess.STDOUT,
            ))
            ports.append(port)
        for port, process in zip(ports, processes, strict=True):
            deadline = time.monotonic() + 60
            while True:
                with suppress(OSError):
                    if Browser(port).request("GET", "/login")[0] == 200:
                        break
                assert process.poll() is None, (logs / "a.log").read_text() + (logs / "b.log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            with suppress(subprocess.TimeoutExpired):
                process.wait(10)
        for log in logfiles:
            log.close()


def _on(browser: Browser, port: int) -> Browser:
    """The same browser (its cookies) talking to another server."""
    browser.port = port
    return browser


def _login(browser: Browser, password: str, email: str = EMAIL) -> tuple[int, str]:
    status, _headers, page = browser.request("GET", "/login")
    assert status == 200
    fields = dict(hidden_fields(page))
    body = {**fields, "email": email, "password": password}
    status, _headers, page = browser.request("POST", "/login", body)
    return status, page


def _logged_in(port: int, email: str, path: str) -> tuple[Browser, str]:
    """A browser logged in as ``email`` on the server at ``port``, and the page at ``path``."""
    browser = Browser(port)
    assert _login(browser, PASSWORD, email)[0] == 302
    status, _headers, page = browser.request("GET", path)
    assert status == 200
    return browser, page


def test_a_login_on_one_server_is_a_login_on_the_other(servers):
    a, b = servers
    browser = Browser(a)
    status, _page = _login(browser, PASSWORD)
    assert status == 302
    status, _headers, page = _on(browser, b).request("GET", "/reports/")
    assert status == 200 and EMAIL in page
    # the form the login page of A gave is accepted by B: its CSRF token is in the shared session
    status, _headers, page = _on(browser, a).request("GET", "/reports/avslutningsenkat")
    assert status == 200


def test_failed_logins_are_counted_across_both_servers(servers):
    a, b = servers
    browser = Browser(a)
    results = []
    for port in (a, b, a, b):
        status, page = _login(_on(browser, port), "fel lösenord")
        results.append(status)
    # three free failures, spread over A and B; the fourth must wait, on whichever server
    assert results == [401, 401, 401, 429]
    status, page = _login(_on(browser, a), PASSWORD)
    assert status == 429 and "För många misslyckade försök" in page


def test_an_export_started_on_one_server_is_downloaded_on_the_other(servers):
    a, b = servers
    browser, page = _logged_in(a, EXPORTER, "/reports/avslutningsenkat?by=kon")
    action = re.search(r'<form method="post" action="([^"]*\.xlsx[^"]*)"', page).group(1)
    action = action.replace("&amp;", "&")
    status, headers, _page = browser.request("POST", action, hidden_fields(page))
    assert status == 303
    job_page = re.sub(r"^https?://[^/]+", "", headers["Location"])

    _on(browser, b)
    deadline = time.monotonic() + 120
    while True:
        status, _headers, body = browser.request("GET", job_page + "/status")
        assert status == 200
        if '"done"' in body or '"failed"' in body:
            break
        assert time.monotonic() < deadline, body
        time.sleep(0.5)
    assert '"done"' in body
    status, _headers, page = browser.request("GET", job_page)
    assert status == 200 and "Ladda ner Excel-filen" in page
    conn = http.client.HTTPConnection("127.0.0.1", b, timeout=30)
    conn.request("GET", job_page + "/file",
                 headers={"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    assert response.status == 200
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[0] == "Översikt"
    # and someone without the login gets nothing from either server
    for port in (a, b):
        assert Browser(port).request("GET", job_page + "/file")[0] == 302


def test_a_kiosk_started_on_one_server_is_answered_and_ended_on_either(servers, database):
    a, b = servers
    tablet, page = _logged_in(a, SAMORDNARE, "/kiosk/starta")
    round_id = re.search(r'<option value="(\d+)"[^>]*>[^<]*Mättillfälle 1', page).group(1)
    organisation_id = re.search(r'<select[^>]*name="organisation".*?<option value="(\d+)"', page,
                                re.S).group(1)
    body = {**dict(hidden_fields(page)), "round": round_id, "organisation": organisation_id}
    status, headers, _page = tablet.request("POST", "/kiosk/starta", body)
    assert status == 302 and headers["Location"].endswith("/kiosk/")

    # the picker and the form come from B, the answer goes to A, the thanks from B
    status, _headers, page = _on(tablet, b).request("GET", "/kiosk/")
    assert status == 200 and 'href="/kiosk/sv"' in page
    status, _headers, form = tablet.request("GET", "/kiosk/sv")
    assert status == 200 and 'id="idle-warning"' in form
    answered = [*hidden_fields(form), *ANSWERS.items()]
    status, headers, _page = _on(tablet, a).request("POST", "/kiosk/sv", answered)
    assert status == 302 and headers["Location"].endswith("/kiosk/tack")
    status, _headers, page = _on(tablet, b).request("GET", "/kiosk/tack")
    assert status == 200 and "Tack för dina svar" in page
    # the same answer sent again through B (a lost reply, a double tap) is not stored twice
    status, _headers, _page = tablet.request("POST", "/kiosk/sv", answered)
    assert status in (302, 409)

    # the samordnare's PIN ends the kiosk on A; B then shows it no more
    status, _headers, page = _on(tablet, a).request("GET", "/kiosk/avsluta")
    ending = {**dict(hidden_fields(page)), "pin": PIN}
    status, _headers, _page = tablet.request("POST", "/kiosk/avsluta", ending)
    assert status == 302
    status, headers, _page = _on(tablet, b).request("GET", "/kiosk/sv")
    assert status == 302 and headers["Location"].endswith("/login")

    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            stored = connection.execute(text(
                "SELECT count(*) FROM responses r JOIN rounds o ON o.id = r.round_id"
                " WHERE o.name = 'Mättillfälle 1' AND r.channel = 'self'")).scalar()
            tallied = connection.execute(text("SELECT coalesce(sum(answers), 0) FROM kiosk_tallies")).scalar()
    finally:
        engine.dispose()
    assert (stored, tallied) == (1, 1)
