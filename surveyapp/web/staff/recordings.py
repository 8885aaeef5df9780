"""Read-aloud recordings: coverage per questionnaire and language, the recording page, and
interpreters' one-time links. For projektledning and admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...i18n import LANGUAGES, qtext
from ...models import Recording, RecordingLink, RecordingStatus, Role
from ...services.audit import record_audit
from ...services.questionnaires import current_versions, definition_of
from ...services.recordings import LINK_DAYS, active_links, coverage, create_link, find_audio, revoke_link
from ..access import roles_required
from ..interpreter.page import allow_audio_upload, handle_recording_post, render_recording_page
from ..links import public_url
from ..survey.media import CONTENT_HASH, audio_response
from . import blueprint

MANAGERS = (Role.ADMIN, Role.PROJEKTLEDNING)


def spoken_questionnaires() -> dict:
    """The questionnaires answered through links, where participants may hear the texts."""
    found = {key: definition_of(v) for key, v in sorted(current_versions().items())}
    return {key: q for key, q in found.items() if q.answered_through_links}


def _questionnaire(key: str, language: str):
    questionnaire = spoken_questionnaires().get(key)
    if questionnaire is None or language not in LANGUAGES:
        abort(404)
    return questionnaire


@blueprint.get("/inlasning")
@roles_required(*MANAGERS)
def recordings():
    found = spoken_questionnaires()
    table = {key: [coverage(q, lang) for lang in LANGUAGES] for key, q in found.items()}
    titles = {key: qtext(q.title) for key, q in found.items()}
    return render_template("staff/recordings.html", questionnaires=found, table=table, titles=titles,
                           days=LINK_DAYS, links=active_links())


@blueprint.get("/inlasning/<key>/<language>")
@roles_required(*MANAGERS)
def recording_page(key: str, language: str):
    questionnaire = _questionnaire(key, language)
    return render_recording_page(questionnaire, language,
                                 url_for(".recording_save", key=key, language=language),
                                 "recordings/staff.html", audio_url=_staff_audio_url)


def _staff_audio_url(recording: Recording) -> str:
    if recording.status == RecordingStatus.PUBLISHED:
        return url_for("survey.recording", content_hash=recording.content_hash)
    return url_for(".recording_audio", content_hash=recording.content_hash)


@blueprint.get("/inlasning/ljud/<content_hash>")
@roles_required(*MANAGERS)
def recording_audio(content_hash: str):
    """Any recording, drafts too, for hearing it on the recording page before publishing it."""
    found = find_audio(content_hash, published_only=False) if CONTENT_HASH.fullmatch(content_hash) else None
    return audio_response(found, public=False)


@blueprint.post("/inlasning/<key>/<language>")
@roles_required(*MANAGERS)
def recording_save(key: str, language: str):
    allow_audio_upload()
    questionnaire = _questionnaire(key, language)
    return handle_recording_post(questionnaire, language,
                                 url_for(".recording_page", key=key, language=language),
                                 account=current_user)


@blueprint.post("/inlasning/lankar")
@roles_required(*MANAGERS)
def recording_link_new():
    """Makes an interpreter's link for one questionnaire and language, shown once."""
    key, language = request.form.get("questionnaire", ""), request.form.get("language", "")
    questionnaire = _questionnaire(key, language)
    link, token = create_link(key, language, current_user)
    record_audit(current_user, "recording.link", f"{key} {language}")
    db.session.commit()
    url = public_url() + url_for("interpreter.page", token=token)
    page = render_template("staff/recording_link.html", url=url, questionnaire=questionnaire,
                           title=qtext(questionnaire.title), language=language, link=link)
    return page, 200, {"Cache-Control": "no-store"}


@blueprint.post("/inlasning/lankar/<int:link_id>/aterkalla")
@roles_required(*MANAGERS)
def recording_link_revoke(link_id: int):
    """The interpreter's link stops working; what was recorded through it stays as it is."""
    link = db.session.get(RecordingLink, link_id)
    if link is None:
        abort(404)
    revoke_link(link)
    record_audit(current_user, "recording.revoke", f"#{link.id} {link.questionnaire_key} {link.language}")
    db.session.commit()
    flash(_("Länken är återkallad och fungerar inte längre."))
    return redirect(url_for(".recordings") + "#lankar")


def coverage_text(item) -> str:
    """The round page's line for one language, e.g. "ti: 47 av 49 texter inlästa, 2 inaktuella"."""
    if item.stale:
        return _("%(language)s: %(recorded)s av %(total)s texter inlästa, %(stale)s inaktuella",
                 language=item.language, recorded=item.recorded, total=item.total, stale=item.stale)
    return _("%(language)s: %(recorded)s av %(total)s texter inlästa",
             language=item.language, recorded=item.recorded, total=item.total)
