"""A kiosk tablet without network in a real browser: nothing is thanked that the server will
refuse, answers the server refuses anyway are held for the samordnare, and the waiting count
follows the queue. Also: the browser's answering rules are the server's, on every shipped
questionnaire."""

from __future__ import annotations

import csv
import io
import random
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.serving import make_server

from surveyapp.extensions import db
from surveyapp.models import Answer, Response, Round
from surveyapp.questionnaire import InvalidAnswers, code_answers, is_shown, load_directory
from surveyapp.questionnaire.rules import form_rules
from surveyapp.questionnaire.types import question_type
from surveyapp.services.submissions import PARTICIPANT_CODE
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_kiosk import _start_kiosk

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Hemligt svar som väntade"


def _stored() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(Response))


def _keep_pages(tablet) -> None:
    """The kiosk's pages are kept by the service worker before the network goes."""
    tablet.reload()
    expected = len(tablet.locator("#offline-config").get_attribute("data-urls").split(","))
    deadline = time.time() + 20
    kept = 0
    while time.time() < deadline:
        kept = tablet.evaluate(
            "caches.open('surveyapp-answering-v1').then(c => c.keys()).then(k => k.length)")
        if kept >= expected:
            break
        time.sleep(0.3)
    assert kept >= expected


class Network:
    """Stops the live server (the network is gone) and brings it back on the same port."""

    def __init__(self, live_server, live_app):
        self.live_server, self.live_app = live_server, live_app
        self.port = int(live_server.url.rsplit(":", 1)[1])
        self.server = None

    def down(self) -> None:
        self.live_server.stop()

    def up(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.live_app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=5)


@pytest.fixture
def network(live_server, live_app):
    net = Network(live_server, live_app)
    yield net
    net.close()


def _fill_complete(page, *, leave_out=()) -> None:
    for label in ("Woman", "25–29 years", "Outside the Nordic countries"):
        page.get_by_text(label, exact=True).click()
    answers = {"bemotande_samordnare": 0, "bemotande_handlaggare": 3, "tro_formaga": 4, "mar_battre": 3}
    for key, index in answers.items():
        if key not in leave_out:
            page.locator(f"#q-{key} .choice").nth(index).click()
    page.fill("#kommentar", SECRET)


def test_an_unfinished_answer_offline_names_what_is_missing_and_a_sent_one_is_counted_off(
        live_server, network, tablet):
    _start_kiosk(live_server, tablet)
    _keep_pages(tablet)
    network.down()
    tablet.get_by_role("link", name="English").click()
    expect(tablet.get_by_role("button", name="Send the answers")).to_be_visible()
    _fill_complete(tablet, leave_out=("tro_formaga", "mar_battre"))
    tablet.get_by_role("button", name="Send the answers").click()
    summary = tablet.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("2 answers need to be corrected")
    expect(tablet.locator("#q-tro_formaga .error-text")).to_have_text("Please answer the question.")
    expect(tablet.locator("#q-mar_battre .error-text")).to_have_text("Please answer the question.")
    expect(tablet.get_by_text("Your answers are saved on this device")).to_be_hidden()
    assert tablet.locator("#kommentar").input_value() == SECRET  # nothing lost
    screenshot(tablet, "kiosk-offline-unfinished")
    # completed, the answer waits in the tablet and the participant is told so
    tablet.locator("#q-tro_formaga .choice").nth(4).click()
    tablet.locator("#q-mar_battre .choice").nth(3).click()
    tablet.get_by_role("button", name="Send the answers").click()
    expect(tablet.get_by_text("Your answers are saved on this device")).to_be_visible()
    tablet.get_by_role("link", name="Next participant").click()
    expect(tablet.get_by_text("1 svar väntar på att skickas.")).to_be_visible(timeout=5000)
    assert _stored() == 0

    network.up()
    tablet.reload()
    # the count follows the queue: once sent, the kiosk says so
    # (a generous wait: the service worker sends the queue once the page is back, however busy)
    expect(tablet.get_by_text("Svaren som väntade är skickade.")).to_be_visible(timeout=20000)
    expect(tablet.get_by_text("svar väntar på att skickas")).to_be_hidden()
    assert _stored() == 1


def test_a_queued_answer_whose_round_closed_is_held_and_the_samordnare_sends_it_on(
        live_server, network, tablet):
    _start_kiosk(live_server, tablet)
    _keep_pages(tablet)
    network.down()
    tablet.get_by_role("link", name="English").click()
    _fill_complete(tablet)
    tablet.get_by_role("button", name="Send the answers").click()
    expect(tablet.get_by_text("Your answers are saved on this device")).to_be_visible()
    db.session.remove()
    first = db.session.scalar(select(Round))
    first.close()
    db.session.commit()
    second = factories.round_("avslutningsenkat", "Mättillfälle 2")
    second_id = second.id

    network.up()
    tablet.goto(f"{live_server.url}/kiosk/")
    tablet.get_by_role("link", name="Avsluta kioskläget").click()
    held = tablet.locator(".held-answers")
    expect(held).to_contain_text("1 svar togs inte emot av servern.", timeout=8000)
    assert _stored() == 0
    tablet.fill("#pin", "2468")
    tablet.get_by_role("button", name="Avsluta", exact=True).click()
    expect(tablet.get_by_role("heading", name="Svar som servern inte tog emot")).to_be_visible()
    expect(tablet.locator("#held-list li")).to_have_count(1)
    expect(tablet.locator("#held-list li")).to_contain_text("English")
    assert SECRET not in tablet.content()  # the list says when and in which language, not what
    screenshot(tablet, "kiosk-held-answers")

    with tablet.expect_download() as info:
        tablet.get_by_role("button", name="Ladda ner svaren (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["kommentar"] == SECRET and rows[0]["language"] == "en"
    assert rows[0]["organisation"] == "Mariestad" and rows[0]["mar_battre"] == "4"

    tablet.get_by_role("button", name="Skicka till Mättillfälle 2").click()
    expect(tablet.locator("#held-status")).to_have_text("Skickat: 1. Kvar på surfplattan: 0.")
    expect(tablet.locator("#held-list li")).to_have_count(0)
    assert _stored() == 1
    assert db.session.scalar(select(Response.round_id)) == second_id
    assert db.session.scalar(select(Answer.text).filter_by(question_key="kommentar")) == SECRET


# ---- one definition: the browser's rules against the server's, on every questionnaire ----


def _candidates(q, rng: random.Random) -> list[list[str]] | dict:
    """Possible raw values of a question: nothing, or some valid answer."""
    qtype = question_type(q)
    if qtype.name == "text":
        return [[], ["  "], ["ett svar"]]
    if qtype.name == "multi":
        codes = list(q.option_codes)
        return [[], [codes[0]], rng.sample(codes, 2)]
    return [[]] + [[code] for code in q.option_codes]


def _combination(questionnaire, rng: random.Random) -> tuple[dict, str | None]:
    """Random answers as a page sends them: hidden questions send nothing."""
    role = rng.choice([None, *questionnaire.role_codes]) if questionnaire.asks_role else None
    raw: dict[str, list[str]] = {}
    given: dict[str, set[str]] = {}
    for q in questionnaire.questions:
        names = question_type(q).input_names(q)
        if not is_shown(q, given, role):
            continue
        if len(names) > 1:  # matrix rows
            for name in names:
                if rng.random() < 0.8:
                    raw[name] = [rng.choice(q.option_codes)]
        else:
            options = _candidates(q, rng)
            raw[q.key] = options[0] if rng.random() < 0.25 else rng.choice(options)
        given[q.key] = {v.strip() for name in names for v in raw.get(name, []) if v.strip()}
    return raw, role


def _server_errors(questionnaire, raw, role) -> dict[str, str]:
    try:
        code_answers(questionnaire, raw, role=role)
    except InvalidAnswers as exc:
        return {key: message.msgid for key, message in exc.errors.items()}
    return {}


def test_browser_rules_match_the_servers_on_every_shipped_questionnaire(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>rules</title>")
    page.add_script_tag(path=str(ROOT / "surveyapp" / "static" / "rules.js"))
    questionnaires = load_directory(ROOT / "questionnaires")
    assert len(questionnaires) >= 6
    rng = random.Random(20)
    compared = 0
    for questionnaire, _meta in questionnaires.values():
        rules = form_rules(questionnaire)
        cases = [_combination(questionnaire, rng) for _ in range(250)]
        cases.append(({}, None))  # nothing answered
        browser_errors = page.evaluate(
            "([rules, cases, asksRole]) => cases.map("
            "([raw, role]) => SurveyRules.errors(rules, raw, role, asksRole))",
            [rules, [[raw, role] for raw, role in cases], questionnaire.asks_role])
        for (raw, role), found in zip(cases, browser_errors, strict=True):
            assert found == _server_errors(questionnaire, raw, role), (questionnaire.key, raw, role)
            compared += 1
    assert compared > 1000
    # the participant code: the same pattern and messages as the server's check
    code_rules = {"participant_code": {"pattern": PARTICIPANT_CODE.pattern, "required": "required",
                                       "bad": "bad {value}"}}
    for value in ["", "   ", "k7m4-x", "K7", "K7M4-X", "ÅÄÖ123", "-K7M4", " ab1 ", "A" * 21]:
        server = (None if PARTICIPANT_CODE.match(value.strip().upper())
                  else "required" if not value.strip() else f"bad {value}")
        assert page.evaluate("([r, v]) => SurveyRules.codeError(r, v)", [code_rules, value]) == server, value
    page.close()
