"""A participant answers the avslutningsenkät in a real browser, on a tablet and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Response
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _answer_everything(page) -> None:
    for label in ("Kvinna", "25–29 år", "Utanför Norden"):
        page.get_by_text(label, exact=True).click()
    page.locator("#q-bemotande_samordnare").get_by_text("Dåligt", exact=True).click()
    page.locator("#q-bemotande_handlaggare").get_by_text("Jag har ingen handläggare").click()
    page.locator("#q-diskriminering").get_by_text("Ålder", exact=True).click()
    page.locator("#q-tro_formaga").get_by_text("Stämmer helt").click()
    page.locator("#q-mar_battre").get_by_text("Lite bättre").click()
    page.fill("#kommentar", "Tack för hjälpen")


def test_tablet_participant_answers_and_sees_thanks(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}")
    tablet.get_by_role("link", name="Svenska").click()
    tablet.wait_for_url(f"**/s/{link.token}/sv")
    expect(tablet.locator("#q-diskriminering")).to_be_hidden()
    screenshot(tablet, "avslutningsenkat-tablet")

    tablet.get_by_role("button", name="Skicka svaren").click()
    expect(tablet.get_by_role("alert")).to_be_visible()
    assert tablet.locator("#q-kon .error-text").inner_text().endswith("Svara på frågan.")
    screenshot(tablet, "avslutningsenkat-tablet-errors")

    _answer_everything(tablet)
    assert tablet.locator("#q-diskriminering").is_visible()
    tablet.get_by_role("button", name="Skicka svaren").click()
    tablet.wait_for_url("**/tack")
    expect(tablet.get_by_role("heading", name="Tack för dina svar!")).to_be_visible()
    screenshot(tablet, "avslutningsenkat-tablet-thanks")

    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(Answer.code).filter_by(question_key="diskriminering")) == "alder"

    tablet.get_by_role("link", name="Starta en ny enkät").click()
    expect(tablet.get_by_role("link", name="Svenska")).to_be_visible()


def test_phone_layout_has_no_horizontal_scroll(live_server, phone):
    link = factories.link()
    phone.goto(f"{live_server.url}/s/{link.token}/sv")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    screenshot(phone, "avslutningsenkat-phone")


def test_keyboard_only_can_choose_a_scale_step(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/sv")
    tablet.locator("#q-tro_formaga input").first.focus()
    tablet.keyboard.press("Space")
    tablet.keyboard.press("ArrowRight")
    checked = tablet.locator("#q-tro_formaga input:checked").get_attribute("value")
    assert checked == "2"


def test_answering_works_without_javascript(live_server, browser):
    link = factories.link()
    context = browser.new_context(viewport={"width": 768, "height": 1024}, locale="sv-SE",
                                  java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{link.token}")
        page.get_by_role("link", name="Svenska").click()
        page.wait_for_url(f"**/s/{link.token}/sv")
        page.get_by_role("button", name="Skicka svaren").click()
        expect(page.locator("#q-kon .error-text")).to_contain_text("Svara på frågan.")
        _answer_everything(page)
        screenshot(page, "avslutningsenkat-tablet-no-javascript")
        page.get_by_role("button", name="Skicka svaren").click()
        page.wait_for_url("**/tack")
        expect(page.get_by_role("heading", name="Tack för dina svar!")).to_be_visible()
    finally:
        context.close()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    assert db.session.scalar(select(Answer.code).filter_by(question_key="diskriminering")) == "alder"
