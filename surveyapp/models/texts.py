from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class QuestionnaireText(db.Model):
    """One Swedish text of a questionnaire in one language: its translation and review.

    The Swedish text's hash ties the row to the text in every version that has it, as a
    recording is tied to the text it reads: when a new version changes the Swedish words the
    hash no longer matches, the old row is kept (its translation stale) and the new text has
    no translation until one is saved for it.
    """

    __tablename__ = "questionnaire_texts"
    __table_args__ = (UniqueConstraint("questionnaire_key", "language", "source_hash"),)

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the questionnaire the text belongs to, e.g. "avslutningsenkat"
    questionnaire_key: Mapped[str] = mapped_column(String(100), index=True)
    #: the language of the translation (a participant language code)
    language: Mapped[str] = mapped_column(String(5))
    #: sha256 (hex) of the Swedish text (Unicode NFC, outer spaces dropped)
    source_hash: Mapped[str] = mapped_column(String(64))
    #: the Swedish text itself, to show what was translated
    source: Mapped[str] = mapped_column(db.Text)
    #: the translation
    translation: Mapped[str] = mapped_column(db.Text)
    #: when the translation was last saved, and by whom (a staff e-mail, a translator link's
    #: label, "katalog" for the shipped catalogs, or the XLSForm file it came from)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(254), default="")
    #: when a native speaker marked this translation of this Swedish text reviewed, and who;
    #: a later change of the translation clears it
    reviewed_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(254))


class TranslationLink(db.Model):
    """A link that lets a translator review one language of one questionnaire (or of all),
    without an account. Only the token's sha256 is stored; the link works until
    ``expires_at`` or until it is revoked."""

    __tablename__ = "translation_links"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 (hex) of the link's random token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: who the link was given to, as staff wrote it; the audit log names changes by it
    label: Mapped[str] = mapped_column(String(200))
    #: the questionnaire that may be reviewed (None: every questionnaire)
    questionnaire_key: Mapped[str | None] = mapped_column(String(100))
    #: the language that may be reviewed
    language: Mapped[str] = mapped_column(String(5))
    #: when the link was made, and by whom
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    #: the link stops working after this moment (UTC)
    expires_at: Mapped[datetime]
    #: when staff revoked the link (it no longer works)
    revoked_at: Mapped[datetime | None]
    #: the translator may go on to record the reviewed texts (an interpreter's link is made
    #: for the questionnaire and language when asked for, working as long as this one)
    may_record: Mapped[bool] = mapped_column(default=False)


class TextGeneration(db.Model):
    """One counter, raised in the same transaction as any change to ``questionnaire_texts``:
    every process keeps the translations it read under it and reads them again when it moves."""

    __tablename__ = "text_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
