"""Projects as data: each with its period and its set-up, saved as numbered versions in the
project file's shape (``questionnaires/_project.yaml``, which stays as the interchange format)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    Account,
    ParticipantCode,
    Project,
    ProjectSetup,
    Response,
    Role,
    Round,
    project_members,
)
from ..questionnaire import Message, QuestionnaireError
from ..questionnaire.messages import N_
from ..questionnaire.project import PROJECT_FILE, plain_dates, project_from
from ..questionnaire.project import Project as ProjectDefinition
from .audit import record_audit

#: the name of the project an upgraded installation's data becomes, until init reads the file
DEFAULT_NAME = "Projektet"
#: the set-up's keys that describe the project rather than its goal table
PROJECT_KEYS = ("name", "period")


class ProjectError(LookupError):
    """A project was named that does not exist, or none was named where several do."""


class ProjectNameError(ValueError):
    """A new project's name was refused; ``message`` says why (translated by the caller)."""

    def __init__(self, message: Message):
        super().__init__(message.msgid % message.params if message.params else message.msgid)
        self.message = message


@dataclass(frozen=True)
class ProjectCounts:
    rounds: int
    participants: int
    responses: int


def all_projects() -> list[Project]:
    return list(db.session.scalars(select(Project).order_by(Project.name)))


def find_project(name: str) -> Project | None:
    return db.session.scalar(select(Project).filter_by(name=(name or "").strip()))


def choose_project(name: str | None) -> Project:
    """The project ``name`` names; without a name the only project. Several projects and no
    name, or an unknown name, is a :class:`ProjectError` listing the projects."""
    projects = all_projects()
    names = ", ".join(p.name for p in projects) or "none"
    if name:
        found = find_project(name)
        if found is None:
            raise ProjectError(f"Unknown project {name!r}; the projects are: {names}")
        return found
    if len(projects) == 1:
        return projects[0]
    if not projects:
        raise ProjectError("There is no project yet: run `surveyapp init` or "
                           "`surveyapp projects import FILE`.")
    raise ProjectError(f"Name the project with --project NAME; the projects are: {names}")


def projects_of(account: Account) -> list[Project]:
    """The projects an account holds: admin every project, others those they are bound to."""
    if account.account_role is Role.ADMIN:
        return all_projects()
    return list(account.projects)


def bind_account(account: Account, projects: list[Project]) -> None:
    account.projects = sorted(projects, key=lambda p: p.name)
    db.session.flush()


def member_organisation_ids(account: Account, project_id: int | None) -> set[int]:
    """The organisations a samordnare works for in a project: those the admin chose for the
    project (and still bound to the account), else every organisation bound to the account."""
    from ..models import project_member_organisations as chosen

    own = {o.id for o in account.organisations}
    if project_id is None:
        return own
    rows = set(db.session.scalars(select(chosen.c.organisation_id).where(
        chosen.c.project_id == project_id, chosen.c.account_id == account.id)))
    return rows & own if rows else own


def set_member_organisations(account: Account, project_id: int, organisation_ids: set[int]) -> None:
    """The samordnare's kommuner in one project (empty: every organisation of the account)."""
    from sqlalchemy import delete, insert

    from ..models import project_member_organisations as chosen

    db.session.execute(delete(chosen).where(chosen.c.project_id == project_id,
                                            chosen.c.account_id == account.id))
    own = {o.id for o in account.organisations}
    rows = [{"project_id": project_id, "account_id": account.id, "organisation_id": i}
            for i in sorted(set(organisation_ids) & own)]
    if rows:
        db.session.execute(insert(chosen), rows)
    db.session.flush()


def members_of(project_id: int) -> list[Account]:
    return list(db.session.scalars(
        select(Account).join(project_members, project_members.c.account_id == Account.id)
        .where(project_members.c.project_id == project_id).order_by(Account.email)))


def current_setup(project_id: int) -> ProjectSetup | None:
    return db.session.scalar(select(ProjectSetup).filter_by(project_id=project_id)
                             .order_by(ProjectSetup.version.desc()).limit(1))


def setup_version(project_id: int, version: int) -> ProjectSetup | None:
    return db.session.scalar(select(ProjectSetup).filter_by(project_id=project_id, version=version))


def definition_of_setup(setup: dict, source: str, known=()) -> ProjectDefinition:
    """The goal table's set-up from a stored one; a set-up without participants (a project just
    made) is an empty one."""
    table_part = {k: v for k, v in setup.items() if k not in PROJECT_KEYS}
    if not table_part:
        return ProjectDefinition()
    return project_from(setup, source, known)


def project_definition_of(project_id: int | None, known=()) -> tuple[ProjectDefinition, int | None]:
    """The project's current set-up and its version number. A project without a saved set-up
    (an installation upgraded and not yet initialised; a test database) reads the project file
    of the questionnaire folder, version None."""
    setup = current_setup(project_id) if project_id is not None else None
    if setup is None and project_id is None:
        projects = all_projects()
        setup = current_setup(projects[0].id) if len(projects) == 1 else None
    if setup is None:
        from ..questionnaire.project import load_project

        return load_project(Path(current_app.config["QUESTIONNAIRE_DIR"]), known), None
    return definition_of_setup(setup.setup, f"{setup.project.name} (version {setup.version})", known), \
        setup.version


def read_setup_file(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise QuestionnaireError([f"{path.name}: not valid YAML: {exc}"]) from exc
    except OSError as exc:
        raise QuestionnaireError([f"{path}: cannot be read: {exc.strerror}"]) from exc
    if not isinstance(data, dict):
        raise QuestionnaireError([f"{path.name}: (top): is not a mapping"])
    return plain_dates(data)


def _period(setup: dict) -> tuple[date | None, date | None]:
    period = setup.get("period") or {}
    return tuple(date.fromisoformat(period[k]) if period.get(k) else None for k in ("start", "end"))


def save_setup(project: Project, setup: dict, by: str, known=(), *, source: str | None = None,
               actor: Account | str | None = None) -> ProjectSetup | None:
    """Validates ``setup`` (a :class:`QuestionnaireError` names every problem) and stores it as
    the project's next version, the project's name and period taken from it; None when it is
    the current set-up already. Logged in the audit log with what changed."""
    setup = plain_dates(setup)
    setup = {**setup, "name": project.name}
    definition_of_setup(setup, source or project.name, known)
    current = current_setup(project.id)
    project.starts_on, project.ends_on = _period(setup)
    if current is not None and _canonical(current.setup) == _canonical(setup):
        return None
    version = ProjectSetup(project=project, version=(current.version + 1 if current else 1),
                           setup=json.loads(json.dumps(setup)), created_by=by)
    db.session.add(version)
    db.session.flush()
    changed = ", ".join(changed_parts(current.setup if current else {}, setup)) or "-"
    record_audit(actor if actor is not None else None, "project.setup",
                 f"{project.name}: version {version.version} ({changed})", project_id=project.id)
    return version


def changed_parts(old: dict, new: dict) -> list[str]:
    """The set-up's top-level parts that differ, in words for the audit log."""
    keys = dict.fromkeys([*old, *new])
    return [key for key in keys if _canonical(old.get(key)) != _canonical(new.get(key))]


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def import_setup(data: dict, by: str, known=(), *, source: str = PROJECT_FILE,
                 ) -> tuple[Project, ProjectSetup | None, bool]:
    """``projects import``: the set-up of the project ``name:`` names (else ``title:``), made
    when there is none of that name. Returns the project, the new version (None: unchanged)
    and whether the project was made."""
    name = str(data.get("name") or data.get("title") or "").strip()
    if not name:
        raise QuestionnaireError([f"{source}: name: the file names no project (add `name: …`)"])
    project = find_project(name)
    created = project is None
    if created:
        project = Project(name=name)
        db.session.add(project)
        db.session.flush()
    version = save_setup(project, data, by, known, source=source)
    return project, version, created


def export_setup(project: Project) -> str:
    """The project's current set-up as a project file (YAML)."""
    setup = current_setup(project.id)
    data = dict(setup.setup) if setup else {}
    data["name"] = project.name
    period = {k: v.isoformat() for k, v in (("start", project.starts_on), ("end", project.ends_on)) if v}
    if period:
        data["period"] = period
    ordered = {key: data[key] for key in (*PROJECT_KEYS, *[k for k in data if k not in PROJECT_KEYS])
               if key in data}
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False)


def adopt_project_file(directory: str | Path, known=()) -> ProjectSetup | None:
    """``init``: while the installation is one project without a set-up (as the migration left
    it), the questionnaire folder's project file becomes its first version and names it (its
    ``name:``, else its ``title:``). Afterwards the file is read only by ``projects import``."""
    path = Path(directory) / PROJECT_FILE
    projects = all_projects()
    if len(projects) != 1 or not path.exists() or current_setup(projects[0].id) is not None:
        return None
    project = projects[0]
    data = read_setup_file(path)
    name = str(data.get("name") or data.get("title") or "").strip()
    if project.name == DEFAULT_NAME and name and find_project(name) is None:
        project.name = name
    return save_setup(project, data, "init", known, source=path.name)


def project_counts(project_id: int) -> ProjectCounts:
    rounds = db.session.scalar(select(func.count()).select_from(Round).where(Round.project_id == project_id))
    codes = db.session.scalar(select(func.count()).select_from(ParticipantCode)
                              .where(ParticipantCode.project_id == project_id))
    responses = db.session.scalar(select(func.count()).select_from(Response)
                                  .join(Round, Round.id == Response.round_id)
                                  .where(Round.project_id == project_id))
    return ProjectCounts(rounds or 0, codes or 0, responses or 0)


# -- what answers depend on ----------------------------------------------------------------
KOMMUN_IN_USE = N_("%(name)s kan inte tas bort ur projektet: %(participants)s deltagare och %(answers)s svar "
                   "hör till kommunen i projektet.")
QUESTIONNAIRE_IN_USE = N_("Enkäten %(key)s kan inte tas bort ur projektet: projektets mättillfällen av den "
                          "har %(answers)s svar.")
GOAL_ASSESSED = N_("Delmålet %(key)s kan inte tas bort: projektledningen har skrivit en bedömning av det. "
                   "Töm bedömningen först.")


def dependency_problems(project: Project, old: dict, new: dict) -> dict[str, list]:
    """What a new set-up would delete that answers or assessments depend on: field → messages
    (:class:`Message`), empty when nothing."""
    from ..models import GoalAssessment, Organisation

    problems: dict[str, list] = {}
    before = set((old.get("participants") or {}).get("organisations") or {})
    after = set((new.get("participants") or {}).get("organisations") or {})
    for name in sorted(before - after):
        organisation = db.session.scalar(select(Organisation).filter_by(name=name))
        if organisation is None:
            continue
        participants = db.session.scalar(select(func.count()).select_from(ParticipantCode).where(
            ParticipantCode.project_id == project.id,
            ParticipantCode.organisation_id == organisation.id)) or 0
        answers = db.session.scalar(select(func.count()).select_from(Response).join(
            Round, Round.id == Response.round_id).where(
            Round.project_id == project.id, Response.organisation_id == organisation.id)) or 0
        if participants or answers:
            problems.setdefault("organisations", []).append(Message(
                KOMMUN_IN_USE, {"name": name, "participants": participants, "answers": answers}))
    for key in [k for k in old.get("questionnaires") or [] if k not in (new.get("questionnaires") or [])]:
        if not new.get("questionnaires"):
            break  # an empty list means every questionnaire: nothing removed
        rounds = db.session.scalar(select(func.count()).select_from(Round).where(
            Round.project_id == project.id, Round.questionnaire_key == key)) or 0
        answers = db.session.scalar(select(func.count()).select_from(Response).join(
            Round, Round.id == Response.round_id).where(
            Round.project_id == project.id, Round.questionnaire_key == key)) or 0
        if answers:
            problems.setdefault("questionnaires", []).append(Message(
                QUESTIONNAIRE_IN_USE, {"key": key, "rounds": rounds, "answers": answers}))
    assessed = set(db.session.scalars(select(GoalAssessment.goal_key).where(
        GoalAssessment.project_id == project.id,
        (GoalAssessment.assessment != "") | (GoalAssessment.motivering != ""))))
    kept = _manual_keys(new)
    for key in sorted(_manual_keys(old) - kept):
        if key in assessed:
            problems.setdefault("projektmal", []).append(Message(GOAL_ASSESSED, {"key": key}))
    return problems


def _manual_keys(setup: dict) -> set[str]:
    return {f"manual.{d['key']}" for m in setup.get("projektmal") or [] for d in m.get("delmal") or []
            if isinstance(d, dict) and "manual" in d and d.get("key")}


def create_project(name: str, by: str, copy_of: Project | None = None, actor=None) -> Project:
    """A new project; with ``copy_of``, its set-up (questionnaires, goals, kommuner) copied as the
    first version, else an empty set-up."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise ProjectNameError(Message(NAME_REQUIRED))
    if find_project(name) is not None:
        raise ProjectNameError(Message(NAME_TAKEN, {"name": name}))
    project = Project(name=name)
    db.session.add(project)
    db.session.flush()
    source = current_setup(copy_of.id) if copy_of is not None else None
    setup = {k: v for k, v in (source.setup if source else {}).items() if k not in PROJECT_KEYS}
    version = ProjectSetup(project=project, version=1, setup={**setup, "name": name}, created_by=by)
    db.session.add(version)
    db.session.flush()
    record_audit(actor, "project.create",
                 f"{name}" + (f" (kopia av {copy_of.name}, version {source.version})" if source else ""),
                 project_id=project.id)
    return project


NAME_REQUIRED = N_("Skriv projektets namn (högst 200 tecken).")
NAME_TAKEN = N_("Det finns redan ett projekt som heter ”%(name)s”.")


# -- archive and purge -------------------------------------------------------------------
def archive_project(project: Project, actor=None) -> int:
    """Archives the project: read-only from now on (its open rounds close), still reported.
    Returns how many rounds were closed. Logged; flushes."""
    closed = 0
    open_rounds = select(Round).where(Round.project_id == project.id, Round.state == "open")
    for round_ in db.session.scalars(open_rounds):
        round_.close()
        closed += 1
    project.archived = True
    db.session.flush()
    record_audit(actor, "project.archive", f"{project.name} ({closed} mättillfällen stängda)",
                 project_id=project.id)
    return closed


@dataclass(frozen=True)
class ProjectPurge:
    rounds: int
    responses: int
    participants: int
    assessments: int
    themes: int
    setups: int


class ProjectNotArchived(ValueError):
    """Only an archived project is purged."""


def purge_counts_of(project: Project) -> ProjectPurge:
    from ..models import AnswerTheme, GoalAssessment

    counts = project_counts(project.id)

    def count(model) -> int:
        query = select(func.count()).select_from(model).where(model.project_id == project.id)
        return db.session.scalar(query) or 0

    return ProjectPurge(counts.rounds, counts.responses, counts.participants, count(GoalAssessment),
                        count(AnswerTheme), count(ProjectSetup))


def purgeable_from(project: Project, retention_days: int = 0) -> date | None:
    """The first day an archived project may be purged: the day after its period ended and the
    retention days passed; None for a project without an end date."""
    if project.ends_on is None:
        return None
    return project.ends_on + timedelta(days=retention_days + 1)


def purge_project(project: Project, actor=None) -> ProjectPurge:
    """Deletes an archived project with everything that belongs to it (answers, register,
    insatser, assessments, themes, set-ups, memberships); logged with the counts. Flushes."""
    from sqlalchemy import delete

    from ..models import Answer, AnswerTheme, GoalAssessment

    if not project.archived:
        raise ProjectNotArchived(f"{project.name} is not archived: archive it first")
    counts = purge_counts_of(project)
    rounds = select(Round.id).where(Round.project_id == project.id)
    responses = select(Response.id).where(Response.round_id.in_(rounds))
    db.session.execute(delete(Answer).where(Answer.response_id.in_(responses)).execution_options(
        synchronize_session=False))
    db.session.execute(delete(Response).where(Response.round_id.in_(rounds)).execution_options(
        synchronize_session=False))
    for model in (GoalAssessment, AnswerTheme, ParticipantCode, Round):
        for row in db.session.scalars(select(model).where(model.project_id == project.id)):
            db.session.delete(row)  # through the ORM, so their own children go with them
    db.session.flush()
    name = project.name
    db.session.delete(project)
    db.session.flush()
    # the project is gone: the event names it in its detail
    record_audit(actor, "project.purge", f"{name}: {counts.responses} svar, {counts.participants} deltagare, "
                 f"{counts.rounds} mättillfällen", project_id=None)
    return counts
