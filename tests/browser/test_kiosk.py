"""Kiosk mode in a real browser: two participants in a row on one tablet, and nothing of the
first one's answers reaches the second (Back, history, cache, idle timeout)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.services.accounts import set_pin
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "samordnare-lösen"


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/staff/**")


def _fill(page):
    for label in ("Kvinna", "25–29 år", "Utanför Norden"):
        page.get_by_text(label, exact=True).click()
    page.locator("#q-bemotande_samordnare").get_by_text("Bra", exact=True).click()
    page.locator("#q-bemotande_handlaggare").get_by_text("Jag har ingen handläggare").click()
    page.locator("#q-tro_formaga").get_by_text("Stämmer helt").click()
    page.locator("#q-mar_battre").get_by_text("Lite bättre").click()
    page.fill("#kommentar", "Hemligt svar från deltagare ett")


def _nothing_filled_in(page) -> bool:
    if page.locator("form.survey-form").count() == 0:
        return "Hemligt svar" not in page.content()
    checked = page.locator("form.survey-form input:checked").count()
    text = page.locator("#kommentar").input_value() if page.locator("#kommentar").count() else ""
    return checked == 0 and text == "" and "Hemligt svar" not in page.content()


def _start_kiosk(live_server, tablet):
    factories.round_("avslutningsenkat")
    account = factories.user("samordnare@mariestad.example", "samordnare", password=PASSWORD)
    set_pin(account, "2468")
    db.session.commit()
    _login(tablet, live_server.url, "samordnare@mariestad.example")
    tablet.get_by_role("link", name="Kioskläge").click()
    screenshot(tablet, "kiosk-start")
    tablet.get_by_role("button", name="Starta kioskläget på den här surfplattan").click()
    tablet.wait_for_url("**/kiosk/")


def test_two_participants_in_a_row_and_back_shows_nothing(live_server, tablet):
    _start_kiosk(live_server, tablet)
    expect(tablet.get_by_role("link", name="Svenska")).to_be_visible()
    assert tablet.get_by_role("navigation").count() == 0
    screenshot(tablet, "kiosk-language")

    tablet.get_by_role("link", name="Svenska").click()
    assert tablet.locator("form.survey-form").get_attribute("autocomplete") == "off"
    _fill(tablet)
    screenshot(tablet, "kiosk-form")
    tablet.get_by_role("button", name="Skicka svaren").click()
    tablet.wait_for_url("**/kiosk/tack")
    screenshot(tablet, "kiosk-thanks")
    tablet.get_by_role("link", name="Nästa deltagare").click()
    tablet.wait_for_url("**/kiosk/")

    # the next participant tries Back through the whole history
    for _ in range(4):
        tablet.go_back()
        tablet.wait_for_load_state()
        assert _nothing_filled_in(tablet), tablet.url
    tablet.goto(f"{live_server.url}/kiosk/sv")
    assert _nothing_filled_in(tablet)

    _fill(tablet)
    tablet.get_by_role("button", name="Skicka svaren").click()
    tablet.wait_for_url("**/kiosk/tack")
    assert db.session.scalar(select(func.count()).select_from(Response)) == 2


def test_idle_tablet_returns_to_the_language_picker_and_drops_unfinished_answers(live_server, live_app,
                                                                                  tablet):
    live_app.config["KIOSK_IDLE_SECONDS"] = 3
    _start_kiosk(live_server, tablet)
    tablet.get_by_role("link", name="Svenska").click()
    tablet.get_by_text("Kvinna", exact=True).click()
    tablet.fill("#kommentar", "Hemligt svar som inte skickades")
    tablet.wait_for_url("**/kiosk/", timeout=12000)
    tablet.get_by_role("link", name="Svenska").click()
    expect(tablet.locator("form.survey-form")).to_be_visible()
    assert _nothing_filled_in(tablet)
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_leaving_kiosk_mode_takes_the_pin(live_server, tablet):
    _start_kiosk(live_server, tablet)
    tablet.get_by_role("link", name="Avsluta kioskläget").click()
    tablet.fill("#pin", "1111")
    tablet.get_by_role("button", name="Avsluta", exact=True).click()
    expect(tablet.get_by_text("Fel PIN-kod.")).to_be_visible()
    tablet.fill("#pin", "2468")
    tablet.get_by_role("button", name="Avsluta", exact=True).click()
    tablet.wait_for_url("**/login")
    expect(tablet.get_by_text("Kioskläget är avslutat")).to_be_visible()
