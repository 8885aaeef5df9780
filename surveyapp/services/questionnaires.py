"""Keeping the stored questionnaire versions in step with the files in questionnaires/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import select, update

from ..extensions import db
from ..models import QuestionnaireVersion
from ..questionnaire import Questionnaire, load_directory
from ..questionnaire.loader import build, content_hash


def sync_questionnaires(directory: str | Path) -> dict[str, QuestionnaireVersion]:
    """Stores a new version for every file whose content changed; returns the current ones."""
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
    return current


def current_version(key: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion).filter_by(questionnaire_key=key, is_current=True)
    )


def current_versions() -> dict[str, QuestionnaireVersion]:
    rows = db.session.scalars(select(QuestionnaireVersion).filter_by(is_current=True))
    return {v.questionnaire_key: v for v in rows}


@lru_cache(maxsize=256)
def _built(digest: str, key: str, version_id: int, definition_json: str) -> Questionnaire:
    import json

    return build(json.loads(definition_json), f"{key} (version {version_id})")


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire of a stored version, built once per version and process."""
    import json

    return _built(version.content_hash, version.questionnaire_key, version.id,
                  json.dumps(version.definition, sort_keys=True))
