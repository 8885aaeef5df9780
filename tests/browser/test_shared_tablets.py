"""A tablet handed from one person to the next, in a real browser: Back, Reload and history
never show an earlier person's answers or send them again; the idle countdown; answers given
without network wait in the tablet and are stored exactly once when it returns."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from surveyapp.extensions import db
from surveyapp.models import Answer, Response
from tests import factories
from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_kiosk import _start_kiosk

pytestmark = pytest.mark.browser


def _stored() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(Response))


def _secret(n: int) -> str:
    return f"Hemligt svar från deltagare {n}"


def _fill_all_but_one(page, n: int) -> None:
    """Every answer but mar_battre, with a free text that is this participant's own."""
    for label in ("Kvinna", "25–29 år", "Utanför Norden"):
        page.get_by_text(label, exact=True).click()
    page.locator("#q-bemotande_samordnare").get_by_text("Bra", exact=True).click()
    page.locator("#q-bemotande_handlaggare").get_by_text("Jag har ingen handläggare").click()
    page.locator("#q-tro_formaga").get_by_text("Stämmer helt").click()
    page.fill("#kommentar", _secret(n))


def _answer(page, n: int, *, leave_out_one: bool = True, switch: bool = True) -> None:
    """One participant: a first try with an answer missing (error page), a change of language
    and back, then the complete answers."""
    _fill_all_but_one(page, n)
    if leave_out_one:
        page.get_by_role("button", name="Skicka svaren").click()
        expect(page.locator("#error-summary")).to_be_visible()
        assert "utkast=" in page.url
    if switch:
        page.get_by_text("Byt språk").first.click()
        page.get_by_role("button", name="English").click()
        expect(page.get_by_role("button", name="Send the answers")).to_be_visible()
        page.get_by_text("Change language").first.click()
        page.get_by_role("button", name="Svenska").click()
        expect(page.get_by_role("button", name="Skicka svaren")).to_be_visible()
        assert page.locator("#kommentar").input_value() == _secret(n)
    page.locator("#q-mar_battre").get_by_text("Lite bättre").click()
    page.get_by_role("button", name="Skicka svaren").click()


def _shows_no_answers(page) -> bool:
    content = page.content()
    if "Hemligt svar" in content:
        return False
    if page.locator("form.survey-form").count() == 0:
        return True
    text = page.locator("#kommentar").input_value() if page.locator("#kommentar").count() else ""
    return page.locator("form.survey-form input:checked").count() == 0 and text == ""


def _walk_history_back_and_reload(page, steps: int, stored: int) -> None:
    for _ in range(steps):
        page.go_back()
        page.wait_for_load_state()
        assert _shows_no_answers(page), page.url
        page.reload()
        page.wait_for_load_state()
        assert _shows_no_answers(page), page.url
        assert _stored() == stored, f"a reload of {page.url} stored something"


def test_kiosk_three_participants_deep_back_and_reload_show_and_send_nothing(live_server, tablet):
    _start_kiosk(live_server, tablet)
    for n in (1, 2, 3):
        tablet.get_by_role("link", name="Svenska").click()
        _answer(tablet, n)
        tablet.wait_for_url("**/kiosk/tack")
        expect(tablet.locator("img.thanks-picture")).to_be_visible()
        tablet.get_by_role("link", name="Nästa deltagare").click()
        tablet.wait_for_url("**/kiosk/")
    assert _stored() == 3
    screenshot(tablet, "kiosk-after-three")
    # the fourth participant goes back through all of it, reloading every page
    _walk_history_back_and_reload(tablet, 12, 3)
    secrets = [t for (t,) in db.session.execute(select(Answer.text).filter_by(question_key="kommentar"))]
    assert sorted(secrets) == [_secret(1), _secret(2), _secret(3)]


def test_open_link_three_people_deep_back_and_reload_show_and_send_nothing(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}")
    for n in (1, 2, 3):
        tablet.get_by_role("link", name="Svenska").click()
        _answer(tablet, n)
        tablet.wait_for_url("**/tack")
        tablet.get_by_role("link", name="Starta en ny enkät").click()
        tablet.wait_for_url(f"**/s/{link.token}")
    assert _stored() == 3
    _walk_history_back_and_reload(tablet, 16, 3)


def test_idle_countdown_warns_and_jag_ar_kvar_keeps_the_answers(live_server, live_app, tablet):
    live_app.config["KIOSK_IDLE_SECONDS"] = 6  # the warning shows for the last 2 seconds
    _start_kiosk(live_server, tablet)
    tablet.get_by_role("link", name="Svenska").click()
    tablet.get_by_text("Kvinna", exact=True).click()
    tablet.fill("#kommentar", "Jag är här")
    warning = tablet.get_by_role("alertdialog")
    expect(warning).to_be_visible(timeout=8000)
    # every sentence of the warning has its speaker button; touching one and listening keep
    # the warning shown, its countdown starting over, so that it is heard to its end
    assert warning.locator("button.speak").count() == 3
    touch = "new PointerEvent('pointerdown', {bubbles: true})"
    for event in (touch, "new Event('play')", "new Event('play')"):
        tablet.evaluate(f"document.querySelectorAll('#idle-warning .speak')[1].dispatchEvent({event})")
        time.sleep(0.8)
    # 2.4 s since the first touch, longer than the warning's 2 s: still there
    assert warning.is_visible() and "/kiosk/sv" in tablet.url
    tablet.evaluate("document.querySelectorAll('#idle-warning .speak')[1].dispatchEvent(new Event('play'))")
    expect(warning).to_contain_text("Är du kvar?")
    expect(tablet.locator("#idle-warning-text")).to_have_text(
        "Enkäten börjar snart om. Svaren du har gett försvinner då.")
    expect(tablet.locator("#idle-countdown")).to_have_text(re.compile(r"^[12]$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tablet.screenshot(path=str(SCREENSHOTS / "kiosk-idle-warning.png"))  # the viewport: the overlay is fixed
    tablet.get_by_role("button", name="Jag är kvar").click()
    expect(warning).to_be_hidden()
    assert tablet.locator("#kommentar").input_value() == "Jag är här"
    assert "/kiosk/sv" in tablet.url
    # playing read-aloud is activity too
    for _ in range(3):
        time.sleep(1.5)
        tablet.evaluate("document.dispatchEvent(new CustomEvent('surveyapp:activity'))")
    assert warning.is_hidden() and "/kiosk/sv" in tablet.url
    # left alone: the countdown ends at the language picker, the answers gone
    tablet.wait_for_url("**/kiosk/", timeout=12000)
    tablet.get_by_role("link", name="Svenska").click()
    assert _shows_no_answers(tablet)


def _kept(page) -> int:
    return page.evaluate("caches.open('surveyapp-answering-v1').then(c => c.keys()).then(k => k.length)")


def test_five_participants_answer_offline_and_are_stored_once_when_the_network_returns(
        live_server, live_app, tablet):
    _start_kiosk(live_server, tablet)
    tablet.reload()  # the page now has a service worker, which keeps the kiosk's pages
    expected = len(tablet.locator("#offline-config").get_attribute("data-urls").split(","))
    deadline = time.time() + 20
    while _kept(tablet) < expected and time.time() < deadline:
        time.sleep(0.3)
    assert _kept(tablet) >= expected

    port = int(live_server.url.rsplit(":", 1)[1])
    live_server.stop()  # the network is gone
    try:
        for n in range(1, 6):
            tablet.get_by_role("link", name="Svenska").click()
            expect(tablet.get_by_role("button", name="Skicka svaren")).to_be_visible()
            _answer(tablet, n, leave_out_one=False, switch=False)
            expect(tablet.get_by_text("Dina svar är sparade på den här enheten")).to_be_visible()
            if n == 1:
                screenshot(tablet, "kiosk-saved-offline")
            tablet.get_by_role("link", name="Nästa deltagare").click()
            expect(tablet.get_by_role("link", name="Svenska")).to_be_visible()
        expect(tablet.get_by_text("5 svar väntar på att skickas.")).to_be_visible(timeout=5000)
        tablet.get_by_role("link", name="Avsluta kioskläget").click()
        expect(tablet.get_by_text("5 svar väntar på att skickas.")).to_be_visible(timeout=5000)
        screenshot(tablet, "kiosk-end-with-waiting-answers")
        assert _stored() == 0
        # Back through the offline pages shows nobody's answers
        _walk_history_offline(tablet)
    finally:
        server = make_server("127.0.0.1", port, live_app, threaded=True)
        import threading

        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
    try:
        tablet.goto(f"{live_server.url}/kiosk/")
        deadline = time.time() + 20
        while _stored() < 5 and time.time() < deadline:
            time.sleep(0.5)
        assert _stored() == 5
        texts = sorted(db.session.scalars(select(Answer.text).filter_by(question_key="kommentar")))
        assert texts == sorted(_secret(n) for n in range(1, 6))
        # sending again (another page, another flush) stores nothing more
        tablet.reload()
        tablet.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")
        time.sleep(2)
        assert _stored() == 5
        expect(tablet.get_by_text("svar väntar på att skickas")).to_be_hidden()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _walk_history_offline(page) -> None:
    for _ in range(4):
        page.go_back()
        page.wait_for_load_state()
        assert _shows_no_answers(page), page.url


def test_kiosk_picker_keeps_everything_in_landmarks(live_server, tablet):
    from tests.browser.test_accessibility import axe_violations

    _start_kiosk(live_server, tablet)
    assert axe_violations(tablet) == []  # loads axe into the page
    region = tablet.evaluate(
        "axe.run(document, {runOnly: {type: 'rule', values: ['region']}}).then(r => r.violations.length)")
    assert region == 0
    expect(tablet.get_by_role("contentinfo")).to_contain_text("Avsluta kioskläget")


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1: rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_focus_ring_on_a_white_option_has_at_least_3_to_1_contrast(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/sv")
    tablet.locator("#q-kon input").first.focus()
    tablet.keyboard.press("Tab")
    tablet.keyboard.press("Shift+Tab")
    color = tablet.evaluate(
        "getComputedStyle(document.querySelector('#q-kon input:focus + .choice-box')).outlineColor")
    ring, white = _luminance(color), 1.0
    assert (white + 0.05) / (ring + 0.05) >= 3


def test_a_double_tap_is_stored_once_and_a_changed_form_is_refused_not_thanked(
        live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/sv")
    _fill_all_but_one(tablet, 1)
    tablet.locator("#q-mar_battre").get_by_text("Lite bättre").click()
    # the same form sent twice before the first answer arrives (a double tap, a retry)
    results = tablet.evaluate("""async () => {
        const form = document.querySelector('form.survey-form');
        const send = () => fetch(form.action, {method: 'POST', body: new FormData(form)});
        const [a, b] = await Promise.all([send(), send()]);
        // then the same form with another answer, after the first was thanked for
        document.querySelector('#q-mar_battre input[value="1"]').checked = true;
        const c = await send();
        return [a.url, b.url, c.status, await c.text()];
    }""")
    assert results[0].endswith("/tack") and results[1].endswith("/tack")
    assert results[2] == 409 and "Den här sidan hör till en tidigare person" in results[3]
    assert _stored() == 1
    assert db.session.scalar(select(Answer.code).filter_by(question_key="mar_battre")) == "4"
