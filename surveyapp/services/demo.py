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


def load_demo() -> DemoSummary:
    """Imports every demo file (but the answers of questionnaires not loaded); raises
    :class:`~.imports.ImportFailed` if one is refused. Flushes; the caller commits."""
    files = demo_files()
    with tempfile.TemporaryDirectory(prefix="surveyapp-demo-") as directory:
        paths = dict(zip((f.name for f in files), write_demo_files(Path(directory), files), strict=True))
        for demo_file in files:
            path = paths[demo_file.name]
            if demo_file.kind == "register":
                import_register(path)
            elif demo_file.kind == "insatser":
                import_insatser(path)
            elif current_version(demo_file.kind) is not None:  # a questionnaire folder may lack one
                import_file(demo_file.kind, path, demo_file.round)
                if demo_file.kind == "avslut":
                    sync_exits()  # the register takes the avslut day and the consent to follow-up
    return demo_summary([f.kind for f in files if f.round])


def demo_summary(questionnaires: list[str]) -> DemoSummary:
    answers = dict(db.session.execute(
        select(Round.questionnaire_key, func.count(Response.id))
        .join(Response, Response.round_id == Round.id)
        .where(Round.questionnaire_key.in_(questionnaires))
        .group_by(Round.questionnaire_key)
    ).all())
    return DemoSummary(
        participants=db.session.scalar(select(func.count()).select_from(ParticipantCode)),
        ended=db.session.scalar(select(func.count()).select_from(ParticipantCode)
                                .where(ParticipantCode.exited_on.is_not(None))),
        answers={key: answers.get(key, 0) for key in dict.fromkeys(questionnaires)},
        insatser=db.session.scalar(select(func.count()).select_from(ParticipantInsats)),
    )
