"""``/tolk/<token>``: an interpreter records one questionnaire in one language, without an account.

The link is made by projektledning or an admin, works for a limited time unless revoked (a
revoked link answers as an expired one), and only its hash is stored (like invitations). Posts
are counted per link and address (``INTERPRETER_POSTS_PER_HOUR``).
"""

from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l

from ...extensions import db
from ...models import Recording, RecordingStatus
from ...services.questionnaires import current_version, definition_of
from ...services.recordings import find_audio, find_link
from ..link_posts import LinkPosts
from ..survey.media import CONTENT_HASH, audio_response
from . import blueprint
from .page import allow_audio_upload, handle_recording_post, interpreter_needs_approval, render_recording_page

#: posts (recordings, publishing, removing) through one link from one address in an hour
POSTS = LinkPosts("interpreter_link", "INTERPRETER_POSTS_PER_HOUR",
                  _l("Många inläsningar har skickats härifrån på kort tid. Vänta en stund "
                     "och försök sedan igen."))


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

    def audio_url(recording: Recording) -> str | None:
        if recording.status == RecordingStatus.PUBLISHED:
            return url_for("survey.recording", content_hash=recording.content_hash)
        if recording.link_id == link.id:
            return url_for(".audio", token=token, content_hash=recording.content_hash)
        return None  # another's draft is not heard through this link

    return render_recording_page(questionnaire, link.language, url_for(".save", token=token),
                                 "recordings/interpreter.html", audio_url=audio_url,
                                 approval=interpreter_needs_approval(), expires_at=link.expires_at)


@blueprint.get("/<token>/ljud/<content_hash>")
def audio(token: str, content_hash: str):
    """A draft this link made (or a published recording), heard on the link's page."""
    link, _questionnaire = _open(token)
    found = find_audio(content_hash, link=link) if CONTENT_HASH.fullmatch(content_hash) else None
    return audio_response(found, public=False)


@blueprint.post("/<token>")
def save(token: str):
    allow_audio_upload()
    link, questionnaire = _open(token)
    if POSTS.exceeded(token):
        if request.accept_mimetypes.best == "application/json":  # the page's recorder
            return jsonify(ok=False, message=str(POSTS.message)), 429
        raise POSTS.refusal()
    # every post counts, a refused upload too (it was sent all the same)
    POSTS.count(token)
    db.session.commit()
    return handle_recording_post(questionnaire, link.language, url_for(".page", token=token), link=link)
