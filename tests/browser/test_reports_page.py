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
        page.get_by_role("button", name="Ladda ner Excel").click()
    assert download.value.suggested_filename.startswith("samverkan-")

    _import(tmp_path, "progressionskort", progressionskort_rows(60), "Löpande")
    page.goto(f"{live_server.url}/reports/progressionskort?by=kon")
    assert page.locator("#paired tbody tr").count() == 8 * (1 + 3)  # total and kvinna, man, annan
    assert axe_violations(page) == []
    page.locator("#paired").screenshot(path=str(SCREENSHOTS / "report-progressionskort-paired.png"))
    context.close()


def test_report_page_prints_as_a_clean_a4_report(live_server, browser, tmp_path):
    """The browser's print of the report: charts and tables in words, without navigation,
    filters or buttons, and no text under 7 pt."""
    import re
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler (pdftotext) is needed to read the printed page: make system-packages")
    for name in ORGANISATIONS:
        factories.organisation(name)
    _import(tmp_path, "avslutningsenkat", avslutningsenkat_rows(300), "Avslut 2026")
    factories.user("pl@projekt.example", "projektledning", password=PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    page.fill("#email", "pl@projekt.example")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/staff/**")
    page.goto(f"{live_server.url}/reports/avslutningsenkat?by=kon")
    assert page.locator("svg.chart").count() >= 10
    path = tmp_path / "report.pdf"
    page.pdf(path=str(path), format="A4")
    context.close()

    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "Rapport: Avslutningsenkät" in flat
    assert "Hur har du blivit bemött av din samordnare?" in flat
    assert "Andel som svarat Bra per kön" in flat  # a chart's caption
    assert "Mål 90 %" in flat  # the target line's legend
    assert "Uppdelat efter: Kön" in flat  # the selection, printed instead of the filters
    for absent in ("Ladda ner Excel", "Rensa urvalet", "Dela upp efter", "Logga ut", "Rapporter",
                   "Hoppa till innehållet", "Från och med"):
        assert absent not in flat, absent
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', bbox)
    heights = [float(bottom) - float(top) for top, bottom in words]
    assert heights and min(heights) >= 7
