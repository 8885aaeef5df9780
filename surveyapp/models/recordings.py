from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class RecordingStatus(enum.StrEnum):
    """A draft is heard on the recording page only (by staff, and by the interpreter's link that
    made it); a published recording plays for participants."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Recording(db.Model):
    """A recording that reads one text aloud in one language.

    The text's hash, not a file name, ties the audio to the text: when the text or its
    translation changes the hash no longer matches and the recording is stale (kept, not played).
    The audio itself is kept in the row, so a database backup holds it; it is served by its
    content hash. There is at most one draft and one published recording per text.
    """

    __tablename__ = "recordings"
    __table_args__ = (
        UniqueConstraint("language", "text_hash", "status"),
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 (hex) of the audio bytes: the address the audio is served at
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: the language spoken (a participant language code)
    language: Mapped[str] = mapped_column(String(5))
    #: sha256 (hex) of the text read, as the participant page shows it in that language
    text_hash: Mapped[str] = mapped_column(String(64))
    #: the text read, kept to show what a stale recording said
    text: Mapped[str] = mapped_column(db.Text)
    #: the questionnaire it was recorded for (the same text in another questionnaire plays it too)
    questionnaire_key: Mapped[str | None] = mapped_column(String(100))
    #: the content type found from the audio's own bytes
    mime_type: Mapped[str] = mapped_column(String(40))
    #: length in milliseconds, where the format tells it
    duration_ms: Mapped[int | None]
    #: size of the audio in bytes
    size_bytes: Mapped[int]
    #: the audio itself
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: draft or published
    status: Mapped[str] = mapped_column(String(10), default=RecordingStatus.DRAFT.value)
    #: when it was recorded or uploaded
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the staff account that made it, if made by staff
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    #: when the interpreter's link that made the draft asked for it to be published; it is
    #: published once projektledning approves it (``INTERPRETER_PUBLISH_NEEDS_APPROVAL``)
    approval_requested_at: Mapped[datetime | None]
    #: the interpreter link it was made through, if so
    link_id: Mapped[int | None] = mapped_column(ForeignKey("recording_links.id", ondelete="SET NULL"))


class RecordingLink(db.Model):
    """A link that lets an interpreter record one questionnaire in one language, without an
    account. Only the token's sha256 is stored; the link works until ``expires_at`` or until
    it is revoked."""

    __tablename__ = "recording_links"

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 (hex) of the link's random token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the questionnaire that may be recorded
    questionnaire_key: Mapped[str] = mapped_column(String(100))
    #: the language that may be recorded
    language: Mapped[str] = mapped_column(String(5))
    #: when the link was made, and by whom
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    #: the link stops working after this moment (UTC)
    expires_at: Mapped[datetime]
    #: when staff revoked the link (it no longer works; what was recorded through it stays)
    revoked_at: Mapped[datetime | None]
