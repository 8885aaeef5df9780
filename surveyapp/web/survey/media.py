"""Pictures and recorded read-aloud audio shipped with the questionnaires.

``questionnaires/pictures/<file>`` holds option pictures (``picture:`` in a questionnaire
file); ``questionnaires/audio/<lang>/<name>.<ext>`` holds recordings: ``<question-key>`` reads
a question, ``<question-key>.<option-code>`` one of its options (see
``questionnaires/audio/README.md``). Both are served from here with their content type and
cache headers; names are looked up in a listing of the folder, so no path leaves it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import abort, current_app, send_from_directory, url_for
from flask_babel import get_locale

from ...i18n import LANGUAGES
from ...questionnaire.loader import PICTURE_TYPES
from . import blueprint

AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".wav": "audio/wav",
    ".webm": "audio/webm",
}
#: a day: recordings and pictures change with a questionnaire edit, rarely
MAX_AGE = 24 * 3600

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


def audio_url(name: str, language: str | None = None) -> str | None:
    """The recording that reads ``name`` aloud in ``language`` (else the page's), if one exists.

    ``name`` is a question key, ``KEY.CODE`` for an option, ``QUESTIONNAIRE._intro`` for a
    questionnaire's title and introduction, or ``_language`` for the language's own name on the first screen.
    """
    language = language or str(get_locale())
    if language not in LANGUAGES:
        return None
    filename = _listing(_folder("audio", language), AUDIO_TYPES).get(name)
    return url_for("survey.audio", language=language, filename=filename) if filename else None


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


@blueprint.get("/ljud/<language>/<filename>")
def audio(language: str, filename: str):
    if language not in LANGUAGES:
        abort(404)
    return _send(_folder("audio", language), filename, AUDIO_TYPES)


@blueprint.app_context_processor
def _media_helpers() -> dict:
    """Every page (kiosk and invitation pages too) can show pictures and read-aloud buttons."""
    return {"audio_url": audio_url, "picture_url": picture_url}


def is_media(endpoint: str | None) -> bool:
    return endpoint in ("survey.picture", "survey.audio")
