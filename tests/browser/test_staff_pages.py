"""Staff pages in a real browser: the round page with its response rates, the printable
sheet of invitation links with QR codes, participant cards and the radar chart."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Invitation, ParticipantCode
from surveyapp.models._time import utcnow
from surveyapp.services.kiosk import count_kiosk_answer
from surveyapp.services.questionnaires import current_version
from surveyapp.services.staff_rounds import save_round, set_expectations
from surveyapp.services.submissions import Submission, record
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "ett långt lösenord"
SAMVERKAN = {"samverkan_forsorjningsstod_vard": "4", "samverkan_ame_vard": "3",
             "samverkan_ame_fk": "vet_ej", "samverkan_ame_af": "5"}


def _login(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/staff/**")


def _samverkan_round():
    orgs = [factories.organisation(name) for name in ("Mariestad", "Skövde", "Töreboda")]
    round_ = save_round(None, questionnaire_key="samverkan", name="Mättillfälle 2", opens_on=None,
                        closes_on=None, organisations=orgs, roles=["kommunchef", "samordnare"],
                        allowed_roles=["kommunchef", "samordnare", "region", "annan"])
    set_expectations(round_, {(orgs[0].id, "kommunchef"): 4, (orgs[0].id, "samordnare"): 20,
                              (orgs[1].id, "kommunchef"): 3, (orgs[1].id, "samordnare"): 12,
                              (orgs[2].id, "kommunchef"): 2, (orgs[2].id, "samordnare"): 6})
    db.session.commit()
    for org, role, n in ((orgs[0], "kommunchef", 3), (orgs[1], "kommunchef", 1)):
        for _ in range(n):
            record(Submission(round=round_, version=current_version("samverkan"), organisation=org,
                              raw={k: [v] for k, v in SAMVERKAN.items()}, role=role))
    db.session.commit()
    return round_


def test_round_page_with_rates_and_the_invitation_sheet(live_app, live_server, tablet):
    live_app.config["PUBLIC_URL"] = live_server.url
    round_ = _samverkan_round()
    kiosk_round = factories.round_("avslutningsenkat")
    for days in (2, 1, 1, 0):
        count_kiosk_answer(kiosk_round, factories.organisation("Mariestad"),
                           day=(utcnow() - timedelta(days=days)).date())
    db.session.commit()
    factories.user("pl@example.org", "projektledning", password=PASSWORD)
    tablet.set_viewport_size({"width": 1280, "height": 900})
    _login(tablet, live_server.url, "pl@example.org")
    tablet.get_by_role("link", name="Mättillfällen").click()
    screenshot(tablet, "staff-rounds")
    tablet.get_by_role("link", name="Mättillfälle 2").click()
    expect(tablet.get_by_text("3 av 4 (75 %)")).to_be_visible()

    tablet.select_option("#organisation", label="Mariestad")
    tablet.select_option("#role", value="samordnare")
    tablet.fill("#count", "6")
    tablet.get_by_role("button", name="Skapa inbjudningar").click()
    expect(tablet.locator(".qr-card")).to_have_count(6)
    screenshot(tablet, "staff-invitations-sheet")
    tablet.emulate_media(media="print")
    screenshot(tablet, "staff-invitations-print")
    tablet.emulate_media(media="screen")
    links = re.findall(r"http://[^<\s]+/i/[\w-]+", tablet.content())
    assert len(set(links)) == 6
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 6

    # one invited person answers; the second try is refused
    tablet.goto(links[0])
    tablet.get_by_role("link", name="Svenska").click()
    for key, step in (("samverkan_forsorjningsstod_vard", "Ganska bra"), ("samverkan_ame_vard", "Mycket bra"),
                      ("samverkan_ame_fk", "Vet ej"), ("samverkan_ame_af", "Ganska dåligt")):
        tablet.locator(f"#q-{key}").get_by_text(step, exact=True).click()
    for row in tablet.locator("#q-insatser_indikatorer .matrix-row").all():
        row.get_by_text("I hög utsträckning", exact=True).click()
    tablet.get_by_role("button", name="Skicka svaren").click()
    tablet.wait_for_url("**/tack")
    tablet.goto(links[0])
    expect(tablet.get_by_role("heading", name="Du har redan svarat")).to_be_visible()

    tablet.goto(f"{live_server.url}/staff/mattillfallen/{round_.id}")
    expect(tablet.get_by_text("1 av 20 (5 %)")).to_be_visible()
    screenshot(tablet, "staff-round")


def test_participant_cards_and_radar_chart(live_server, tablet):
    for key in ("progressionskort", "avslut"):
        factories.round_(key)
    factories.user("samordnare@mariestad.example", "samordnare", password=PASSWORD)
    tablet.set_viewport_size({"width": 1280, "height": 900})
    _login(tablet, live_server.url, "samordnare@mariestad.example")
    tablet.get_by_role("link", name="Deltagare").click()
    tablet.fill("#count", "4")
    tablet.get_by_role("button", name="Skapa och skriv ut kort").click()
    expect(tablet.locator(".qr-card")).to_have_count(4)
    screenshot(tablet, "staff-participant-cards")

    code = db.session.scalars(select(ParticipantCode)).first()
    version = current_version("progressionskort")
    round_ = factories.round_("progressionskort")
    items = ("tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete",
             "hantera_vardag", "sociala_kompetenser", "soka_arbete")
    for when, steps, band in ((90, (2, 1, 2, 3, 2, 2, 3), "0"), (0, (4, 3, 4, 3, 4, 3, 5), "10-19")):
        raw = {"kon": ["kvinna"], "aldersgrupp": ["25-29"], "fodelseregion": ["utanfor_norden"],
               **{k: [str(s)] for k, s in zip(items, steps, strict=True)}, "timmar_aktivitet": [band]}
        record(Submission(round=round_, version=version, organisation=code.organisation, raw=raw,
                          participant_code=code.code, channel="assisted", uuid=str(uuid.uuid4()),
                          submitted_at=utcnow() - timedelta(days=when)))
    db.session.commit()
    tablet.goto(f"{live_server.url}/staff/deltagare/{code.code}")
    assert tablet.locator("svg.radar .radar-latest").count() == 1
    screenshot(tablet, "staff-participant-radar")


def test_staff_pages_pass_axe_and_admin_manages_organisations(live_server, tablet):
    from tests.browser.test_accessibility import axe_violations

    factories.organisation("Mariestad")
    round_ = factories.round_("avslutningsenkat")
    factories.user("s@mariestad.example", "samordnare", password=PASSWORD)
    factories.user("admin@example.org", "admin", password=PASSWORD)
    tablet.set_viewport_size({"width": 1280, "height": 900})
    _login(tablet, live_server.url, "admin@example.org")
    problems = {}

    tablet.get_by_role("link", name="Organisationer", exact=True).click()
    tablet.fill("#name", "mariestad")
    tablet.get_by_role("button", name="Lägg till").click()
    expect(tablet.get_by_role("alert")).to_contain_text("Det finns redan en organisation som heter Mariestad")
    problems["organisations with an error"] = axe_violations(tablet)
    tablet.fill("#name", "Karlsborg")
    tablet.get_by_role("button", name="Lägg till").click()
    expect(tablet.locator("#organisations")).to_contain_text("Karlsborg")
    screenshot(tablet, "staff-organisations")

    tablet.get_by_role("link", name="Användare").click()
    expect(tablet.get_by_role("heading", name="Konton")).to_be_visible()
    problems["users"] = axe_violations(tablet)
    tablet.get_by_role("link", name="Ändra organisationer").click()
    tablet.get_by_label("Karlsborg").check()
    problems["a samordnare's organisations"] = axe_violations(tablet)
    screenshot(tablet, "staff-user-organisations")
    tablet.get_by_role("button", name="Spara").click()
    expect(tablet.get_by_text("s@mariestad.example arbetar nu för Karlsborg, Mariestad.")).to_be_visible()

    for name, path in (("audit log", "/staff/logg"), ("rounds", "/staff/mattillfallen"),
                       ("new round", "/staff/mattillfallen/nytt"), ("my account", "/konto"),
                       ("a round", f"/staff/mattillfallen/{round_.id}")):
        tablet.goto(live_server.url + path)
        problems[name] = axe_violations(tablet)
    assert {name: found for name, found in problems.items() if found} == {}
