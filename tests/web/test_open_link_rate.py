"""Open links: a per-link, per-address limit on stored answers, shared by every process."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Response
from surveyapp.services.accounts import set_pin
from tests import factories
from tests.factories import AVSLUTNINGSENKAT


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def _post(client, token, language="sv", address="192.0.2.1", response_uuid=None):
    body = {"response_uuid": response_uuid or str(uuid.uuid4()), **AVSLUTNINGSENKAT}
    return client.post(f"/s/{token}/{language}", data=body, environ_base={"REMOTE_ADDR": address})


def test_an_address_answering_too_often_through_one_link_gets_a_friendly_429(app, client):
    app.config["OPEN_LINK_POSTS_PER_HOUR"] = 3
    link = factories.link()
    for _ in range(3):
        assert _post(client, link.token).status_code == 302
    refused = _post(client, link.token, language="en")
    assert refused.status_code == 429
    assert "Many answers have been sent from here" in refused.text
    assert _count() == 3
    swedish = _post(client, link.token)
    assert swedish.status_code == 429 and "Vänta en stund" in swedish.text
    # another address, or another link, is not held up
    assert _post(client, link.token, address="192.0.2.2").status_code == 302
    other = factories.link(org_name="Skövde")
    assert _post(client, other.token).status_code == 302


def test_only_stored_answers_count(app, client):
    app.config["OPEN_LINK_POSTS_PER_HOUR"] = 2
    link = factories.link()
    same = str(uuid.uuid4())
    for _ in range(3):  # the same answer sent again stores nothing
        assert _post(client, link.token, response_uuid=same).status_code == 302
    bad = client.post(f"/s/{link.token}/sv", data={"response_uuid": str(uuid.uuid4()), "kon": "x"},
                      environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert "utkast=" in bad.location  # an answer with errors stores nothing either
    assert _post(client, link.token).status_code == 302
    assert _post(client, link.token).status_code == 429


def test_kiosk_tablets_are_not_limited(app, client):
    app.config["OPEN_LINK_POSTS_PER_HOUR"] = 1
    round_ = factories.round_("avslutningsenkat")
    account = factories.user("s@mariestad.example", "samordnare")
    set_pin(account, "2468")
    db.session.commit()
    factories.login(client, account)
    mariestad = factories.organisation("Mariestad")
    client.post("/kiosk/starta", data={"round": round_.id, "organisation": mariestad.id})
    for _ in range(3):
        result = client.post("/kiosk/sv", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT})
        assert result.status_code == 302
    assert _count() == 3


def test_a_limited_address_can_still_switch_the_forms_language(app, client):
    app.config["OPEN_LINK_POSTS_PER_HOUR"] = 1
    link = factories.link()
    assert _post(client, link.token).status_code == 302
    switched = client.post(f"/s/{link.token}/en", data={"change_language": "en", "kon": "kvinna"},
                           environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert switched.status_code == 302 and "utkast=" in switched.location
    assert _post(client, link.token, language="en").status_code == 429
