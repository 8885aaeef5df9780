"""Open answers in a real browser: long, unbroken, right-to-left and bidi-override answers
keep the page's layout, and projektledning makes a theme and tags an answer through the forms
(CSRF on, as in production)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveyapp.extensions import db
from surveyapp.services.imports import import_file
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import axe_violations
from tests.exports.dataset import ORGANISATIONS, avslutningsenkat_rows, write_csv

pytestmark = pytest.mark.browser

PASSWORD = "projektledning-lösen"
ODD = [
    "Väldigt bra stöd hela vägen. " * 30,
    "x" * 900,
    "شكرا جزيلا على المساعدة، كانت المنسقة لطيفة جدا",
    "\u202eslutet vänds\u202c och <b>inte fet</b>\nny rad",
]


def test_odd_answers_keep_the_layout_and_a_theme_is_tagged(live_server, browser, tmp_path):
    for name in ORGANISATIONS:
        factories.organisation(name)
    rows = avslutningsenkat_rows(60)
    for i, text in enumerate(ODD):
        rows[i].update(kommentar=text, organisation="Mariestad", submitted_at=f"2026-10-0{4 - i} 10:00")
    import_file("avslutningsenkat", write_csv(tmp_path / "svar.csv", rows), "Avslut 2026")
    db.session.commit()
    factories.user("pl@projekt.example", "projektledning", password=PASSWORD)

    page = browser.new_context(viewport={"width": 1024, "height": 900}, locale="sv-SE").new_page()
    page.goto(f"{live_server.url}/login")
    page.fill("#email", "pl@projekt.example")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/staff/**")

    page.goto(f"{live_server.url}/reports/avslutningsenkat")
    page.get_by_role("link", name="Hantera teman").click()
    page.get_by_label("Namn", exact=True).fill("Bemötande")
    page.get_by_role("button", name="Lägg till").click()
    expect(page.get_by_text("Temat ”Bemötande” är skapat.")).to_be_visible()
    page.get_by_role("link", name="Tillbaka till rapporten").click()

    newest = page.locator(".open-answer").first
    assert "Väldigt bra stöd" in newest.locator(".answer-text").inner_text()
    newest.get_by_label("Bemötande").check()
    newest.get_by_role("button", name="Spara teman").click()
    expect(page.get_by_text("Svarets teman är sparade.")).to_be_visible()
    assert page.locator('.theme-counts li[data-theme] .count').first.inner_text() == "1"
    assert page.locator(".open-answer").first.get_by_label("Bemötande").is_checked()

    # nothing pushes the page wider than the window; each answer stays inside its list
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator(".open-answer-list").bounding_box()
    for i in range(4):
        text = page.locator(".open-answer .answer-text").nth(i).bounding_box()
        assert text["x"] >= box["x"] - 1 and text["x"] + text["width"] <= box["x"] + box["width"] + 1
    # the override stays inside its answer: the line under it reads as written
    meta = page.locator(".open-answer .answer-meta").nth(4).inner_text()
    assert "Avslut 2026" in meta
    assert page.locator(".open-answer .answer-text b").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "report-open-answers")
