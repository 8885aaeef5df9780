"""The project's goal table from the database: each questionnaire's report, the register,
the avslutningsenkät answers and the uppföljningar done, put together by
:func:`analysis.project.build_goal_table`; and projektledning's motivering and bedömning."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..analysis.groups import available
from ..analysis.project import (
    DEFAULT_DIMENSIONS,
    TABLE_DIMENSIONS,
    GoalTable,
    build_goal_table,
)
from ..analysis.register import limit_register, register_as_of
from ..analysis.report import build_report
from ..extensions import db
from ..models import Answer, GoalAssessment, Organisation, ParticipantCode, Response, Round
from ..models._time import utcnow
from ..questionnaire.project import PROJECT_FILE, Project
from .cells import load_cells
from .frames import codes_frame, load_answers, register_frame
from .questionnaires import current_version, current_versions, definition_of


class UnknownTableDimension(ValueError):
    """The goal table was asked for a breakdown it does not have."""


def project_definition(project_id: int | None = None) -> Project:
    """The project's current set-up, every delmål checked against the current questionnaires."""
    return project_setup(project_id)[0]


def project_setup(project_id: int | None = None) -> tuple[Project, int | None]:
    """The project's current set-up and its version (None: read from the project file)."""
    from .projects import project_definition_of

    versions = current_versions()
    return project_definition_of(project_id, {key: definition_of(v) for key, v in versions.items()})


def goal_table(
    organisation_ids: Collection[int] | None = None,
    dimensions: Sequence[str] = (),
    *,
    enrolled_until: date | None = None,
    min_days: int | None = None,
    as_of: date | None = None,
    full_reports: bool = True,
    project_id: int | None = None,
) -> GoalTable:
    """The goal table limited to some organisations (None: all), as it stood ``as_of``
    (registered, ended and answered by that day; None: now). Kept by data version like the
    reports, so a page asked for again over the same data is not computed again.
    ``full_reports``: each questionnaire's report holds every question (the project
    workbook's sheets), else only those the goal table reads (the page, the JSON).
    ``project_id``: the project's rounds, register and set-up (None: every project's data, with
    the set-up of the only one)."""
    dims = tuple(dict.fromkeys(dimensions)) or DEFAULT_DIMENSIONS
    unknown = [d for d in dims if d not in TABLE_DIMENSIONS]
    if unknown:
        raise UnknownTableDimension(
            f"the goal table has no breakdown {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(TABLE_DIMENSIONS)}"
        )
    from .report_cache import kept_or_computed

    params = {"organisations": sorted(organisation_ids) if organisation_ids is not None else None,
              "dims": dims, "enrolled_until": enrolled_until, "min_days": min_days, "as_of": as_of,
              "project": _project_stamp(project_id), "project_id": project_id, "full": full_reports,
              # what is due (the uppföljning six months after avslut) depends on the day
              "today": None if as_of is not None else date.today()}
    return kept_or_computed("goal_table", params, lambda: _compute_goal_table(
        organisation_ids, dims, enrolled_until=enrolled_until, min_days=min_days, as_of=as_of,
        full_reports=full_reports, project_id=project_id))


def _project_stamp(project_id: int | None = None) -> str:
    """The set-up's version, else the project file's content: a changed set-up is another table."""
    from .projects import all_projects, current_setup

    if project_id is None:
        projects = all_projects()
        project_id = projects[0].id if len(projects) == 1 else None
    setup = current_setup(project_id) if project_id is not None else None
    if setup is not None:
        return f"setup:{setup.project_id}:{setup.version}"
    path = Path(current_app.config["QUESTIONNAIRE_DIR"]) / PROJECT_FILE
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _compute_goal_table(organisation_ids: Collection[int] | None, dims: tuple[str, ...], *,
                        enrolled_until: date | None, min_days: int | None, as_of: date | None,
                        full_reports: bool = True, project_id: int | None = None) -> GoalTable:
    from dataclasses import replace

    from ..models import Project as ProjectRow

    project, version = project_setup(project_id)
    threshold = current_app.config["SMALL_CELL_THRESHOLD"]
    versions = current_versions()
    keys = list(project.questionnaires or tuple(sorted(versions)))
    shifted = {(d.ref or "").partition(".")[0] for m in project.projektmal for d in m.delmal
               if d.kind == "shift"}
    keys += [k for k in sorted(shifted) if k not in keys and k in versions]
    reports = {}
    limits = {"enrolled_until": enrolled_until, "min_days": min_days}
    for key in keys:
        if key not in versions:
            continue
        definition = definition_of(versions[key])
        usable = [d for d in dims if d in available(definition)]
        questions = None if full_reports else {g.question for g in definition.goals} | {
            (d.ref or "").partition(".")[2] for m in project.projektmal for d in m.delmal
            if d.kind == "shift" and (d.ref or "").partition(".")[0] == key}
        cells = load_cells(key, dimensions=usable, organisation_ids=organisation_ids, until=as_of,
                           questions=questions, project_id=project_id, between_rounds=False,
                           **limits)
        reports[key] = build_report(cells, dimensions=usable if key in shifted else (),
                                    threshold=threshold, goal_dimensions=dims, questions=questions)
    register = register_as_of(register_frame(organisation_ids, project_id=project_id), as_of)
    register = limit_register(register, enrolled_until=enrolled_until, min_days=min_days)
    table = build_goal_table(project, register, reports,
                             exit_codes=_exit_codes(organisation_ids, as_of, project_id),
                             followed_up=_followed_up(as_of, project_id),
                             consenting=consenting_codes(as_of, project_id),
                             dimensions=dims, threshold=threshold,
                             organisations=_names(organisation_ids), as_of=as_of)
    row = db.session.get(ProjectRow, project_id) if project_id is not None else None
    return replace(table, setup_version=version, project_name=row.name if row else None)


def _in_project(query, project_id: int | None):
    """Limits a query joined to Round to one project's rounds (None: every project)."""
    return query if project_id is None else query.where(Round.project_id == project_id)


def _until(query, as_of: date | None):
    if as_of is None:
        return query
    return query.where(Response.submitted_at < datetime.combine(as_of + timedelta(days=1), time()))


def _exit_codes(organisation_ids: Collection[int] | None, as_of: date | None, project_id: int | None = None):
    """One row per avslutningsenkät answer of the organisations shown: the code it was given
    with (None: without one)."""
    query = (select(Response.participant_code).join(Round, Round.id == Response.round_id)
             .where(Round.questionnaire_key == "avslutningsenkat"))
    if organisation_ids is not None:
        query = query.where(Response.organisation_id.in_(list(organisation_ids) or [-1]))
    # one value per answer, read without the ORM's row handling (a hundred thousand at scale)
    return codes_frame(db.session.connection().execute(
        _until(_in_project(query, project_id), as_of)).scalars().all())


def _followed_up(as_of: date | None, project_id: int | None = None) -> set[str]:
    return set(db.session.scalars(_until(_in_project(
        select(Response.participant_code).join(Round, Round.id == Response.round_id)
        .where(Round.questionnaire_key == "uppfoljning_6man", Response.participant_code.is_not(None)),
        project_id), as_of)))


def _names(organisation_ids: Collection[int] | None) -> list[str] | None:
    if organisation_ids is None:
        return None
    return list(db.session.scalars(
        select(Organisation.name).where(Organisation.id.in_(list(organisation_ids) or [-1]))))


def consenting_codes(as_of: date | None = None, project_id: int | None = None) -> set[str]:
    """Codes whose avslut says yes to the uppföljning: recorded on the participant's page,
    or imported with the avslut answers (``as_of``: the avslut answers given by then)."""
    registered = select(ParticipantCode.code).where(ParticipantCode.followup_consent.is_(True))
    if project_id is not None:
        registered = registered.where(ParticipantCode.project_id == project_id)
    recorded = set(db.session.scalars(registered))
    latest: dict[str, tuple] = {}
    rows = db.session.execute(_until(_in_project(
        select(Response.participant_code, Response.submitted_at, Response.id, Answer.code)
        .join(Round, Round.id == Response.round_id)
        .join(Answer, Answer.response_id == Response.id)
        .where(Round.questionnaire_key == "avslut", Answer.question_key == "samtycke_uppfoljning",
               Response.participant_code.is_not(None)), project_id), as_of)
    ).all()
    for code, at, id_, answer in rows:
        if code not in latest or (at, id_) > latest[code][:2]:
            latest[code] = (at, id_, answer)
    imported = {code for code, (_, _, answer) in latest.items() if answer == "ja"}
    refused = {code for code, (_, _, answer) in latest.items() if answer == "nej"}
    return (recorded - refused) | imported


def assessments(project_id: int | None = None) -> dict[str, GoalAssessment]:
    query = select(GoalAssessment)
    if project_id is not None:
        query = query.where(GoalAssessment.project_id == project_id)
    return {a.goal_key: a for a in db.session.scalars(query)}


def save_assessment(goal_key: str, motivering: str, assessment: str, by: str,
                    project_id: int | None = None) -> GoalAssessment:
    query = select(GoalAssessment).filter_by(goal_key=goal_key)
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    found = db.session.scalar(query)
    if found is None:
        found = GoalAssessment(goal_key=goal_key, **({"project_id": project_id} if project_id else {}))
        db.session.add(found)
    found.motivering = motivering
    found.assessment = assessment
    found.updated_by = by
    found.updated_at = utcnow()
    db.session.flush()
    return found


def registered_codes(organisation_ids: Collection[int] | None = None,
                     project_id: int | None = None) -> int:
    query = select(ParticipantCode.id)
    if project_id is not None:
        query = query.where(ParticipantCode.project_id == project_id)
    if organisation_ids is not None:
        query = query.where(ParticipantCode.organisation_id.in_(list(organisation_ids) or [-1]))
    return len(db.session.scalars(query).all())


def staff_beside_own(organisation_ids: Collection[int] | None, threshold: int,
                     project_id: int | None = None):
    """Each staff rating questionnaire's items beside the participant's own rating (small
    numbers of pairs hidden): {questionnaire key: (Beside, ...)}; kept by data version."""
    from .report_cache import kept_or_computed

    params = {"organisations": sorted(organisation_ids) if organisation_ids is not None else None,
              "threshold": threshold, "project_id": project_id}
    return kept_or_computed("staff_beside_own", params,
                            lambda: _staff_beside_own(organisation_ids, threshold, project_id))


def _staff_beside_own(organisation_ids: Collection[int] | None, threshold: int,
                      project_id: int | None = None):
    from ..analysis.beside import OWN_QUESTIONNAIRE, beside_own, compared_items

    found = {}
    for key, own_key in OWN_QUESTIONNAIRE.items():
        if current_version(key) is None or current_version(own_key) is None:
            continue
        # only the items compared, and only the own ratings of participants the staff rated
        items = compared_items(definition_of(current_version(key)), definition_of(current_version(own_key)))
        results = beside_own(
            load_answers(key, organisation_ids=organisation_ids, questions=[s for s, _ in items],
                         project_id=project_id),
            load_answers(own_key, organisation_ids=organisation_ids, questions=[o for _, o in items],
                         coded_in=key, project_id=project_id))
        found[key] = tuple(r for r in results if r.n_pairs >= threshold)
    return found


def goal_keys(project_id: int | None = None) -> set[str]:
    """The keys of the goal table's rows, without computing a figure."""
    project = project_definition(project_id)
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
    keys |= {d.key for m in project.projektmal for d in m.delmal}
    return keys
