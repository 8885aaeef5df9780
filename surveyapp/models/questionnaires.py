from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..questionnaire import Questionnaire
from ..questionnaire.loader import build
from ._time import utcnow


class QuestionnaireVersion(db.Model):
    """One stored definition of a questionnaire, identified by its content hash.

    Every response points at the version it answered, so editing a questionnaire file
    never changes the meaning of answers already given.
    """

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_key", "content_hash"),)

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the questionnaire's key, e.g. "avslutningsenkat"
    questionnaire_key: Mapped[str] = mapped_column(String(100), index=True)
    #: sha256 of the canonical JSON of ``definition``
    content_hash: Mapped[str] = mapped_column(String(64))
    #: the resolved definition (includes spliced in), as loaded from the file
    definition: Mapped[dict] = mapped_column(JSON)
    #: True for the version new answers use (the one the file holds now)
    is_current: Mapped[bool] = mapped_column(default=True)
    #: when this version was first loaded
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def questionnaire(self) -> Questionnaire:
        return build(self.definition, f"{self.questionnaire_key} (version {self.id})")
