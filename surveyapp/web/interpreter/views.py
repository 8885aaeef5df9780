"""``/tolk/<token>``: an interpreter records one questionnaire in one language, without an account.

The link is made by projektledning or an admin, works for a limited time, and only its hash
is stored (like invitations).
"""

from __future__ import annotations

from flask import abort, url_for

from ...services.questionnaires import current_version, definition_of
from ...services.recordings import find_link
from . import blueprint
from .page import allow_audio_upload, handle_recording_post, render_recording_page


def _open(token: str):
    link = find_link(token)
    version = current_version(link.questionnaire_key) if link else None
    if version is None:
        abort(404)
    return link, definition_of(version)


@blueprint.after_request
def _private(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@blueprint.get("/<token>")
def page(token: str):
    link, questionnaire = _open(token)
    return render_recording_page(questionnaire, link.language, url_for(".save", token=token),
                                 "recordings/interpreter.html", expires_at=link.expires_at)


@blueprint.post("/<token>")
def save(token: str):
    allow_audio_upload()
    link, questionnaire = _open(token)
    return handle_recording_post(questionnaire, link.language, url_for(".page", token=token), link=link)
