"""Loading the demo project (:mod:`surveyapp.demo`) through the same paths as the imports, so
its figures are those a project importing these files would get. Safe to repeat: answers carry
response ids, register codes are updated, insatser are matched on their first day."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from ..demo import demo_files, write_demo_files
from ..extensions import db
from ..models import ParticipantCode, ParticipantInsats, Response, Round
from .imports import import_file
from .insatser import import_insatser
from .questionnaires import current_version
from .register import import_register, sync_exits


@dataclass(frozen=True)
class DemoSummary:
    """What the database holds after loading: participants, of whom ended, answers per
    questionnaire and insatser."""

    participants: int
    ended: int
    answers: dict[str, int]
    insatser: int


def load_demo(project_id: int | None = None) -> DemoSummary:
    """Imports every demo file (but the answers of questionnaires not loaded) into the project
    (None: the only one); raises :class:`~.imports.ImportFailed` if one is refused. Flushes;
    the caller commits."""
    files = demo_files()
    _load(files, project_id)
    return demo_summary([f.kind for f in files if f.round], project_id)


def _load(files, project_id: int | None) -> None:
    with tempfile.TemporaryDirectory(prefix="surveyapp-demo-") as directory:
        paths = dict(zip((f.name for f in files), write_demo_files(Path(directory), files), strict=True))
        for demo_file in files:
            path = paths[demo_file.name]
            if demo_file.kind == "register":
                import_register(path, project_id=project_id)
            elif demo_file.kind == "insatser":
                import_insatser(path, project_id=project_id)
            elif current_version(demo_file.kind) is not None:  # a questionnaire folder may lack one
                import_file(demo_file.kind, path, demo_file.round, project_id)
                if demo_file.kind == "avslut":
                    sync_exits(project_id)  # the register takes the avslut day and the consent to follow-up


def second_project():
    """The demo's second project over two of the same kommuner (so the projects can be
    compared), with its set-up. Flushes; the caller commits."""
    from ..demo import SECOND_PROJECT
    from .projects import import_setup
    from .questionnaires import current_versions, definition_of

    known = {key: definition_of(v) for key, v in current_versions().items()}
    project, _version, _created = import_setup(SECOND_PROJECT, "demo", known, source="demo")
    return project


def load_second_project(project) -> None:
    """The second project's register and answers. Flushes; the caller commits."""
    from ..demo import second_project_files

    _load(second_project_files(), project.id)


def demo_summary(questionnaires: list[str], project_id: int | None = None) -> DemoSummary:
    """What one project holds (None: every project)."""
    rounds = [Round.project_id == project_id] if project_id is not None else []
    codes = [ParticipantCode.project_id == project_id] if project_id is not None else []
    answers = dict(db.session.execute(
        select(Round.questionnaire_key, func.count(Response.id))
        .join(Response, Response.round_id == Round.id)
        .where(Round.questionnaire_key.in_(questionnaires), *rounds)
        .group_by(Round.questionnaire_key)
    ).all())
    return DemoSummary(
        participants=db.session.scalar(select(func.count()).select_from(ParticipantCode).where(*codes)),
        ended=db.session.scalar(select(func.count()).select_from(ParticipantCode)
                                .where(ParticipantCode.exited_on.is_not(None), *codes)),
        answers={key: answers.get(key, 0) for key in dict.fromkeys(questionnaires)},
        insatser=db.session.scalar(select(func.count()).select_from(ParticipantInsats).join(
            ParticipantCode, ParticipantCode.id == ParticipantInsats.participant_code_id).where(*codes)),
    )
