"""An answer is stored only in a language its questionnaire is offered in."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.i18n import available_languages
from surveyapp.models import Invitation, Response
from surveyapp.services.invitations import create_invitations
from surveyapp.services.questionnaires import current_version, definition_of
from tests import factories
from tests.web.test_invitations import SAMVERKAN


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_a_post_in_a_language_not_offered_is_404_and_stores_nothing(client):
    assert "ar" not in available_languages(definition_of(current_version("samverkan")))
    link = factories.link("samverkan", role="kommunchef")
    body = {"response_uuid": str(uuid.uuid4()), **SAMVERKAN}
    assert client.post(f"/s/{link.token}/ar", data=body).status_code == 404
    assert _count() == 0
    assert client.post(f"/s/{link.token}/en", data=body).status_code == 302
    assert _count() == 1


def test_an_invitation_used_in_a_language_not_offered_stays_unused(client):
    round_ = factories.round_("samverkan")
    issued = create_invitations(round_, factories.organisation("Mariestad"), "kommunchef", 1)[0]
    db.session.commit()
    body = {"response_uuid": str(uuid.uuid4()), **SAMVERKAN}
    assert client.post(f"/i/{issued.token}/so", data=body).status_code == 404
    assert _count() == 0
    assert db.session.scalar(select(Invitation.used)) is False
