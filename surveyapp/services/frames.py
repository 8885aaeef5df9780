"""Loading answers into DataFrames: the one place where SQL meets pandas."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from ..analysis.data import ANSWER_COLUMNS, RESPONSE_COLUMNS, AnswerData, normalise
from ..analysis.register import REGISTER_COLUMNS, limit_register
from ..extensions import db
from ..models import Answer, Organisation, ParticipantCode, Response, Round, round_organisations
from ..questionnaire import Questionnaire
from .questionnaires import current_version, definition_of


class SelectionError(LookupError):
    """A report was asked for something that does not exist (questionnaire, round)."""


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    #: the round's opens_on, else the date of its first answer, else when it was created
    start: date


def ordered_rounds(questionnaire_key: str, covering: Collection[int] | None = None,
                   project_id: int | None = None) -> list[RoundInfo]:
    """A questionnaire's rounds ordered by their start; with ``covering``, only the rounds that
    cover one of those organisations, started by their first answer from one of them; with
    ``project_id``, only that project's rounds."""
    # only this questionnaire's responses: the others' rounds are not asked for
    first_answer = select(Response.round_id, func.min(Response.submitted_at).label("first")).where(
        Response.round_id.in_(select(Round.id).where(Round.questionnaire_key == questionnaire_key)))
    query = select(Round.id, Round.name, Round.opens_on, Round.created_at)
    if project_id is not None:
        query = query.where(Round.project_id == project_id)
    if covering is not None:
        ids = list(covering) or [-1]
        first_answer = first_answer.where(Response.organisation_id.in_(ids))
        named = exists().where(round_organisations.c.round_id == Round.id)
        mine = exists().where(round_organisations.c.round_id == Round.id,
                              round_organisations.c.organisation_id.in_(ids))
        query = query.where(or_(~named, mine))
    first_answer = first_answer.group_by(Response.round_id).subquery()
    rows = db.session.execute(
        query.add_columns(first_answer.c.first)
        .outerjoin(first_answer, first_answer.c.round_id == Round.id)
        .where(Round.questionnaire_key == questionnaire_key)
    ).all()
    rounds = []
    for id_, name, opens_on, created_at, first in rows:
        start = opens_on or (first or created_at).date()
        rounds.append(RoundInfo(id_, name, start))
    return sorted(rounds, key=lambda r: (r.start, r.id))


def selection(
    questionnaire_key: str,
    *,
    rounds: Sequence[str] = (),
    organisation_ids: Collection[int] | None = None,
    since: date | None = None,
    until: date | None = None,
    covering: Collection[int] | None = None,
    enrolled_until: date | None = None,
    min_days: int | None = None,
    today: date | None = None,
    project_id: int | None = None,
) -> tuple[Questionnaire, list[RoundInfo], list]:
    """The questionnaire, the selected rounds in order and the conditions on responses that
    select the answers of the named rounds (default: all), limited to some organisations
    (None: all) and to answers submitted between two dates (inclusive, UTC). With
    ``covering``, only rounds that cover one of those organisations exist. ``enrolled_until``
    and ``min_days`` leave out participants as :func:`register.limit_enrolment` does (forms
    with a participant code only)."""
    version = current_version(questionnaire_key)
    if version is None:
        raise SelectionError(f"no questionnaire {questionnaire_key!r}")
    questionnaire = definition_of(version)
    known = ordered_rounds(questionnaire_key, covering, project_id)
    if rounds:
        by_name = {r.name: r for r in known}
        missing = [name for name in rounds if name not in by_name]
        if missing:
            raise SelectionError(
                f"{questionnaire_key} has no round {', '.join(map(repr, missing))}; "
                f"its rounds are: {', '.join(r.name for r in known) or 'none'}"
            )
        selected = [r for r in known if r.name in set(rounds)]
    else:
        selected = known

    conditions = [Response.round_id.in_([r.id for r in selected])]
    if organisation_ids is not None:
        conditions.append(Response.organisation_id.in_(list(organisation_ids)))
    if since is not None:
        conditions.append(Response.submitted_at >= datetime.combine(since, time.min))
    if until is not None:
        conditions.append(Response.submitted_at < datetime.combine(until + timedelta(days=1), time.min))
    if questionnaire.uses_participant_code and (enrolled_until is not None or min_days is not None):
        kept = limit_register(register_frame(organisation_ids, project_id=project_id),
                              enrolled_until=enrolled_until,
                              min_days=min_days, today=today)
        conditions.append(Response.participant_code.in_(list(kept["participant_code"])))
    return questionnaire, selected, conditions


def load_answers(
    questionnaire_key: str,
    *,
    rounds: Sequence[str] = (),
    organisation_ids: Collection[int] | None = None,
    since: date | None = None,
    until: date | None = None,
    covering: Collection[int] | None = None,
    questions: Collection[str] | None = None,
    project_id: int | None = None,
    coded_in: str | None = None,
) -> AnswerData:
    """The answers of a selection (:func:`selection`), one row per response and per answer;
    with ``questions``, only the answers to those questions (every response still); with
    ``coded_in``, only the responses whose participant code is on an answer to that
    questionnaire too (from the same organisations)."""
    questionnaire, selected, conditions = selection(
        questionnaire_key, rounds=rounds, organisation_ids=organisation_ids, since=since, until=until,
        covering=covering, project_id=project_id,
    )
    if coded_in is not None:
        other = aliased(Response)
        codes = select(other.participant_code).join(Round, Round.id == other.round_id).where(
            Round.questionnaire_key == coded_in, other.participant_code.is_not(None))
        if organisation_ids is not None:
            codes = codes.where(other.organisation_id.in_(list(organisation_ids) or [-1]))
        if project_id is not None:
            codes = codes.where(Round.project_id == project_id)
        conditions = [*conditions, Response.participant_code.in_(codes)]
    response_rows = db.session.execute(
        select(
            Response.id, Response.uuid, Round.name, Organisation.name, Response.language,
            Response.submitted_at, Response.channel, Response.participant_code, Response.role,
        )
        .join(Round, Round.id == Response.round_id)
        .join(Organisation, Organisation.id == Response.organisation_id)
        .where(*conditions)
    ).all()
    if questions is not None:
        conditions = [*conditions, Answer.question_key.in_(list(questions))]
    answer_rows = db.session.execute(
        select(Answer.response_id, Answer.question_key, Answer.row_key, Answer.code, Answer.number,
               Answer.text)
        .join(Response, Response.id == Answer.response_id)
        .where(*conditions)
    ).all()
    responses = frame_of(response_rows, RESPONSE_COLUMNS)
    answers = frame_of(answer_rows, ANSWER_COLUMNS)
    responses, answers = normalise(responses, answers)
    register, background = None, ()
    if questionnaire.uses_participant_code:
        from .register import background_questions

        register = register_frame(organisation_ids, project_id=project_id)
        background = tuple(background_questions().values())
    return AnswerData(
        questionnaire, responses, answers, tuple(r.name for r in selected), tuple(r.start for r in selected),
        register=register, background=background,
    )


def frame_of(rows: Sequence, columns: Sequence[str]) -> pd.DataFrame:
    """Result rows as a frame (made from plain tuples: pandas inspects each result row
    attribute by attribute, which costs seconds at a hundred thousand rows)."""
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(columns))


def codes_frame(codes: Sequence[str | None]) -> pd.DataFrame:
    """Participant codes as one column (None: an answer given without one)."""
    return pd.DataFrame({"participant_code": pd.Series(list(codes), dtype="object")})


def register_frame(organisation_ids: Collection[int] | None = None, *,
                   project_id: int | None = None) -> pd.DataFrame:
    """The register, one row per participant code (:data:`REGISTER_COLUMNS`)."""
    query = select(
        ParticipantCode.code, Organisation.name, ParticipantCode.enrolled_on, ParticipantCode.exited_on,
        ParticipantCode.followup_consent, ParticipantCode.kon, ParticipantCode.aldersgrupp,
        ParticipantCode.fodelseregion,
    ).join(Organisation, Organisation.id == ParticipantCode.organisation_id)
    if organisation_ids is not None:
        query = query.where(ParticipantCode.organisation_id.in_(list(organisation_ids) or [-1]))
    if project_id is not None:
        query = query.where(ParticipantCode.project_id == project_id)
    frame = frame_of(db.session.execute(query).all(), REGISTER_COLUMNS)
    for column in ("enrolled_on", "ended_on"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def insatser_frame(organisation_ids: Collection[int] | None = None, *,
                   project_id: int | None = None) -> pd.DataFrame:
    """The insatser participants took part in, one row each (:data:`INSATS_COLUMNS`)."""
    from ..analysis.insatser import INSATS_COLUMNS
    from ..models import ParticipantInsats

    query = select(ParticipantCode.code, ParticipantInsats.insats, ParticipantInsats.started_on,
                   ParticipantInsats.ended_on).join(
        ParticipantCode, ParticipantCode.id == ParticipantInsats.participant_code_id)
    if organisation_ids is not None:
        query = query.where(ParticipantCode.organisation_id.in_(list(organisation_ids) or [-1]))
    if project_id is not None:
        query = query.where(ParticipantCode.project_id == project_id)
    return frame_of(db.session.execute(query).all(), INSATS_COLUMNS)
