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
    expect(tablet.locator('#goal-table tr[data-goal="avslut.0"]')).to_contain_text("5 av 12")
    problems["goal table"] = axe_violations(tablet)
    tablet.locator("#goal-uppfoljning_6man\\.0 summary").click()
    tablet.select_option("#goal-uppfoljning_6man\\.0-assessment", "uppnatt")
    tablet.fill("#goal-uppfoljning_6man\\.0-motivering", "Troligen uppnått: de flesta ökade inom ett steg.")
    tablet.locator("#goal-uppfoljning_6man\\.0").get_by_role("button", name="Spara bedömningen").click()
    row = tablet.locator('#goal-table tr[data-goal="uppfoljning_6man.0"]')
    expect(row).to_contain_text("Uppnått")
    expect(row).to_contain_text("de flesta ökade inom ett steg")
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


def _pdf_text(page, tmp_path) -> str:
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    path = tmp_path / "page.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_goal_page_prints_every_column_and_fits_a_laptop_screen(live_app, live_server, tablet, tmp_path):
    load_project(live_app.test_cli_runner(), tmp_path)
    factories.organisation("Lidköping")
    factories.user("pl@example.se", "projektledning", password=PASSWORD)
    tablet.set_viewport_size({"width": 1366, "height": 800})
    _login(tablet, live_server.url, "pl@example.se")
    tablet.goto(f"{live_server.url}/staff/maluppfyllelse")
    # the goal table reads without sideways scrolling on a 1 366 px screen
    widths = tablet.evaluate("(() => { const t = document.querySelector('#goal-table');"
                             " return [t.scrollWidth, t.parentElement.clientWidth]; })()")
    assert widths[0] <= widths[1], widths
    tablet.locator("#goal-uppfoljning_6man\\.0 summary").click()
    tablet.select_option("#goal-uppfoljning_6man\\.0-assessment", "delvis")
    tablet.fill("#goal-uppfoljning_6man\\.0-motivering", "Motiveringen står på papperet.")
    tablet.locator("#goal-uppfoljning_6man\\.0").get_by_role("button", name="Spara bedömningen").click()
    text = _pdf_text(tablet, tmp_path)
    # every kommun's column, the projektmål headings, the verdict words and the motivering
    for expected in ("Mariestad", "Skövde", "Lidköping", "Kvinna", "Man",
                     "Deltagare uppnår en varaktig progression", "Delvis uppnått",
                     "Motiveringen står på papperet."):
        assert expected in text, expected
    assert "Spara bedömningen" not in text  # the forms stay off paper


def test_a_report_page_prints_every_kommuns_column(live_app, live_server, tablet, tmp_path):
    load_project(live_app.test_cli_runner(), tmp_path)
    factories.user("pl@example.se", "projektledning", password=PASSWORD)
    tablet.set_viewport_size({"width": 1366, "height": 800})
    _login(tablet, live_server.url, "pl@example.se")
    tablet.goto(f"{live_server.url}/reports/avslut?by=organisation&by=kon")
    text = _pdf_text(tablet, tmp_path)
    # the breakdowns by kommun and kön reach the paper whole, headings with their figures
    for expected in ("Mariestad", "Skövde", "Kvinna", "Man", "Vad gör deltagaren efter avslut?"):
        assert expected in text, expected


def test_a_large_goal_page_shows_its_progress_then_fills(live_app, live_server, tablet, tmp_path):
    """Over many answers Måluppfyllelse is a job: the report pages' progress page follows it
    (jobs.js) and opens the page, filled, when it is done."""
    load_project(live_app.test_cli_runner(), tmp_path)
    factories.user("s@mariestad.example", "samordnare", ["Mariestad"], password=PASSWORD)
    live_app.config["REPORT_JOB_RESPONSES"] = 10  # the small project's answers count as many
    tablet.set_viewport_size({"width": 1280, "height": 900})
    _login(tablet, live_server.url, "s@mariestad.example")
    tablet.goto(f"{live_server.url}/staff/maluppfyllelse")
    assert "/staff/maluppfyllelse/jobb/" in tablet.url
    expect(tablet.locator("h1")).to_have_text("Måluppfyllelse")
    tablet.wait_for_url("**/staff/maluppfyllelse?jobb=*")
    expect(tablet.locator('#goal-table tr[data-goal="participants"]')).to_contain_text("8 (av 120)")
    screenshot(tablet, "staff-goal-table-from-job")
