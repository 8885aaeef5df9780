"""Read-aloud recordings: stored, published, found by (language, text hash), counted, moved.

Recordings are rows in the database (audio included), so a database backup holds them.
Services flush; the request or command commits.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..audio import EXTENSIONS, duration_ms, sniff_audio
from ..extensions import db
from ..models import Account, Recording, RecordingLink, RecordingStatus
from ..models._time import utcnow
from ..questionnaire import Questionnaire
from ..questionnaire.messages import N_
from ..readaloud import SpokenText, spoken_texts
from .share_links import find_working, revoke, token_digest, working_links

#: how long an interpreter's link works
LINK_DAYS = 7
EMPTY = N_("Filen är tom.")
TOO_BIG = N_("Ljudet är för stort (högst %(mb)s MB).")
NOT_AUDIO = N_("Filen är inget ljud i ett format som går att spela upp (mp3, m4a, ogg, webm eller wav).")
TOO_LONG = N_("Inläsningen är för lång (högst %(seconds)s sekunder).")


class RecordingError(Exception):
    """An upload that cannot be stored; ``msgid`` and ``params`` word it for the user."""

    def __init__(self, msgid: str, **params) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


def check_audio(data: bytes) -> tuple[str, int | None]:
    """The content type and length of uploaded audio, or :class:`RecordingError`."""
    max_bytes = current_app.config["AUDIO_MAX_BYTES"]
    if not data:
        raise RecordingError(EMPTY)
    if len(data) > max_bytes:
        raise RecordingError(TOO_BIG, mb=round(max_bytes / 1_000_000, 1))
    mime_type = sniff_audio(data)
    if mime_type is None:
        raise RecordingError(NOT_AUDIO)
    length = duration_ms(data, mime_type)
    max_seconds = current_app.config["AUDIO_MAX_SECONDS"]
    if length is not None and length > max_seconds * 1000:
        raise RecordingError(TOO_LONG, seconds=max_seconds)
    return mime_type, length


def store_recording(data: bytes, language: str, text: SpokenText, questionnaire_key: str | None,
                    account: Account | None = None, link: RecordingLink | None = None) -> Recording:
    """Stores ``data`` as the draft for ``text``, in place of an earlier draft."""
    mime_type, length = check_audio(data)
    old = _find(language, text.hash, RecordingStatus.DRAFT)
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    recording = Recording(
        content_hash=hashlib.sha256(data).hexdigest(), language=language, text_hash=text.hash,
        text=text.text, questionnaire_key=questionnaire_key, mime_type=mime_type,
        duration_ms=length, size_bytes=len(data), data=data, status=RecordingStatus.DRAFT.value,
        created_by_id=account.id if account else None, link_id=link.id if link else None,
    )
    db.session.add(recording)
    db.session.flush()
    return recording


def _find(language: str, text_hash: str, status: RecordingStatus) -> Recording | None:
    return db.session.scalar(select(Recording).filter_by(
        language=language, text_hash=text_hash, status=status.value))


def publish(language: str, text_hash: str) -> Recording | None:
    """Makes the draft of a text the recording participants hear; None when there is no draft."""
    draft = _find(language, text_hash, RecordingStatus.DRAFT)
    if draft is None:
        return None
    old = _find(language, text_hash, RecordingStatus.PUBLISHED)
    if old is not None:
        db.session.delete(old)
        db.session.flush()
    draft.status = RecordingStatus.PUBLISHED.value
    draft.approval_requested_at = None
    db.session.flush()
    return draft


def request_approval(language: str, text_hash: str) -> Recording | None:
    """Marks the draft of a text as waiting for projektledning's approval (an interpreter's
    link asked for it to be published); None when there is no draft."""
    draft = _find(language, text_hash, RecordingStatus.DRAFT)
    if draft is None:
        return None
    if draft.approval_requested_at is None:
        draft.approval_requested_at = utcnow()
        db.session.flush()
    return draft


def discard(language: str, text_hash: str, status: RecordingStatus) -> bool:
    found = _find(language, text_hash, status)
    if found is not None:
        db.session.delete(found)
        db.session.flush()
    return found is not None


def recordings_of(language: str) -> dict[tuple[str, str], Recording]:
    """``{(text_hash, status): recording}`` of a language (the audio itself is not loaded)."""
    rows = db.session.scalars(select(Recording).filter_by(language=language))
    return {(r.text_hash, r.status): r for r in rows}


#: how long a server process keeps the published recordings it read: a recording published or
#: withdrawn through another process reaches this one's pages within this time, through this
#: process at once
PUBLISHED_SECONDS = 5.0
_PUBLISHED = "surveyapp.published_recordings"


def published_audio(language: str) -> dict[str, str]:
    """``{text_hash: content_hash}`` of the published recordings of a language.

    Every answer page asks for them (its read-aloud buttons), so every language's are read in
    one query and kept per app and process for :data:`PUBLISHED_SECONDS`, and dropped as soon
    as this process changes a recording.
    """
    kept = current_app.extensions.get(_PUBLISHED)
    now = time.monotonic()
    if kept is None or now - kept[0] >= PUBLISHED_SECONDS:
        rows = db.session.execute(select(Recording.language, Recording.text_hash, Recording.content_hash)
                                  .filter_by(status=RecordingStatus.PUBLISHED.value))
        by_language: dict[str, dict[str, str]] = {}
        for lang, digest, content in rows:
            by_language.setdefault(lang, {})[digest] = content
        kept = current_app.extensions[_PUBLISHED] = (now, by_language)
    return kept[1].get(language, {})


def _note_recording_change(session: Session, *_args) -> None:
    if any(isinstance(obj, Recording) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info[_PUBLISHED] = True


def _note_recording_bulk_change(state) -> None:
    if not state.is_select and any(m.class_ is Recording for m in state.all_mappers):
        state.session.info[_PUBLISHED] = True


def _forget_published(session: Session) -> None:
    """A change of a recording is committed in this process: its pages read them anew."""
    if session.info.pop(_PUBLISHED, False) and has_app_context():
        current_app.extensions.pop(_PUBLISHED, None)


if not event.contains(Session, "after_commit", _forget_published):
    event.listen(Session, "before_flush", _note_recording_change)
    event.listen(Session, "do_orm_execute", _note_recording_bulk_change)
    event.listen(Session, "after_commit", _forget_published)


def find_audio(content_hash: str, published_only: bool = True,
               link: RecordingLink | None = None) -> Recording | None:
    """The recording with these audio bytes that the asker may hear: a published one (anyone),
    any (staff: ``published_only=False``), or a draft the interpreter's ``link`` made."""
    query = select(Recording).filter_by(content_hash=content_hash)
    if link is not None:
        query = query.where((Recording.status == RecordingStatus.PUBLISHED.value)
                            | (Recording.link_id == link.id))
    elif published_only:
        query = query.filter_by(status=RecordingStatus.PUBLISHED.value)
    return db.session.scalars(query.limit(1)).first()


@dataclass(frozen=True)
class Coverage:
    """How much of a questionnaire is recorded in one language."""

    language: str
    total: int
    recorded: int
    #: published recordings of the questionnaire whose text has changed since
    stale: int
    drafts: int
    stale_texts: tuple[str, ...] = field(default=())
    #: drafts an interpreter's link asked to publish, waiting for approval
    awaiting: int = 0


def coverage(questionnaire: Questionnaire, language: str) -> Coverage:
    texts = {t.hash for t in spoken_texts(questionnaire, language)}
    rows = list(db.session.execute(
        select(Recording.text_hash, Recording.status, Recording.questionnaire_key, Recording.text,
               Recording.approval_requested_at)
        .filter_by(language=language)
    ))
    published = {r.text_hash for r in rows if r.status == RecordingStatus.PUBLISHED.value}
    drafts = {r.text_hash for r in rows if r.status == RecordingStatus.DRAFT.value} & texts
    awaiting = {r.text_hash for r in rows if r.status == RecordingStatus.DRAFT.value
                and r.approval_requested_at is not None} & texts
    stale = sorted({r.text for r in rows if r.questionnaire_key == questionnaire.key
                    and r.status == RecordingStatus.PUBLISHED.value and r.text_hash not in texts})
    return Coverage(language, len(texts), len(texts & published), len(stale), len(drafts), tuple(stale),
                    len(awaiting))


def stale_recordings(questionnaire: Questionnaire, language: str) -> list[Recording]:
    """Published recordings made for ``questionnaire`` whose text is no longer shown."""
    texts = {t.hash for t in spoken_texts(questionnaire, language)}
    return [r for r in db.session.scalars(select(Recording).filter_by(
        language=language, questionnaire_key=questionnaire.key, status=RecordingStatus.PUBLISHED.value))
        if r.text_hash not in texts]


# ---- the interpreter's link ----

def create_link(questionnaire_key: str, language: str, account: Account | None,
                days: int = LINK_DAYS) -> tuple[RecordingLink, str]:
    """A link for recording one questionnaire in one language; the plain token is returned once."""
    token = secrets.token_urlsafe(16)
    now = utcnow()
    link = RecordingLink(token_hash=token_digest(token), questionnaire_key=questionnaire_key,
                         language=language, created_by_id=account.id if account else None, created_at=now,
                         expires_at=now + timedelta(days=days))
    db.session.add(link)
    db.session.flush()
    return link, token


def find_link(token: str) -> RecordingLink | None:
    """The link while it works (not expired, not revoked), else None."""
    return find_working(RecordingLink, token)


def revoke_link(link: RecordingLink) -> None:
    """The link stops working; the drafts recorded through it stay as they are."""
    revoke(link)


def active_links() -> list[RecordingLink]:
    return working_links(RecordingLink)


# ---- moving recordings between servers ----

MANIFEST = "recordings.json"


def export_recordings(directory: Path) -> int:
    """Writes every recording as ``<lang>/<content hash>.<ext>`` plus ``recordings.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for recording in db.session.scalars(select(Recording).order_by(Recording.language, Recording.id)):
        name = f"{recording.language}/{recording.content_hash}.{EXTENSIONS[recording.mime_type]}"
        (directory / recording.language).mkdir(exist_ok=True)
        (directory / name).write_bytes(recording.data)
        entries.append({
            "file": name, "language": recording.language, "text_hash": recording.text_hash,
            "text": recording.text, "questionnaire": recording.questionnaire_key,
            "status": recording.status, "created_at": recording.created_at.isoformat(timespec="seconds"),
        })
    (directory / MANIFEST).write_text(json.dumps({"recordings": entries}, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    return len(entries)


def import_recordings(directory: Path) -> int:
    """Reads an export: each recording replaces the one of the same text and status.

    Raises :class:`RecordingError` naming the first bad entry; the caller then stores nothing.
    """
    from ..i18n import LANGUAGES

    try:
        entries = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))["recordings"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RecordingError("%(file)s kan inte läsas: %(error)s", file=MANIFEST, error=exc) from exc
    count = 0
    for entry in entries:
        try:
            path = (directory / entry["file"]).resolve()
            if directory.resolve() not in path.parents:
                raise ValueError("outside the folder")
            data = path.read_bytes()
            language, status = entry["language"], RecordingStatus(entry["status"])
            if language not in LANGUAGES:
                raise ValueError(f"unknown language {language}")
            text = SpokenText(entry["text"], entry["text"], ())
            if text.hash != entry["text_hash"]:
                raise ValueError("text_hash does not match the text")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RecordingError("%(file)s: %(error)s", file=entry.get("file", "?"), error=exc) from exc
        try:
            recording = store_recording(data, language, text, entry.get("questionnaire"))
        except RecordingError as exc:
            raise RecordingError("%(file)s: %(error)s", file=entry["file"], error=str(exc)) from exc
        if entry.get("created_at"):
            recording.created_at = datetime.fromisoformat(entry["created_at"])
        if status is RecordingStatus.PUBLISHED:
            publish(language, text.hash)
        count += 1
    return count
