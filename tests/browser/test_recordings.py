"""Recording in a real browser: Chromium's fake microphone records a Tigrinya text on the
recording page, the recording is published, the participant page plays it, and a changed
translation silences it again."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from surveyapp import create_app
from surveyapp.extensions import db
from surveyapp.models import Recording
from surveyapp.readaloud import spoken_question, text_hash
from surveyapp.services.questionnaires import current_version, definition_of
from tests import factories
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TABLET, LiveServer, screenshot
from tests.conftest import BASE_CONFIG

pytestmark = pytest.mark.browser

PASSWORD = "ett långt lösenord"
QUESTION = "Hur mår du nu jämfört med innan du började i projektet?"
NO_VOICES = """Object.defineProperty(window, "speechSynthesis", {configurable: true, get: () => ({
  getVoices: () => [], speak: () => {}, cancel: () => {}, addEventListener: () => {}})});
document.addEventListener("play", () => { window.__played = (window.__played || 0) + 1; }, true);"""


@pytest.fixture
def server(sqlite_template, tmp_path):
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    config = {**BASE_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    config.pop("SERVER_NAME")
    app = create_app(config)
    with app.app_context():
        live = LiveServer(app)
        live.start()
        yield live
        live.stop()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def microphone_browser(browser):
    """A second Chromium of the same Playwright, with a fake microphone that needs no prompt."""
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required"])
    yield chromium
    chromium.close()


def test_a_recording_made_in_the_browser_plays_for_its_tigrinya_text_until_the_text_changes(
        microphone_browser, server):
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    link = factories.link()
    mar_battre = next(q for q in definition_of(current_version("avslutningsenkat")).questions
                      if q.key == "mar_battre")
    spoken = factories.spoken("ti", spoken_question, mar_battre)
    row = f"#t-{text_hash(spoken)[:12]}"

    context = microphone_browser.new_context(viewport=TABLET, locale="sv-SE", permissions=["microphone"])
    context.add_init_script(NO_VOICES)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/login")
        page.fill("#email", "pl@example.org")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url("**/staff/**")
        page.goto(f"{server.url}/staff/inlasning/avslutningsenkat/ti")
        assert page.locator(f"{row} .recording-text").inner_text() == spoken
        page.locator(f"{row} .record-start").click()
        page.locator(f"{row} .record-stop").wait_for(state="visible")
        page.wait_for_timeout(1500)
        page.locator(f"{row} .record-stop").click()
        page.locator(f"{row} .badge", has_text="Utkast").wait_for()
        draft = db.session.scalar(select(Recording))
        assert draft.status == "draft" and draft.language == "ti"
        assert draft.mime_type in ("audio/webm", "audio/ogg", "audio/mp4") and draft.size_bytes > 1000
        screenshot(page, "recording-page-ti")
        page.locator(row).get_by_role("button", name="Publicera").click()
        page.locator(f"{row} .badge", has_text="Publicerad").wait_for()

        page.goto(f"{server.url}/s/{link.token}/ti")
        button = page.locator("#q-mar_battre > fieldset > button.speak")
        assert button.is_visible()
        assert page.locator("button.speak:visible").count() == 1
        button.click()
        page.wait_for_function(
            "() => { const a = document.querySelector('audio.speak-audio');"
            " return a && a.currentTime > 0.3; }", timeout=10000)
        # a listener on the document hears it play (the kiosk counts that as activity)
        assert page.evaluate("window.__played") == 1

        # a changed translation is another text: the recording is stale and no longer played
        factories.set_translation("avslutningsenkat", "ti", QUESTION, "ከመይ ኣለኻ ሎሚ?")
        page.goto(f"{server.url}/s/{link.token}/ti")
        assert page.locator("#q-mar_battre").is_visible()
        assert page.locator("button.speak:visible").count() == 0
        page.goto(f"{server.url}/staff/inlasning/avslutningsenkat/ti")
        assert page.locator("#inaktuella").is_visible()
    finally:
        context.close()
