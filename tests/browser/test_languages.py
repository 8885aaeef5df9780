"""Answering in every language in a real browser: the same codes, mirrored layout, read-aloud."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.support import Translations
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.i18n import LANGUAGES
from surveyapp.models import Answer, Response
from tests import factories
from tests.browser.conftest import TABLET, screenshot

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

#: one complete avslutningsenkät in which the discrimination question is shown
ANSWERS = {
    "kon": ["annan"],
    "aldersgrupp": ["19-24"],
    "fodelseregion": ["utanfor_norden"],
    "bemotande_samordnare": ["bra"],
    "bemotande_handlaggare": ["daligt"],
    "diskriminering": ["etnicitet", "alder"],
    "tro_formaga": ["4"],
    "mar_battre": ["5"],
}


def translate(language: str, text: str, domain: str = "messages") -> str:
    if language == "sv":
        return text
    return Translations.load(str(ROOT / "translations"), [language], domain).gettext(text)


def answer_all(page) -> None:
    for key, codes in ANSWERS.items():
        for code in codes:
            page.locator(f'#q-{key} input[value="{code}"]').check()


def stored_answers() -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for a in db.session.scalars(select(Answer).order_by(Answer.id)):
        answers.setdefault(a.question_key, []).append(a.code or a.text)
    return answers


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_exit_survey_can_be_answered_in_every_language_with_the_same_codes(live_server, tablet, language):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/{language}")
    assert tablet.locator("html").get_attribute("lang") == language
    assert tablet.locator("h1").inner_text() == translate(language, "Avslutningsenkät", "questionnaires")
    answer_all(tablet)
    tablet.fill("#kommentar", "ok")
    tablet.get_by_role("button", name=translate(language, "Skicka svaren")).click()
    tablet.wait_for_url("**/tack")
    assert tablet.locator("h1").inner_text() == translate(language, "Tack för dina svar!")

    response = db.session.scalar(select(Response))
    assert response.language == language
    assert stored_answers() == {**ANSWERS, "kommentar": ["ok"]}


def _box(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_right_to_left_pages_mirror_scales_progress_and_buttons(live_server, tablet, language):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/{language}")
    assert tablet.evaluate("getComputedStyle(document.body).direction") == "rtl"

    # the scale runs from the right: step 1 (very sad) is right of step 5 (very happy)
    steps = [_box(tablet, f'label[for="tro_formaga-{n}"]') for n in range(1, 6)]
    assert all(a["x"] > b["x"] for a, b in zip(steps, steps[1:], strict=False))
    face_1 = _box(tablet, 'label[for="tro_formaga-1"] img')
    assert face_1["x"] > TABLET["width"] / 2
    assert "face-1.svg" in tablet.locator('label[for="tro_formaga-1"] img').get_attribute("src")

    # progress fills from the right, the language menu sits left, the send button right
    tablet.locator('#q-kon input[value="kvinna"]').check()
    tablet.wait_for_function("() => document.querySelector('.progress-fill').style.inlineSize === '13%'")
    tablet.wait_for_function("() => document.querySelector('.progress-fill')"
                             ".getBoundingClientRect().width > 80")
    track, fill = _box(tablet, ".progress-track"), _box(tablet, ".progress-fill")
    assert abs((fill["x"] + fill["width"]) - (track["x"] + track["width"])) < 1
    assert _box(tablet, ".language-menu summary")["x"] < TABLET["width"] / 2
    send = _box(tablet, ".actions .button-primary")
    assert send["x"] + send["width"] > TABLET["width"] / 2
    question = _box(tablet, "#q-tro_formaga legend")
    assert question["x"] + question["width"] > TABLET["width"] - 80  # text starts at the right
    screenshot(tablet, f"avslutningsenkat-{language}-tablet")


def test_arabic_and_tigrinya_on_a_tablet_look_finished(live_server, tablet, phone):
    """Screenshots for a person to look at: Arabic and Tigrinya, form, errors and thanks."""
    link = factories.link()
    for language in ("ar", "ti"):
        tablet.goto(f"{live_server.url}/s/{link.token}/{language}")
        screenshot(tablet, f"avslutningsenkat-{language}-tablet-form")
        tablet.get_by_role("button", name=translate(language, "Skicka svaren")).click()
        tablet.locator("#error-summary").wait_for()
        screenshot(tablet, f"avslutningsenkat-{language}-tablet-errors")
    tablet.goto(f"{live_server.url}/s/{link.token}/ti/tack")
    screenshot(tablet, "avslutningsenkat-ti-tablet-thanks")
    phone.goto(f"{live_server.url}/s/{link.token}/ar")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "avslutningsenkat-ar-phone")
    progressionskort = factories.link("progressionskort")
    tablet.goto(f"{live_server.url}/s/{progressionskort.token}/ar")
    screenshot(tablet, "progressionskort-ar-tablet")


def test_browser_language_comes_first_on_the_picker(browser, live_server):
    link = factories.link()
    context = browser.new_context(viewport=TABLET, locale="ar-SE")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{link.token}")
        choices = page.locator(".language-choice")
        assert choices.count() == len(LANGUAGES)
        assert choices.first.inner_text() == "العربية"
        assert "is-preferred" in choices.first.get_attribute("class")
        for box in (choices.nth(i).bounding_box() for i in range(choices.count())):
            assert box["height"] >= 44 and box["width"] >= 44
        screenshot(page, "language-picker-ar-tablet")
        page.get_by_role("link", name="Svenska").click()
        page.wait_for_url(f"**/s/{link.token}/sv")
        assert page.locator("html").get_attribute("lang") == "sv"
    finally:
        context.close()


def test_changing_language_midway_keeps_the_answers_and_stores_nothing(live_server, tablet):
    link = factories.link()
    tablet.goto(f"{live_server.url}/s/{link.token}/sv")
    tablet.locator('#q-kon input[value="kvinna"]').check()
    tablet.locator('#q-mar_battre input[value="4"]').check()
    tablet.fill("#kommentar", "Hej")
    tablet.locator(".language-menu summary").click()
    tablet.get_by_role("button", name="ትግርኛ").click()
    tablet.wait_for_url(f"**/s/{link.token}/ti?utkast=*")
    assert tablet.locator("html").get_attribute("lang") == "ti"
    assert tablet.locator('#q-kon input[value="kvinna"]').is_checked()
    assert tablet.locator('#q-mar_battre input[value="4"]').is_checked()
    assert tablet.input_value("#kommentar") == "Hej"
    assert db.session.scalar(select(Response.id)) is None

    answer_all(tablet)
    tablet.get_by_role("button", name=translate("ti", "Skicka svaren")).click()
    tablet.wait_for_url("**/tack")
    assert db.session.scalar(select(Response.language)) == "ti"
    # the next participant on the same tablet starts from the language choice, with nothing filled in
    tablet.get_by_role("link", name=translate("ti", "Starta en ny enkät")).click()
    tablet.get_by_role("link", name="Svenska").click()
    assert not tablet.locator('#q-kon input[value="kvinna"]').is_checked()
    assert tablet.input_value("#kommentar") == ""


FAKE_VOICES = """
(() => {
  const voices = %s;
  const fake = {
    getVoices: () => voices.map((lang) => ({lang, name: lang, localService: true})),
    speak: (u) => { window.__spoken = u.text; }, cancel: () => {},
    addEventListener: () => {}, removeEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", {configurable: true, get: () => fake});
})();
"""


def _visible_speakers(page) -> int:
    return page.locator("button.speak:visible").count()


def test_read_aloud_uses_a_voice_for_the_language_and_hides_without_one(browser, live_server):
    link = factories.link()
    context = browser.new_context(viewport=TABLET)
    context.add_init_script(FAKE_VOICES % '["ar-SA", "sv-SE"]')
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{link.token}/ar")
        shown = page.locator(
            "section.question:visible button.speak, .intro-row button.speak, .actions button.speak").count()
        assert shown > 20 and _visible_speakers(page) == shown
        page.locator("#q-mar_battre > fieldset > button.speak").click()
        assert page.evaluate("window.__spoken") == "كيف تشعر الآن مقارنةً بما قبل بدايتك في المشروع؟"
        page.goto(f"{live_server.url}/s/{link.token}/ti")
        assert _visible_speakers(page) == 0
        # on the first screen each language's name is read in that language
        page.goto(f"{live_server.url}/s/{link.token}")
        speakers = page.locator("button.speak:visible").all()
        assert [b.get_attribute("data-lang") for b in speakers] == ["sv", "ar"]
        page.locator('button.speak[data-lang="ar"]').click()
        assert page.evaluate("window.__spoken") == "العربية"
    finally:
        context.close()


def test_read_aloud_plays_a_recording_when_there_is_no_voice(browser, live_server):
    from surveyapp.readaloud import spoken_intro, spoken_question
    from surveyapp.services.questionnaires import current_version, definition_of

    questionnaire = definition_of(current_version("avslutningsenkat"))
    mar_battre = next(q for q in questionnaire.questions if q.key == "mar_battre")
    intro = factories.recording(factories.spoken("ti", spoken_intro, questionnaire), "ti")
    question = factories.recording(factories.spoken("ti", spoken_question, mar_battre), "ti")
    factories.recording(LANGUAGES["ti"], "ti")
    link = factories.link()
    context = browser.new_context(viewport=TABLET)
    context.add_init_script(FAKE_VOICES % "[]")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/s/{link.token}/ti")
        assert _visible_speakers(page) == 2
        button = page.locator(".intro-row button.speak")
        assert button.is_visible()
        assert button.get_attribute("data-audio") == f"/s/ljud/{intro.content_hash}"
        button = page.locator("section.question button.speak:visible")
        assert button.get_attribute("data-audio") == f"/s/ljud/{question.content_hash}"
        text = "Hur mår du nu jämfört med innan du började i projektet?"
        assert button.get_attribute("aria-label").endswith(translate("ti", text, "questionnaires"))
        # the speaker is a picture of a thing: not mirrored on right-to-left pages
        page.goto(f"{live_server.url}/s/{link.token}/ar")
        transform = page.evaluate("getComputedStyle(document.querySelector('button.speak svg')).transform")
        assert transform == "none"
        page.goto(f"{live_server.url}/s/{link.token}/sv")
        assert _visible_speakers(page) == 0
        page.goto(f"{live_server.url}/s/{link.token}")
        assert [b.get_attribute("data-lang") for b in page.locator("button.speak:visible").all()] == ["ti"]
    finally:
        context.close()
