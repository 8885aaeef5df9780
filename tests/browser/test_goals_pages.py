"""The project's pages in a browser: Måluppfyllelse with a bedömning written, and the
register form on Deltagare, each without serious accessibility problems."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations
from tests.project_data import load_project

pytestmark = pytest.mark.browser

PASSWORD = "ett långt lösenord"


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/staff/**")


def test_goal_page_and_register_form(live_app, live_server, tablet, tmp_path):
    load_project(live_app.test_cli_runner(), tmp_path)
    factories.user("pl@example.se", "projektledning", password=PASSWORD)
    factories.user("s@mariestad.example", "samordnare", ["Mariestad"], password=PASSWORD)
    tablet.set_viewport_size({"width": 1280, "height": 900})
    problems = {}

    _login(tablet, live_server.url, "pl@example.se")
    tablet.get_by_role("link", name="Måluppfyllelse").click()
    expect(tablet.locator('tr[data-goal="avslut.0"]')).to_contain_text("5 av 12")
    problems["goal table"] = axe_violations(tablet)
    tablet.locator("#goal-uppfoljning_6man\\.0 summary").click()
    tablet.fill("#goal-uppfoljning_6man\\.0-assessment", "troligen uppnått")
    tablet.fill("#goal-uppfoljning_6man\\.0-motivering", "De flesta ökade inom ett steg.")
    tablet.locator("#goal-uppfoljning_6man\\.0").get_by_role("button", name="Spara bedömningen").click()
    expect(tablet.locator('tr[data-goal="uppfoljning_6man.0"]')).to_contain_text("troligen uppnått")
    screenshot(tablet, "staff-goal-table")
    tablet.get_by_role("button", name="Logga ut").click()

    _login(tablet, live_server.url, "s@mariestad.example")
    tablet.get_by_role("link", name="Deltagare").click()
    tablet.select_option("#register-kon", "man")
    tablet.select_option("#register-aldersgrupp", "30-44")
    tablet.select_option("#register-fodelseregion", "sverige")
    problems["register form"] = axe_violations(tablet)
    tablet.get_by_role("button", name="Skriv in och skriv ut kort").click()
    expect(tablet.locator(".qr-card")).to_have_count(1)
    tablet.goto(f"{live_server.url}/staff/deltagare/MA-01")
    problems["participant page"] = axe_violations(tablet)
    assert {name: found for name, found in problems.items() if found} == {}
