"""Keeping the stored questionnaire versions in step with the files in questionnaires/."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from sqlalchemy import select, update

from ..extensions import db
from ..models import QuestionnaireVersion
from ..questionnaire import Questionnaire, load_directory
from ..questionnaire.loader import build, content_hash


def sync_questionnaires(directory: str | Path) -> dict[str, QuestionnaireVersion]:
    """Stores a new version for every file whose content changed; returns the current ones.

    Every text of the current versions that has no translation yet gets the one the shipped
    catalogs hold (``translations/``), so what the catalogs translate is offered."""
    from flask import current_app

    from .texts import seed_from_catalogs

    current = {}
    for key, (_, definition) in load_directory(Path(directory)).items():
        digest = content_hash(definition)
        version = db.session.scalar(
            select(QuestionnaireVersion).filter_by(questionnaire_key=key, content_hash=digest)
        )
        db.session.execute(
            update(QuestionnaireVersion)
            .where(QuestionnaireVersion.questionnaire_key == key)
            .values(is_current=False)
        )
        if version is None:
            version = QuestionnaireVersion(
                questionnaire_key=key, content_hash=digest, definition=definition
            )
            db.session.add(version)
        version.is_current = True
        current[key] = version
    db.session.flush()
    seed_from_catalogs({key: definition_of(v) for key, v in current.items()},
                       current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    return current


def current_version(key: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion).filter_by(questionnaire_key=key, is_current=True)
    )


def current_versions() -> dict[str, QuestionnaireVersion]:
    rows = db.session.scalars(select(QuestionnaireVersion).filter_by(is_current=True))
    return {v.questionnaire_key: v for v in rows}


#: built questionnaires by (version id, key, content hash); a version's definition never changes
_built: dict[tuple[int, str, str], Questionnaire] = {}
_built_lock = threading.Lock()


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire of a stored version, built once per version and process."""
    cache_key = (version.id, version.questionnaire_key, version.content_hash)
    built = _built.get(cache_key)
    if built is None:
        source = f"{version.questionnaire_key} (version {version.id})"
        built = build(json.loads(json.dumps(version.definition)), source)
        with _built_lock:
            if len(_built) >= 256:
                _built.clear()
            _built[cache_key] = built
    return built
