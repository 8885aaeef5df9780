"""Storing a response: one unit, or nothing."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Response
from surveyapp.services.questionnaires import current_version
from surveyapp.services.submissions import Submission, SubmissionError, record
from tests import factories
from tests.factories import AVSLUTNINGSENKAT


def _raw(data: dict) -> dict:
    return {k: v if isinstance(v, list) else [v] for k, v in data.items()}


def _submission(**kwargs) -> Submission:
    round_ = factories.round_("avslutningsenkat")
    defaults = dict(
        round=round_, version=current_version("avslutningsenkat"), organisation=factories.organisation(),
        raw=_raw(AVSLUTNINGSENKAT),
    )
    return Submission(**{**defaults, **kwargs})


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_unknown_organisation_is_refused_and_nothing_stored(app):
    with pytest.raises(SubmissionError) as error:
        record(_submission(organisation=None))
    assert "organisation" in error.value.errors
    assert _count(Response) == 0 and _count(Answer) == 0


def test_several_problems_are_reported_together(app):
    with pytest.raises(SubmissionError) as error:
        record(_submission(uuid="nope", language="xx", raw=_raw({**AVSLUTNINGSENKAT, "kon": "robot"})))
    assert set(error.value.errors) == {"response_id", "language", "kon"}


def test_participant_code_is_required_where_the_questionnaire_has_one(app):
    round_ = factories.round_("avslut")
    sub = Submission(round=round_, version=current_version("avslut"), organisation=factories.organisation(),
                     raw=_raw({"utfall": "studier", "samtycke_uppfoljning": "ja"}))
    with pytest.raises(SubmissionError) as error:
        record(sub)
    assert error.value.errors["participant_code"].render() == "Skriv deltagarkoden."
    sub.participant_code = "k7m4-2"
    stored = record(sub)
    assert stored.participant_code == "K7M4-2"


def test_answers_of_another_questionnaire_are_refused(app):
    with pytest.raises(SubmissionError) as error:
        record(_submission(version=current_version("avslut")))
    assert "round" in error.value.errors


def test_a_resubmitted_uuid_returns_none_and_stores_nothing_more(app):
    response_id = str(uuid.uuid4())
    assert record(_submission(uuid=response_id)) is not None
    db.session.commit()
    assert record(_submission(uuid=response_id.upper())) is None
    assert _count(Response) == 1
    assert _count(Answer) == 8
