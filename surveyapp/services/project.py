"""The project's goal table from the database: each questionnaire's report, the register,
the avslutningsenkät answers and the uppföljningar done, put together by
:func:`analysis.project.build_goal_table`; and projektledning's motivering and bedömning."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..analysis.groups import available
from ..analysis.project import (
    DEFAULT_DIMENSIONS,
    TABLE_DIMENSIONS,
    GoalTable,
    build_goal_table,
    exit_answers_of,
)
from ..analysis.register import limit_enrolment, limit_register
from ..analysis.report import build_report
from ..extensions import db
from ..models import Answer, GoalAssessment, Organisation, ParticipantCode, Response, Round
from ..models._time import utcnow
from ..questionnaire.project import Project, load_project
from .cells import load_cells
from .frames import load_answers, register_frame
from .questionnaires import current_version, current_versions, definition_of


class UnknownTableDimension(ValueError):
    """The goal table was asked for a breakdown it does not have."""


def project_definition() -> Project:
    return load_project(Path(current_app.config["QUESTIONNAIRE_DIR"]), tuple(current_versions()))


def goal_table(
    organisation_ids: Collection[int] | None = None,
    dimensions: Sequence[str] = (),
    *,
    enrolled_until: date | None = None,
    min_days: int | None = None,
) -> GoalTable:
    """The goal table limited to some organisations (None: all)."""
    dims = tuple(dict.fromkeys(dimensions)) or DEFAULT_DIMENSIONS
    unknown = [d for d in dims if d not in TABLE_DIMENSIONS]
    if unknown:
        raise UnknownTableDimension(
            f"the goal table has no breakdown {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(TABLE_DIMENSIONS)}"
        )
    project = project_definition()
    threshold = current_app.config["SMALL_CELL_THRESHOLD"]
    keys = project.questionnaires or tuple(sorted(current_versions()))
    reports = {}
    exit_answers = None
    for key in keys:
        limits = {"enrolled_until": enrolled_until, "min_days": min_days}
        cells = load_cells(key, dimensions=[d for d in dims if d in available(definition_of(
            current_version(key)))], organisation_ids=organisation_ids, **limits)
        reports[key] = build_report(cells, threshold=threshold, goal_dimensions=dims)
        if key == "avslutningsenkat":
            # each answer's kommun and background: the background questions' answers only
            data = load_answers(key, organisation_ids=organisation_ids,
                                questions=[d for d in dims if d != "organisation"])
            exit_answers = exit_answers_of(limit_enrolment(data, **limits), dims)
    register = limit_register(register_frame(organisation_ids), enrolled_until=enrolled_until,
                              min_days=min_days)
    followed_up = set(db.session.scalars(
        select(Response.participant_code).join(Round, Round.id == Response.round_id)
        .where(Round.questionnaire_key == "uppfoljning_6man", Response.participant_code.is_not(None))
    ))
    return build_goal_table(project, register, reports, exit_answers=exit_answers,
                            followed_up=followed_up, consenting=consenting_codes(),
                            dimensions=dims, threshold=threshold,
                            organisations=_names(organisation_ids))


def _names(organisation_ids: Collection[int] | None) -> list[str] | None:
    if organisation_ids is None:
        return None
    return list(db.session.scalars(
        select(Organisation.name).where(Organisation.id.in_(list(organisation_ids) or [-1]))))


def consenting_codes() -> set[str]:
    """Codes whose avslut says yes to the uppföljning: recorded on the participant's page,
    or imported with the avslut answers."""
    recorded = set(db.session.scalars(
        select(ParticipantCode.code).where(ParticipantCode.followup_consent.is_(True))))
    latest: dict[str, tuple] = {}
    rows = db.session.execute(
        select(Response.participant_code, Response.submitted_at, Response.id, Answer.code)
        .join(Round, Round.id == Response.round_id)
        .join(Answer, Answer.response_id == Response.id)
        .where(Round.questionnaire_key == "avslut", Answer.question_key == "samtycke_uppfoljning",
               Response.participant_code.is_not(None))
    ).all()
    for code, at, id_, answer in rows:
        if code not in latest or (at, id_) > latest[code][:2]:
            latest[code] = (at, id_, answer)
    imported = {code for code, (_, _, answer) in latest.items() if answer == "ja"}
    refused = {code for code, (_, _, answer) in latest.items() if answer == "nej"}
    return (recorded - refused) | imported


def assessments() -> dict[str, GoalAssessment]:
    return {a.goal_key: a for a in db.session.scalars(select(GoalAssessment))}


def save_assessment(goal_key: str, motivering: str, assessment: str, by: str) -> GoalAssessment:
    found = db.session.scalar(select(GoalAssessment).filter_by(goal_key=goal_key))
    if found is None:
        found = GoalAssessment(goal_key=goal_key)
        db.session.add(found)
    found.motivering = motivering
    found.assessment = assessment
    found.updated_by = by
    found.updated_at = utcnow()
    db.session.flush()
    return found


def registered_codes(organisation_ids: Collection[int] | None = None) -> int:
    query = select(ParticipantCode.id)
    if organisation_ids is not None:
        query = query.where(ParticipantCode.organisation_id.in_(list(organisation_ids) or [-1]))
    return len(db.session.scalars(query).all())


def staff_beside_own(organisation_ids: Collection[int] | None, threshold: int):
    """Each staff rating questionnaire's items beside the participant's own rating (small
    numbers of pairs hidden): {questionnaire key: (Beside, ...)}."""
    from ..analysis.beside import OWN_QUESTIONNAIRE, beside_own

    found = {}
    for key, own_key in OWN_QUESTIONNAIRE.items():
        if current_version(key) is None or current_version(own_key) is None:
            continue
        results = beside_own(load_answers(key, organisation_ids=organisation_ids),
                             load_answers(own_key, organisation_ids=organisation_ids))
        found[key] = tuple(r for r in results if r.n_pairs >= threshold)
    return found


def goal_keys() -> set[str]:
    """The keys of the goal table's rows, without computing a figure."""
    project = project_definition()
    keys = {"participants"}
    if project.women is not None:
        keys.add("participants.women")
    if project.men is not None:
        keys.add("participants.men")
    if project.balance is not None:
        keys.add("participants.balance")
    versions = current_versions()
    for key in project.questionnaires or tuple(sorted(versions)):
        if key in versions:
            keys |= {f"{key}.{i}" for i in range(len(definition_of(versions[key]).goals))}
    return keys
