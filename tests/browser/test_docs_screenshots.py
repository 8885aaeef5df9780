"""The staff guide's screenshots (docs/img/), made by the browser on the demo data so that they
show the pages as they are. Run by ``make docs-screenshots`` (SURVEYAPP_DOCS_SCREENSHOTS=1);
otherwise skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from surveyapp.cli.setup import DEMO_ACCOUNTS
from surveyapp.extensions import db

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("SURVEYAPP_DOCS_SCREENSHOTS"),
                       reason="makes the docs' screenshots: make docs-screenshots"),
]

IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
#: role → the pages shown in the guide: (file name, path)
PAGES = {
    "samordnare": [("samordnare-deltagare.png", "/staff/deltagare")],
    "projektledning": [("projektledning-mattillfallen.png", "/staff/mattillfallen"),
                       ("projektledning-rapport.png", "/reports/avslutningsenkat")],
    "admin": [("admin-anvandare.png", "/staff/anvandare")],
    "styrgrupp": [("styrgrupp-maluppfyllelse.png", "/staff/maluppfyllelse")],
}


def test_the_staff_guide_screenshots(live_app, live_server, browser, tmp_path):
    runner = live_app.test_cli_runner()
    assert runner.invoke(args=["init", "--demo"]).exit_code == 0
    assert runner.invoke(args=["demo-files", str(tmp_path)]).exit_code == 0
    result = runner.invoke(args=["import", "avslutningsenkat", str(tmp_path / "avslutningsenkat.csv"),
                                 "--round", "Mättillfälle 1", "--project", "Cresco+"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["participants", "import", str(tmp_path / "deltagare.csv"),
                                 "--project", "Cresco+"])
    assert result.exit_code == 0, result.output
    db.session.commit()
    IMG.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1100, "height": 720}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.screenshot(path=str(IMG / "login.png"))
    for role, email, password, _organisation in DEMO_ACCOUNTS:
        page.goto(f"{live_server.url}/login")
        page.fill("#email", email)
        page.fill("#password", password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url("**/staff/**")
        for name, path in PAGES[role]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            page.screenshot(path=str(IMG / name))
        page.get_by_role("button", name="Logga ut").click()
    context.close()
