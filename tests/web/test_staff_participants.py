"""Participant codes: making them, the printed card, ratings over time, avslut and uppföljning."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import ParticipantCode, Response
from surveyapp.services.participant_codes import ALPHABET, check_character, is_valid_code, new_code
from tests import factories

ITEMS = ("tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete",
         "hantera_vardag", "sociala_kompetenser", "soka_arbete")


def progressionskort(step: int, band: str = "1-5") -> dict:
    return {"kon": "man", "aldersgrupp": "19-24", "fodelseregion": "sverige",
            **{item: str(step) for item in ITEMS}, "timmar_aktivitet": band}


@pytest.fixture
def samordnare(client):
    for key in ("progressionskort", "avslut", "uppfoljning_6man"):
        factories.round_(key)
    account = factories.user("s@mariestad.example", "samordnare")
    factories.login(client, account)
    return account


def _create_codes(client, n=1) -> list[ParticipantCode]:
    mariestad = factories.organisation("Mariestad")
    result = client.post("/staff/deltagare", data={"organisation": mariestad.id, "count": n})
    assert result.status_code == 302
    return db.session.scalars(select(ParticipantCode).order_by(ParticipantCode.id)).all()


def test_codes_are_short_unambiguous_and_carry_a_check_character():
    for _ in range(200):
        code = new_code()
        assert re.fullmatch(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]", code)
        assert is_valid_code(code)
        assert is_valid_code(code.lower().replace("-", ""))
    body = "K7M4"
    good = f"{body}-{check_character(body)}"
    assert is_valid_code(good)
    assert not is_valid_code(f"7KM4-{check_character(body)}")  # neighbours swapped
    assert not is_valid_code(f"K7M3-{check_character(body)}")  # one character wrong
    assert not set("01OILSZBGUVY") & set(ALPHABET)


def test_samordnare_creates_codes_and_prints_cards_with_qr(client, samordnare):
    codes = _create_codes(client, 3)
    assert len(codes) == 3 and len({c.code for c in codes}) == 3
    cards = client.get("/staff/deltagare/kort?" + "&".join(f"id={c.id}" for c in codes))
    assert cards.status_code == 200
    assert cards.text.count('class="qr"') == 3
    for code in codes:
        assert code.code in cards.text
    listing = client.get("/staff/deltagare")
    assert all(c.code in listing.text for c in codes)


def test_progressionskort_twice_shows_first_and_latest_on_the_radar(client, samordnare):
    code = _create_codes(client)[0]
    language = client.get(f"/staff/deltagare/{code.code}/progressionskort")
    assert "Svenska" in language.text
    form = client.get(f"/staff/deltagare/{code.code}/progressionskort/sv")
    assert form.status_code == 200 and 'name="participant_code"' not in form.text
    for step, band in ((2, "1-5"), (4, "10-19")):
        result = client.post(f"/staff/deltagare/{code.code}/progressionskort/sv",
                             data={"response_uuid": str(uuid.uuid4()), **progressionskort(step, band)})
        assert result.status_code == 302
    stored = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert [(r.participant_code, r.channel) for r in stored] == [(code.code, "assisted")] * 2

    page = client.get(f"/staff/deltagare/{code.code}")
    assert page.status_code == 200
    assert '<svg class="radar"' in page.text
    assert 'class="radar-series radar-first"' in page.text
    assert 'class="radar-series radar-latest"' in page.text
    assert "10–19 timmar" in page.text


def test_avslut_records_consent_and_opens_uppfoljning(client, samordnare):
    code = _create_codes(client)[0]
    page = client.get(f"/staff/deltagare/{code.code}")
    assert f"/staff/deltagare/{code.code}/uppfoljning_6man" not in page.text
    result = client.post(f"/staff/deltagare/{code.code}/avslut/sv", data={
        "response_uuid": str(uuid.uuid4()), "utfall": "studier", "samtycke_uppfoljning": "ja"})
    assert result.status_code == 302
    db.session.refresh(code)
    assert code.followup_consent is True and code.exited_on is not None
    page = client.get(f"/staff/deltagare/{code.code}")
    assert "Studier" in page.text
    assert f"/staff/deltagare/{code.code}/uppfoljning_6man" in page.text
    done = client.post(f"/staff/deltagare/{code.code}/uppfoljning_6man/sv", data={
        "response_uuid": str(uuid.uuid4()), "progression": "okat"})
    assert done.status_code == 302
    assert "Ökat" in client.get(f"/staff/deltagare/{code.code}").text


@pytest.mark.parametrize("consent", [None, "nej"])
def test_uppfoljning_is_refused_without_consent_at_exit(client, samordnare, consent):
    code = _create_codes(client)[0]
    if consent:
        client.post(f"/staff/deltagare/{code.code}/avslut/sv", data={
            "response_uuid": str(uuid.uuid4()), "utfall": "arbete", "samtycke_uppfoljning": consent})
    stored = db.session.scalar(select(func.count()).select_from(Response))
    page = client.get(f"/staff/deltagare/{code.code}/uppfoljning_6man/sv")
    assert page.status_code == 409
    assert "bara för deltagare som vid avslut har samtyckt" in page.text
    result = client.post(f"/staff/deltagare/{code.code}/uppfoljning_6man/sv", data={
        "response_uuid": str(uuid.uuid4()), "progression": "okat"})
    assert result.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Response)) == stored


def test_bad_form_for_a_code_stores_nothing(client, samordnare):
    code = _create_codes(client)[0]
    result = client.post(f"/staff/deltagare/{code.code}/avslut/sv", data={
        "response_uuid": str(uuid.uuid4()), "utfall": "studier"})
    assert result.status_code == 302 and "utkast=" in result.location
    assert "Svara på frågan." in client.get(result.location).text
    assert db.session.scalar(select(Response)) is None
    db.session.refresh(code)
    assert code.exited_on is None


def test_without_an_open_round_the_form_says_so(client, samordnare):
    code = _create_codes(client)[0]
    factories.round_("avslut").close()
    db.session.commit()
    page = client.get(f"/staff/deltagare/{code.code}/avslut/sv")
    assert page.status_code == 409
    assert "Det finns inget öppet mättillfälle" in page.text


def test_another_kommuns_code_is_not_found(client, samordnare):
    skovde = factories.organisation("Skövde")
    from surveyapp.services.participant_codes import create_codes

    other = create_codes(skovde, 1)[0]
    db.session.commit()
    assert client.get(f"/staff/deltagare/{other.code}").status_code == 404
    assert client.get(f"/staff/deltagare/{other.code}/avslut/sv").status_code == 404
    assert client.get(f"/staff/deltagare/kort?id={other.id}").status_code == 404
    assert client.get(f"/staff/deltagare?code={other.code}").status_code == 404


def test_searching_for_no_code_asks_for_one(client, samordnare):
    blank = client.get("/staff/deltagare?code=++")
    assert blank.status_code == 400
    assert "Skriv en deltagarkod, till exempel K7M4-X." in blank.text
    assert client.get("/staff/deltagare").status_code == 200


def test_reading_the_register_on_a_page_is_in_the_audit_log(client, samordnare):
    from surveyapp.models import AuditEvent

    code = _create_codes(client)[0]
    assert client.get("/staff/deltagare").status_code == 200
    assert client.get(f"/staff/deltagare/{code.code}").status_code == 200
    assert client.get(f"/staff/deltagare/{code.code}/register").status_code == 200
    reads = db.session.execute(
        select(AuditEvent.actor, AuditEvent.detail).filter_by(action="register.read").order_by(AuditEvent.id)
    ).all()
    assert reads == [("s@mariestad.example", "Mariestad"),
                     ("s@mariestad.example", f"Mariestad: {code.code}"),
                     ("s@mariestad.example", f"Mariestad: {code.code}")]
    # a code the page does not show is not logged as read
    assert client.get("/staff/deltagare/XXXX-X").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(
        action="register.read")) == 3
