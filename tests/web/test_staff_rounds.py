"""Rounds as projektledning runs them: create, edit, close, reopen, expected numbers."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, QuestionnaireText, Round, RoundExpectation, SurveyLink
from surveyapp.questionnaire.extract import respondent_texts
from surveyapp.services.questionnaires import current_version, definition_of
from surveyapp.services.rounds import get_or_create_link
from tests import factories
from tests.factories import AVSLUTNINGSENKAT


def _pl(client):
    factories.login(client, factories.user("pl@example.org", "projektledning"))


#: a last day still to come whenever the tests run
LAST_DAY = (date.today() + timedelta(days=60)).isoformat()


def _create(client, **fields):
    mariestad, skovde = factories.organisation("Mariestad"), factories.organisation("Skövde")
    data = {"questionnaire": "samverkan", "name": "Mättillfälle 2", "opens_on": "2026-01-10",
            "closes_on": LAST_DAY, "organisations": [mariestad.id, skovde.id],
            "roles": ["kommunchef", "samordnare"], **fields}
    return client.post("/staff/mattillfallen/nytt", data=data)


def test_projektledning_creates_a_samverkan_round(client):
    _pl(client)
    result = _create(client)
    assert result.status_code == 302
    round_ = db.session.scalar(select(Round))
    assert (round_.questionnaire_key, round_.name, str(round_.opens_on), str(round_.closes_on)) == (
        "samverkan", "Mättillfälle 2", "2026-01-10", LAST_DAY)
    assert [o.name for o in round_.organisations] == ["Mariestad", "Skövde"]
    assert round_.role_codes == ["kommunchef", "samordnare"]
    page = client.get(result.headers["Location"])
    assert "Mättillfälle 2" in page.text and "Kommunchef" in page.text
    assert db.session.scalar(select(AuditEvent.action)) == "round.create"


def test_bad_round_input_is_refused_in_swedish_and_nothing_stored(client):
    _pl(client)
    bad_dates = _create(client, opens_on="2026-05-01", closes_on="2026-04-01")
    assert bad_dates.status_code == 400
    assert "Sista dagen kan inte vara före första dagen." in bad_dates.text
    no_name = _create(client, name="  ")
    assert no_name.status_code == 400 and "Skriv ett namn" in no_name.text
    bad_date = _create(client, opens_on="1 maj")
    assert bad_date.status_code == 400
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    past = _create(client, opens_on="", closes_on=yesterday)
    assert past.status_code == 400 and "Sista dagen har redan varit" in past.text
    assert db.session.scalar(select(func.count()).select_from(Round)) == 0
    _create(client)
    duplicate = _create(client)
    assert duplicate.status_code == 400
    assert "Det finns redan ett mättillfälle som heter ”Mättillfälle 2”" in duplicate.text
    assert db.session.scalar(select(func.count()).select_from(Round)) == 1


def test_a_round_that_has_ended_keeps_its_last_day_when_edited(client):
    _pl(client)
    _create(client)
    round_ = db.session.scalar(select(Round))
    round_.opens_on, round_.closes_on = date(2025, 1, 10), date(2025, 3, 31)
    db.session.commit()
    edited = client.post(f"/staff/mattillfallen/{round_.id}/andra", data={
        "name": "Mättillfälle 2 (2025)", "opens_on": "2025-01-10", "closes_on": "2025-03-31"})
    assert edited.status_code == 302 and round_.name == "Mättillfälle 2 (2025)"
    moved = client.post(f"/staff/mattillfallen/{round_.id}/andra", data={
        "name": "Mättillfälle 2 (2025)", "opens_on": "2025-01-10", "closes_on": "2025-04-30"})
    assert moved.status_code == 400 and round_.closes_on == date(2025, 3, 31)
    # the list and the round page say it has ended, though nobody closed it
    assert "avslutat" in client.get("/staff/mattillfallen").text


def test_edit_close_and_reopen(client):
    _pl(client)
    link = factories.link("avslutningsenkat")
    round_ = link.round
    edited = client.post(f"/staff/mattillfallen/{round_.id}/andra",
                         data={"name": "Mättillfälle 1 (vår)", "opens_on": "", "closes_on": ""})
    assert edited.status_code == 302
    assert round_.name == "Mättillfälle 1 (vår)"

    client.post(f"/staff/mattillfallen/{round_.id}/status", data={"action": "close"})
    assert round_.state == "closed"
    closed = client.post(f"/s/{link.token}/sv", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT})
    assert closed.status_code == 410
    assert "stängd" in client.get(f"/s/{link.token}").text
    again = client.post(f"/staff/mattillfallen/{round_.id}/status", data={"action": "close"})
    assert again.status_code == 302  # refused with a message, state unchanged
    assert "redan den statusen" in client.get(again.headers["Location"]).text
    client.post(f"/staff/mattillfallen/{round_.id}/status", data={"action": "open"})
    assert round_.state == "open"
    assert client.get(f"/s/{link.token}").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["round.edit", "round.close", "round.open"]


def test_expected_numbers_are_saved_and_bad_ones_refused_whole(client):
    _pl(client)
    _create(client)
    round_ = db.session.scalar(select(Round))
    mariestad, skovde = factories.organisation("Mariestad"), factories.organisation("Skövde")
    bad = client.post(f"/staff/mattillfallen/{round_.id}/forvantat", data={
        f"expected-{mariestad.id}-kommunchef": "3", f"expected-{skovde.id}-kommunchef": "-2"})
    assert "Förväntat antal ska vara ett heltal" in client.get(bad.headers["Location"]).text
    assert db.session.scalar(select(func.count()).select_from(RoundExpectation)) == 0
    client.post(f"/staff/mattillfallen/{round_.id}/forvantat", data={
        f"expected-{mariestad.id}-kommunchef": "3", f"expected-{skovde.id}-samordnare": "5"})
    stored = {(e.organisation.name, e.role, e.expected) for e in db.session.scalars(select(RoundExpectation))}
    assert stored == {("Mariestad", "kommunchef", 3), ("Skövde", "samordnare", 5)}
    page = client.get(f"/staff/mattillfallen/{round_.id}")
    assert "0 av 3 (0\u00a0%)" in page.text and "0 av 8 (0\u00a0%)" in page.text
    # large numbers are grouped as the reader's locale writes them
    client.post(f"/staff/mattillfallen/{round_.id}/forvantat",
                data={f"expected-{mariestad.id}-kommunchef": "2500"})
    assert "0 av 2\u00a0500 (0\u00a0%)" in client.get(f"/staff/mattillfallen/{round_.id}").text


def test_samordnare_sees_only_rounds_of_their_kommun(client):
    mariestad, skovde = factories.organisation("Mariestad"), factories.organisation("Skövde")
    _pl(client)
    _create(client, name="Båda", organisations=[mariestad.id, skovde.id])
    _create(client, name="Bara Skövde", organisations=[skovde.id])
    everyone = factories.round_("avslutningsenkat", "Alla kommuner")
    get_or_create_link(everyone, skovde)
    db.session.commit()
    samordnare = client.application.test_client()
    factories.login(samordnare, factories.user("s@mariestad.example", "samordnare"))
    listing = samordnare.get("/staff/mattillfallen").text
    assert "Båda" in listing and "Alla kommuner" in listing and "Bara Skövde" not in listing
    both = db.session.scalar(select(Round).filter_by(name="Båda"))
    page = samordnare.get(f"/staff/mattillfallen/{both.id}").text
    assert "Mariestad" in page
    assert "Skövde" not in page.split("Svarsfrekvens", 1)[1]  # rates show only their own kommun
    # the open link of Skövde is not listed for Mariestad's samordnare
    assert samordnare.get(f"/staff/mattillfallen/{everyone.id}").text.count("/s/") == 0


def test_a_round_of_forms_about_participants_offers_no_open_link(client):
    _pl(client)
    round_ = factories.round_("avslut")
    mariestad = factories.organisation("Mariestad")
    page = client.get(f"/staff/mattillfallen/{round_.id}")
    assert page.status_code == 200
    assert "Samordnaren fyller i den på deltagarens sida" in page.text
    assert f"/staff/mattillfallen/{round_.id}/lankar" not in page.text
    assert "svar i kioskläge" not in page.text  # kiosk mode is for participants' own questionnaires
    exit_survey = factories.round_("avslutningsenkat")
    assert "svar i kioskläge" in client.get(f"/staff/mattillfallen/{exit_survey.id}").text
    refused = client.post(f"/staff/mattillfallen/{round_.id}/lankar", data={"organisation": mariestad.id})
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(SurveyLink)) == 0


def test_round_page_says_which_languages_are_not_offered_and_why(client, app):
    # a question changed since Tigrinya was translated (the others are translated anew), and
    # Somali has no translation at all
    before = "Hur mår du nu jämfört med innan du började i projektet?"
    after = "Hur mår du nu jämfört med när du började i projektet?"
    db.session.execute(delete(QuestionnaireText).filter_by(questionnaire_key="avslutningsenkat",
                                                           language="so"))
    factories.new_version("avslutningsenkat", before, after)
    for language in ("en", "ar", "fa", "uk"):  # each saved translation moves the counter
        factories.set_translation("avslutningsenkat", language, after, f"{language}: {after}")
    total = len(respondent_texts(definition_of(current_version("avslutningsenkat"))))

    _pl(client)
    link = factories.link()
    page = client.get(f"/staff/mattillfallen/{link.round.id}")
    section = re.search(r'<section class="panel" id="sprak">(.*?)</section>', page.text, re.S).group(1)
    offered = re.search(r"Enkäten kan besvaras på:(.*?)</p>", section, re.S).group(1)
    assert [name for name in ("Svenska", "English", "العربية", "دری", "Українська") if name in offered] == [
        "Svenska", "English", "العربية", "دری", "Українська"]
    assert "ትግርኛ" not in offered and "Soomaali" not in offered
    rows = dict(re.findall(r'<tr><td><bdi lang="\w+" dir="\w+">(.*?)</bdi></td><td>(.*?)</td></tr>', section))
    assert rows == {
        "Soomaali": "Det finns ingen översättning.",
        "ትግርኛ": f"1 av {total} texter har ändrats sedan den översattes.",
    }
    # and the participant's language picker offers the same languages
    picker = client.get(f"/s/{link.token}").text
    assert "ትግርኛ" not in picker and "Soomaali" not in picker and "Українська" in picker


def test_a_staff_questionnaire_round_lists_the_languages_it_lacks(client):
    _pl(client)
    round_ = factories.round_("samverkan")
    page = client.get(f"/staff/mattillfallen/{round_.id}")
    section = re.search(r'<section class="panel" id="sprak">(.*?)</section>', page.text, re.S).group(1)
    assert "العربية" in section and "texter är inte översatta." in section
