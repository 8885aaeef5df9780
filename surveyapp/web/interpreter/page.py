"""The recording page: every text a participant meets, its recording, and the actions on it.

Staff (``staff.recording_page``) and an interpreter's link (``interpreter.page``) show the same
page and post the same actions; only the access rule and the addresses differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, flash, jsonify, redirect, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...i18n import qtext, text_direction, use_questionnaire
from ...models import Account, Recording, RecordingLink, RecordingStatus
from ...questionnaire import Questionnaire
from ...readaloud import SpokenText, spoken_texts
from ...services.audit import record_audit
from ...services.recordings import (
    RecordingError,
    coverage,
    discard,
    publish,
    recordings_of,
    request_approval,
    stale_recordings,
    store_recording,
)


@dataclass(frozen=True)
class RecordingRow:
    text: SpokenText
    published: Recording | None
    draft: Recording | None


def recording_rows(questionnaire: Questionnaire, language: str) -> list[RecordingRow]:
    found = recordings_of(language)
    return [
        RecordingRow(text, found.get((text.hash, RecordingStatus.PUBLISHED.value)),
                     found.get((text.hash, RecordingStatus.DRAFT.value)))
        for text in spoken_texts(questionnaire, language)
    ]


def render_recording_page(questionnaire: Questionnaire, language: str, action_url: str,
                          template: str, audio_url: Callable[[Recording], str | None],
                          approval: bool = False, **context):
    """The page; ``audio_url`` gives the address a recording is heard at on it (None: not
    heard there), ``approval`` that publishing here asks projektledning to approve."""
    use_questionnaire(questionnaire.key)
    with force_locale(language):
        title = qtext(questionnaire.title)
    return render_template(
        template,
        audio_url=audio_url,
        approval=approval,
        questionnaire=questionnaire,
        title=title,
        language=language,
        direction=text_direction(language),
        rows=recording_rows(questionnaire, language),
        stale=stale_recordings(questionnaire, language),
        coverage=coverage(questionnaire, language),
        action_url=action_url,
        **context,
    )


def _answer(ok: bool, message: str, back: str):
    """JSON for the page's script (which then reloads), a redirect with a message otherwise."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=ok, message=message), 200 if ok else 400
    flash(message)
    return redirect(back)


def handle_recording_post(questionnaire: Questionnaire, language: str, back: str,
                          account: Account | None = None, link: RecordingLink | None = None):
    """Stores, publishes or discards the recording of one of the page's texts."""
    use_questionnaire(questionnaire.key)
    try:
        return _handle(questionnaire, language, back, account, link)
    except IntegrityError:
        # two people saved the same text at once: the other one's is kept
        db.session.rollback()
        return _answer(False, _("Någon annan sparade samma text samtidigt. Ladda om sidan och försök igen."),
                       back)


def _handle(questionnaire: Questionnaire, language: str, back: str, account: Account | None,
            link: RecordingLink | None):
    texts = {t.hash: t for t in spoken_texts(questionnaire, language)}
    actor = account if account is not None else f"tolklänk #{link.id if link else '?'}"
    action = request.form.get("action")
    target = request.form.get("text", "")
    anchor = f"{back}#t-{target[:12]}"
    if link is not None and interpreter_needs_approval() and action in ("discard_published", "discard_stale"):
        # what participants hear changes only with projektledning's approval, removals too
        return _answer(False, _("Bara projektledningen kan ta bort en publicerad inläsning."), back)
    if action == "discard_stale":
        stale = {r.text_hash: r for r in stale_recordings(questionnaire, language)}
        if target not in stale:
            return _answer(False, _("Inläsningen finns inte längre."), back)
        discard(language, target, RecordingStatus.PUBLISHED)
        db.session.commit()
        return _answer(True, _("Den inaktuella inläsningen är borttagen."), back)
    text = texts.get(target)
    if text is None:
        return _answer(False, _("Texten finns inte längre i enkäten. Ladda om sidan."), back)
    who = f"{questionnaire.key} {language}: {text.text[:60]}"
    if action == "upload":
        upload = request.files.get("audio")
        data = upload.read() if upload else b""
        try:
            store_recording(data, language, text, questionnaire.key, account=account, link=link)
        except RecordingError as exc:
            db.session.rollback()
            return _answer(False, _(exc.msgid, **exc.params), anchor)
        record_audit(actor, "recording.upload", who)
        db.session.commit()
        return _answer(True, _("Inläsningen är sparad som utkast. Lyssna och publicera den."), anchor)
    if action == "publish":
        if link is not None and interpreter_needs_approval():
            if request_approval(language, text.hash) is None:
                return _answer(False, _("Det finns inget utkast att publicera."), anchor)
            record_audit(actor, "recording.request", who)
            db.session.commit()
            return _answer(True, _("Inläsningen väntar nu på att projektledningen godkänner den. "
                                   "Den spelas för deltagarna först då."), anchor)
        requested = recordings_of(language).get((text.hash, RecordingStatus.DRAFT.value))
        approving = account is not None and requested is not None \
            and requested.approval_requested_at is not None
        if publish(language, text.hash) is None:
            return _answer(False, _("Det finns inget utkast att publicera."), anchor)
        record_audit(actor, "recording.approve" if approving else "recording.publish", who)
        db.session.commit()
        return _answer(True, _("Inläsningen är publicerad och spelas för deltagarna."), anchor)
    if action in ("discard_draft", "discard_published"):
        status = RecordingStatus.DRAFT if action == "discard_draft" else RecordingStatus.PUBLISHED
        discard(language, text.hash, status)
        record_audit(actor, f"recording.{action}", who)
        db.session.commit()
        return _answer(True, _("Inläsningen är borttagen."), anchor)
    return _answer(False, _("Okänd åtgärd."), back)


def interpreter_needs_approval() -> bool:
    """Whether an interpreter's link asks for approval instead of publishing
    (``INTERPRETER_PUBLISH_NEEDS_APPROVAL``, on unless switched off)."""
    return bool(current_app.config.get("INTERPRETER_PUBLISH_NEEDS_APPROVAL", True))


def allow_audio_upload() -> None:
    """Uploads on the recording page may be larger than an answer (``AUDIO_MAX_BYTES``)."""
    from flask import current_app

    request.max_content_length = current_app.config["AUDIO_MAX_BYTES"] + 64 * 1024
    request.max_form_memory_size = 64 * 1024
