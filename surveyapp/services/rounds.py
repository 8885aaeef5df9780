"""Measurement rounds (mättillfällen) and their answering links."""

from __future__ import annotations

import secrets
import threading

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager, defer, joinedload

from ..extensions import db
from ..models import Organisation, QuestionnaireVersion, Round, SurveyLink
from ..questionnaire import Questionnaire
from .questionnaires import definition_of


def find_round(questionnaire_key: str, name: str, project_id: int | None = None) -> Round | None:
    """The named round of a questionnaire in a project (None: the only project)."""
    if project_id is None:
        from ..models import sole_project_id

        project_id = sole_project_id()
    return db.session.scalar(select(Round).filter_by(questionnaire_key=questionnaire_key, name=name,
                                                     project_id=project_id))


def get_or_create_round(questionnaire_key: str, name: str,
                        project_id: int | None = None) -> tuple[Round, bool]:
    """The named round of a questionnaire in a project; a new name creates an open round."""
    existing = find_round(questionnaire_key, name, project_id)
    if existing is not None:
        return existing, False
    round_ = Round(questionnaire_key=questionnaire_key, name=name,
                   **({"project_id": project_id} if project_id is not None else {}))
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


_link_and_version_query = None


def _link_and_version():
    """The link with its round and organisation, and the current version of its round's
    questionnaire (its definition read only when needed), built once per process (asked on every
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


#: answering links kept per app and process (see :func:`answering_link`); then it starts afresh
MAX_KEPT_LINKS = 1024
_KEPT_LINKS = "surveyapp.answering_links"
_kept_lock = threading.Lock()
_stamp_query = None


def answering_link(token: str) -> tuple[SurveyLink, QuestionnaireVersion | None, Questionnaire | None] | None:
    """The link of an answer page with its round and organisation, the current version of its
    questionnaire and that version's questionnaire; None for an unknown token.

    Every answer page asks for them, so they are kept per app and process and checked with one
    row of plain columns per request: the link's round, organisation and role, the round's
    state and dates, and the current version and its content. While the row is unchanged the
    kept objects are returned, detached from the database session: read them, never change
    them.
    """
    row = db.session.connection().execute(_link_stamp(), {"token": token}).first()
    if row is None:
        return None
    stamp = tuple(row)
    kept_links = current_app.extensions.setdefault(_KEPT_LINKS, {})
    kept = kept_links.get(token)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    # read through a session of their own on the same connection: the request's own objects
    # (and its identity map) are not touched, and the kept ones belong to no session
    with Session(bind=db.session.connection()) as reading:
        row = reading.execute(_link_and_version(), {"token": token}).first()
        if row is None:
            return None
        link, version = row
        questionnaire = definition_of(version) if version is not None else None
        reading.expunge_all()
    found = (link, version, questionnaire)
    with _kept_lock:
        if len(kept_links) >= MAX_KEPT_LINKS:
            kept_links.clear()
        kept_links[token] = (stamp, found)
    return found


def _link_stamp():
    global _stamp_query
    if _stamp_query is None:
        _stamp_query = (
            select(SurveyLink.round_id, SurveyLink.organisation_id, SurveyLink.role,
                   Round.questionnaire_key, Round.state, Round.opens_on, Round.closes_on,
                   QuestionnaireVersion.id, QuestionnaireVersion.content_hash)
            .join(Round, Round.id == SurveyLink.round_id)
            .outerjoin(QuestionnaireVersion,
                       (QuestionnaireVersion.questionnaire_key == Round.questionnaire_key)
                       & QuestionnaireVersion.is_current)
            .where(SurveyLink.token == bindparam("token"))
        )
    return _stamp_query
