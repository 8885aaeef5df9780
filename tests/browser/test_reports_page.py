"""The report page in a real browser, with imported data: a screenshot to look at."""

from __future__ import annotations

import pytest

from surveyapp.extensions import db
from surveyapp.services.imports import import_file
from tests import factories
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_accessibility import axe_violations
from tests.exports.dataset import (
    ORGANISATIONS,
    avslutningsenkat_rows,
    progressionskort_rows,
    samverkan_rows,
    write_csv,
)

pytestmark = pytest.mark.browser

PASSWORD = "projektledning-lösen"


def _import(tmp_path, questionnaire, rows, round_name):
    import_file(questionnaire, write_csv(tmp_path / f"{round_name}.csv", rows), round_name)
    db.session.commit()


def test_report_page_with_goals_breakdowns_and_shift(live_server, browser, tmp_path):
    for name in ORGANISATIONS:
        factories.organisation(name)
    _import(tmp_path, "avslutningsenkat", avslutningsenkat_rows(300), "Avslut 2026")
    _import(tmp_path, "samverkan", samverkan_rows(60, month=3), "Mättillfälle 1")
    _import(tmp_path, "samverkan", samverkan_rows(60, month=10, lift=1), "Mättillfälle 2")
    factories.user("pl@projekt.example", "projektledning", password=PASSWORD)

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.fill("#email", "pl@projekt.example")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/staff/**")

    page.goto(f"{live_server.url}/reports/avslutningsenkat?by=kon&by=fodelseregion")
    assert page.get_by_role("heading", name="Rapport: Avslutningsenkät").is_visible()
    assert page.locator("#goals tbody tr").count() == 3
    assert axe_violations(page) == []
    screenshot(page, "report-avslutningsenkat")
    page.screenshot(path=str(SCREENSHOTS / "report-avslutningsenkat-top.png"),
                    clip={"x": 0, "y": 0, "width": 1280, "height": 1000})

    page.goto(f"{live_server.url}/reports/samverkan")
    page.get_by_label("Roll").check()
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**by=role**")
    assert page.locator("#shifts tbody tr").count() > 4
    assert axe_violations(page) == []
    screenshot(page, "report-samverkan")
    page.locator("#shifts").screenshot(path=str(SCREENSHOTS / "report-samverkan-shifts.png"))
    page.locator("section.matrix").screenshot(path=str(SCREENSHOTS / "report-samverkan-matrix.png"))

    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner Excel").click()
    assert download.value.suggested_filename.startswith("samverkan-")

    _import(tmp_path, "progressionskort", progressionskort_rows(60), "Löpande")
    page.goto(f"{live_server.url}/reports/progressionskort?by=kon")
    assert page.locator("#paired tbody tr").count() == 8 * (1 + 3)  # total and kvinna, man, annan
    assert axe_violations(page) == []
    page.locator("#paired").screenshot(path=str(SCREENSHOTS / "report-progressionskort-paired.png"))
    context.close()
