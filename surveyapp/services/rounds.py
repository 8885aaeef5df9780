"""Measurement rounds (mättillfällen) and their answering links."""

from __future__ import annotations

import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, defer, joinedload

from ..extensions import db
from ..models import Organisation, QuestionnaireVersion, Round, SurveyLink


def find_round(questionnaire_key: str, name: str) -> Round | None:
    return db.session.scalar(select(Round).filter_by(questionnaire_key=questionnaire_key, name=name))


def get_or_create_round(questionnaire_key: str, name: str) -> tuple[Round, bool]:
    """The named round of a questionnaire; a new name creates an open round."""
    existing = find_round(questionnaire_key, name)
    if existing is not None:
        return existing, False
    round_ = Round(questionnaire_key=questionnaire_key, name=name)
    db.session.add(round_)
    db.session.flush()
    return round_, True


def get_or_create_link(round_: Round, organisation: Organisation, role: str | None = None) -> SurveyLink:
    """The open answering link of a round for one organisation (and role)."""
    link = db.session.scalar(
        select(SurveyLink).filter_by(round_id=round_.id, organisation_id=organisation.id, role=role)
    )
    if link is None:
        link = SurveyLink(
            token=secrets.token_urlsafe(16), round=round_, organisation=organisation, role=role
        )
        db.session.add(link)
        db.session.flush()
    return link


def find_link(token: str) -> SurveyLink | None:
    """The link with its round and organisation, in one query (every answer page needs all three)."""
    return db.session.scalar(
        select(SurveyLink)
        .filter_by(token=token)
        .options(joinedload(SurveyLink.round), joinedload(SurveyLink.organisation))
    )


def find_link_and_version(token: str) -> tuple[SurveyLink | None, QuestionnaireVersion | None]:
    """The link with its round and organisation, and the current version of its round's
    questionnaire, in one query (the version's definition is read only when it is needed:
    a version's built questionnaire is kept per process)."""
    row = db.session.execute(_link_and_version(), {"token": token}).first()
    return (None, None) if row is None else (row[0], row[1])


_link_and_version_query = None


def _link_and_version():
    """The query of :func:`find_link_and_version`, built once per process (asked on every
    answer page)."""
    global _link_and_version_query
    if _link_and_version_query is None:
        _link_and_version_query = (
            select(SurveyLink, QuestionnaireVersion)
            .join(SurveyLink.round)
            .outerjoin(QuestionnaireVersion,
                       (QuestionnaireVersion.questionnaire_key == Round.questionnaire_key)
                       & QuestionnaireVersion.is_current)
            .where(SurveyLink.token == bindparam("token"))
            .options(contains_eager(SurveyLink.round), joinedload(SurveyLink.organisation),
                     defer(QuestionnaireVersion.definition))
        )
    return _link_and_version_query
