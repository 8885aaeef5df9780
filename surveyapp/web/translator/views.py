"""``/oversattning/<token>``: a translator reviews one language of a questionnaire (or of every
questionnaire), without an account.

Each Swedish text stands beside its translation and its state (reviewed, not reviewed, changed
since it was translated); the translator corrects it and marks it reviewed. The link is made
by projektledning or an admin, for one language and a limited time, and can be revoked; only
its hash is stored. Saves are counted per link and address (``TRANSLATOR_POSTS_PER_HOUR``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...i18n import LANGUAGES, text_direction
from ...models import TranslationLink
from ...models._time import utcnow
from ...services.audit import record_audit
from ...services.questionnaires import current_versions, definition_of
from ...services.recordings import create_link as create_recording_link
from ...services.texts import GONE, STALE, TextError, find_link, save_translation, text_rows, text_status
from ..link_posts import LinkPosts
from . import blueprint


def _open(token: str):
    link = find_link(token)
    if link is None or link.language not in LANGUAGES or link.language == "sv":
        abort(404)
    found = {key: definition_of(v) for key, v in sorted(current_versions().items())}
    if link.questionnaire_key is not None:
        found = {k: q for k, q in found.items() if k == link.questionnaire_key}
    if not found:
        abort(404)
    return link, found


def _chosen(found: dict, key: str | None):
    if key is None:
        return next(iter(found.values()))
    if key not in found:
        abort(404)
    return found[key]


def actor(link: TranslationLink) -> str:
    """How the audit log names what the link did."""
    return f"översättarlänk #{link.id} ({link.label})"


#: saves through one link from one address in an hour (``TRANSLATOR_POSTS_PER_HOUR``)
POSTS = LinkPosts("translator_link", "TRANSLATOR_POSTS_PER_HOUR",
                  _l("Många ändringar har sparats härifrån på kort tid. Vänta en stund "
                     "och försök sedan igen."))


@blueprint.after_request
def _private(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@blueprint.get("/<token>")
def page(token: str):
    link, found = _open(token)
    return _render(link, token, found, _chosen(found, request.args.get("enkat")))


def _render(link: TranslationLink, token: str, found: dict, questionnaire, errors: dict | None = None,
            given: dict | None = None):
    """The page; ``errors`` and ``given``: a refused text's message and what was typed, by hash."""
    return render_template(
        "translations/translator.html", link=link, token=token, questionnaire=questionnaire,
        questionnaires=found, titles={key: q.title for key, q in found.items()},
        rows=text_rows(questionnaire, link.language), status=text_status(questionnaire, link.language),
        language=link.language, direction=text_direction(link.language), STALE=STALE,
        errors=errors or {}, given=given or {})


@blueprint.post("/<token>")
def save(token: str):
    link, found = _open(token)
    questionnaire = _chosen(found, request.form.get("enkat"))
    back = url_for(".page", token=token, enkat=questionnaire.key)
    digest = request.form.get("text", "")
    anchor = f"{back}#t-{digest[:12]}"
    POSTS.check(token)
    reviewed = request.form.get("action") == "review"
    try:
        saved = save_translation(questionnaire, link.language, digest, request.form.get("translation", ""),
                                 reviewed, link.label)
    except TextError as exc:
        db.session.rollback()
        if exc.msgid == GONE:  # a text of an older version: the page as it is now
            flash(_(exc.msgid))
            return redirect(back)
        # the page again, with the message beside the text and what was typed kept
        value = request.form.get("translation", "")
        return _render(link, token, found, questionnaire, errors={digest: _(exc.msgid, **exc.params)},
                       given={digest: value}), 400
    except IntegrityError:  # two people saved the same new text at once: the other one's is kept
        db.session.rollback()
        flash(_("Någon annan sparade samma text samtidigt. Ladda om sidan och försök igen."))
        return redirect(anchor)
    detail = f"{questionnaire.key} {link.language}: {saved.row.source[:60]}"
    if saved.changed and saved.was_reviewed:
        record_audit(actor(link), "translation.correct", detail)
    elif saved.changed:
        record_audit(actor(link), "translation.save", detail)
    if reviewed:
        record_audit(actor(link), "translation.review", detail)
    POSTS.count(token)
    db.session.commit()
    if reviewed:
        flash(_("Översättningen är sparad och markerad som granskad."))
    elif saved.changed:
        flash(_("Översättningen är sparad."))
    else:
        flash(_("Inget har ändrats."))
    return redirect(anchor)


@blueprint.post("/<token>/inlasning")
def record(token: str):
    """Goes on to recording the questionnaire in the link's language: an interpreter's link
    for it, working as long as this one, where the link may record."""
    link, found = _open(token)
    questionnaire = _chosen(found, request.form.get("enkat"))
    if not link.may_record or not questionnaire.answered_through_links:
        abort(404)
    POSTS.check(token)
    days = max(1, (link.expires_at - utcnow()).days or 1)
    recording_link, recording_token = create_recording_link(questionnaire.key, link.language, None, days=days)
    recording_link.expires_at = min(recording_link.expires_at, link.expires_at)
    record_audit(actor(link), "recording.link", f"{questionnaire.key} {link.language}")
    POSTS.count(token)
    db.session.commit()
    return redirect(url_for("interpreter.page", token=recording_token))
