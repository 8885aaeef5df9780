"""Pictures shipped with the questionnaires, and the read-aloud recordings.

``questionnaires/pictures/<file>`` holds option pictures (``picture:`` in a questionnaire
file), served with their content type and cache headers; names are looked up in a listing of
the folder, so no path leaves it. Recordings live in the database and are served by their
content hash from one view, found for a speaker button by (language, hash of its text).
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path

from flask import abort, current_app, send_file, send_from_directory, url_for
from flask_babel import get_locale

from ...i18n import LANGUAGES
from ...models import Recording
from ...questionnaire.loader import PICTURE_TYPES
from ...readaloud import spoken_intro, spoken_option, spoken_question, text_hash
from ...services.recordings import find_audio, published_audio
from . import blueprint

#: a day: pictures change with a questionnaire edit, rarely
MAX_AGE = 24 * 3600
#: a recording's address is its content's hash: it never changes
RECORDING_MAX_AGE = 365 * 24 * 3600
CONTENT_HASH = re.compile(r"[0-9a-f]{64}")

_listings: dict[Path, tuple[float, dict[str, str]]] = {}
_lock = threading.Lock()


def _folder(*parts: str) -> Path:
    return Path(current_app.config["QUESTIONNAIRE_DIR"]).joinpath(*parts)


def _listing(folder: Path, types: dict[str, str]) -> dict[str, str]:
    """``{stem: file name}`` of the servable files in ``folder``, re-read when the folder changes."""
    try:
        mtime = folder.stat().st_mtime
    except (FileNotFoundError, NotADirectoryError):
        return {}
    with _lock:
        cached = _listings.get(folder)
        if cached and cached[0] == mtime:
            return cached[1]
    files = {
        path.stem: path.name
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix.lower() in types and not path.name.startswith(".")
    }
    with _lock:
        _listings[folder] = (mtime, files)
    return files


def recording_url(text: str, language: str | None = None) -> str | None:
    """The published recording that reads ``text`` in ``language`` (else the page's), if any."""
    language = language or str(get_locale())
    if language not in LANGUAGES or not text:
        return None
    published = published_audio(language)
    if not published:  # most languages have no recordings: no text to hash
        return None
    content_hash = published.get(text_hash(text))
    return url_for("survey.recording", content_hash=content_hash) if content_hash else None


def media_state(language: str) -> tuple:
    """What the pictures and read-aloud buttons of a page in ``language`` are made from: the
    pictures folder's listing and the language's published recordings (a kept page is kept
    under it)."""
    folder = _folder("pictures")
    try:
        mtime = folder.stat().st_mtime
    except (FileNotFoundError, NotADirectoryError):
        mtime = None
    return mtime, frozenset(published_audio(language).items()) if language in LANGUAGES else None


def language_name_recordings(languages: list[str]) -> tuple:
    """The published recordings of each language's own name (a language picker's read-aloud
    buttons; a kept picker is kept under them)."""
    return tuple(published_audio(code).get(text_hash(LANGUAGES[code])) for code in languages
                 if code in LANGUAGES)


def picture_url(filename: str | None) -> str | None:
    if not filename or filename not in _listing(_folder("pictures"), PICTURE_TYPES).values():
        return None
    return url_for("survey.picture", filename=filename)


def _send(folder: Path, filename: str, types: dict[str, str]):
    if filename not in _listing(folder, types).values():
        abort(404)
    response = send_from_directory(
        folder, filename, mimetype=types[Path(filename).suffix.lower()], max_age=MAX_AGE, conditional=True
    )
    response.cache_control.public = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    # an SVG opened on its own runs no script and loads nothing
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@blueprint.get("/bilder/<filename>")
def picture(filename: str):
    return _send(_folder("pictures"), filename, PICTURE_TYPES)


@blueprint.get("/ljud/<content_hash>")
def recording(content_hash: str):
    """A published recording by its content hash (drafts are heard on the recording page only)."""
    found = find_audio(content_hash) if CONTENT_HASH.fullmatch(content_hash) else None
    return audio_response(found, public=True)


def audio_response(found: Recording | None, public: bool):
    """A recording's audio, with the type found from its bytes; nothing in it runs. Published
    audio is kept by every cache (its address never changes); a draft by none."""
    if found is None:
        abort(404)
    response = send_file(io.BytesIO(found.data), mimetype=found.mime_type, etag=found.content_hash,
                         conditional=True, max_age=RECORDING_MAX_AGE if public else None)
    if public:
        response.cache_control.public = True
        response.cache_control.immutable = True
    else:
        response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@blueprint.app_context_processor
def _media_helpers() -> dict:
    """Every page (kiosk and invitation pages too) can show pictures and read-aloud buttons."""
    return {"recording_url": recording_url, "picture_url": picture_url, "spoken_intro": spoken_intro,
            "spoken_question": spoken_question, "spoken_option": spoken_option}


def is_media(endpoint: str | None) -> bool:
    return endpoint in ("survey.picture", "survey.recording")
