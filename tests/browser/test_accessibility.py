"""WCAG 2.1 AA on the participant pages: axe-core in headless Chromium, touch targets, zoom.

axe-core is vendored in ``tests/browser/vendor/`` (see its README) and injected into each page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import TABLET, screenshot

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    # evaluated by the test driver, not as an inline <script>, which the page's CSP refuses
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _page(browser, language_header: str = "sv-SE", viewport=TABLET):
    context = browser.new_context(viewport=viewport, locale=language_header)
    return context, context.new_page()


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_participant_pages_have_no_serious_accessibility_violations(browser, live_server, language):
    context, page = _page(browser, "ar-SE" if language == "ar" else "sv-SE")
    problems = {}
    try:
        exit_survey = factories.link()
        page.goto(f"{live_server.url}/s/{exit_survey.token}")
        problems["language choice"] = axe_violations(page)

        for link in (exit_survey, factories.link("progressionskort")):
            page.goto(f"{live_server.url}/s/{link.token}/{language}")
            problems[f"{link.round.questionnaire_key} form"] = axe_violations(page)
            page.locator(".language-menu summary").click()
            problems[f"{link.round.questionnaire_key} language menu"] = axe_violations(page)
            page.locator(".language-menu summary").click()
            page.locator(".actions .button-primary").click()
            page.locator("#error-summary").wait_for()
            problems[f"{link.round.questionnaire_key} errors"] = axe_violations(page)

        page.goto(f"{live_server.url}/s/{exit_survey.token}/{language}/tack")
        problems["thanks"] = axe_violations(page)
        page.goto(f"{live_server.url}/s/nosuchlink/{language}")
        problems["error page"] = axe_violations(page)
    finally:
        context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def test_errors_are_announced_and_focused(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/sv")
    tablet.get_by_role("button", name="Skicka svaren").click()
    summary = tablet.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    expect(summary).to_be_focused()
    # every question in error names its message in its description
    fieldset = tablet.locator("#q-kon fieldset")
    assert "kon-error" in fieldset.get_attribute("aria-describedby")
    assert summary.get_by_role("link").first.get_attribute("href") == "#q-kon"


def _targets_too_small(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll(
              'a, button, summary, label.choice, textarea, input[type=text]')]
            .filter(el => el.offsetParent !== null && !el.classList.contains('skip-link'))
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.width < 44 || r.height < 44)
            .map(([el, r]) => el.outerHTML.slice(0, 80) + ` ${r.width}x${r.height}`)"""
    )


@pytest.mark.parametrize(
    ("name", "viewport"),
    [("phone", {"width": 360, "height": 740}), ("zoom-200", {"width": 384, "height": 512})],
)
@pytest.mark.parametrize("language", ["ar", "ti"])
def test_small_screens_and_200_percent_zoom_keep_everything_reachable(
    browser, live_server, name, viewport, language
):
    """A 768 px tablet at 200 % zoom lays out like a 384 px wide screen."""
    link = factories.link()
    context, page = _page(browser, viewport=viewport)
    try:
        page.goto(f"{live_server.url}/s/{link.token}/{language}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert _targets_too_small(page) == []
        page.goto(f"{live_server.url}/s/{link.token}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert _targets_too_small(page) == []
        if name == "zoom-200" and language == "ar":
            page.goto(f"{live_server.url}/s/{link.token}/{language}")
            screenshot(page, "avslutningsenkat-ar-zoom-200")
    finally:
        context.close()


def test_focus_is_visible_on_every_kind_of_control(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/sv")
    tablet.locator("#q-kon input").first.focus()
    tablet.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    tablet.keyboard.press("Shift+Tab")
    outline = tablet.evaluate(
        "getComputedStyle(document.querySelector('#q-kon input:focus + .choice-box')).outlineStyle"
    )
    assert outline == "solid"
    tablet.locator(".language-menu summary").focus()
    assert tablet.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_the_language_menu_works_with_the_keyboard(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/sv")
    tablet.locator('#q-kon input[value="man"]').check()
    tablet.locator(".language-menu summary").focus()
    tablet.keyboard.press("Enter")
    assert tablet.locator(".language-menu-list").is_visible()
    tablet.keyboard.press("Escape")
    assert not tablet.locator(".language-menu-list").is_visible()
    assert tablet.evaluate("document.activeElement.tagName") == "SUMMARY"
    tablet.keyboard.press("Enter")
    tablet.keyboard.press("Tab")
    tablet.keyboard.press("Tab")  # Svenska, English
    assert tablet.evaluate("document.activeElement.textContent") == "English"
    tablet.keyboard.press("Enter")
    tablet.wait_for_url(f"**/s/{link.token}/en?utkast=*")
    assert tablet.locator('#q-kon input[value="man"]').is_checked()
