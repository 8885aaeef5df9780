"""The Enkäter page in a real browser: a spreadsheet downloaded, changed, uploaded with its
form token, previewed as participants see it (nothing can be sent) and published."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from surveyapp.extensions import db
from surveyapp.services.questionnaires import current_version
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "ett långt lösenord"


def test_upload_preview_and_publish_in_a_browser(live_app, live_server, browser, tmp_path):
    factories.user("pl@example.se", "projektledning", password=PASSWORD)
    before = current_version("avslutningsenkat").id
    page = browser.new_page(locale="sv-SE", viewport={"width": 1000, "height": 1300})
    page.goto(f"{live_server.url}/login")
    page.fill("#email", "pl@example.se")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/staff/**")
    page.goto(f"{live_server.url}/staff/enkater")
    with page.expect_download() as download:
        page.click("a[href='/staff/enkater/avslutningsenkat.xlsx']")
    path = tmp_path / "avslutningsenkat.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    survey = book["survey"]
    header = [cell.value for cell in survey[1]]
    row = [None] * len(header)
    row[header.index("type")], row[header.index("name")] = "integer", "timmar_vecka"
    row[header.index("label::Svenska (sv)")] = "Hur många timmar i veckan är du i aktivitet?"
    row[header.index("constraint")] = ". >= 0 and . <= 60"
    survey.append(row)
    book.save(path)

    page.set_input_files("#xlsform-file", str(path))
    page.get_by_role("button", name="Kontrollera filen").click()
    expect(page.get_by_text("avslutningsenkat.xlsx har inga problem.")).to_be_visible()
    page.get_by_role("link", name="Svenska").click()
    expect(page.get_by_text("Förhandsvisning av avslutningsenkat.xlsx")).to_be_visible()
    expect(page.get_by_role("textbox", name="Hur många timmar i veckan är du i aktivitet?")).to_be_visible()
    expect(page.get_by_text("Ett heltal från 0 till 60.")).to_be_visible()
    expect(page.get_by_role("button", name="Skicka svaren")).to_be_disabled()
    screenshot(page, "enkater-forhandsvisning")
    page.get_by_role("link", name="Tillbaka till uppladdningen").click()
    page.get_by_role("button", name="Publicera").click()
    expect(page.get_by_text("är publicerad")).to_be_visible()
    db.session.remove()
    published = current_version("avslutningsenkat")
    assert published.id != before and "timmar_vecka" in published.questionnaire().keys
    page.close()
