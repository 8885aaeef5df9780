from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
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
    #: True for the version new answers use
    is_current: Mapped[bool] = mapped_column(default=True)
    #: when this version was first loaded
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: where it came from: "file" (questionnaires/, loaded by ``surveyapp init``) or "upload"
    #: (published on the Enkäter page); a published upload stays current until its file changes
    source: Mapped[str] = mapped_column(String(10), default="file", server_default="file")

    def questionnaire(self) -> Questionnaire:
        return build(self.definition, f"{self.questionnaire_key} (version {self.id})")


class QuestionnaireUpload(db.Model):
    """An XLSForm spreadsheet uploaded on the Enkäter page, kept between its preview and its
    publishing. Only the account that uploaded it may publish it; it is deleted when published
    and a day after its upload whatever happens."""

    __tablename__ = "questionnaire_uploads"

    #: random, unguessable; the only way to address the upload (in the preview's URL)
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the account that uploaded it
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: the file's name as uploaded, for messages
    filename: Mapped[str] = mapped_column(String(255))
    #: the spreadsheet itself (at most 2 MB)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    #: when it was uploaded (UTC)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
