"""Questionnaire translations: how far each language is, and translators' links to review one
language of one questionnaire (or of every questionnaire). For projektledning and admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import db
from ...i18n import LANGUAGES, qtext
from ...models import Role, TranslationLink
from ...services.audit import record_audit
from ...services.questionnaires import current_versions, definition_of
from ...services.texts import LINK_DAYS, active_links, create_link, revoke_link, text_status
from ..access import roles_required
from ..links import public_url
from . import blueprint

MANAGERS = (Role.ADMIN, Role.PROJEKTLEDNING)
#: the longest a translator's link may work
MAX_DAYS = 90


def _questionnaires() -> dict:
    return {key: definition_of(v) for key, v in sorted(current_versions().items())}


def _languages() -> list[str]:
    return [code for code in LANGUAGES if code != "sv"]


def _page(status: int = 200, **values):
    found = _questionnaires()
    table = {key: {lang: text_status(q, lang) for lang in _languages()} for key, q in found.items()}
    return render_template("staff/translations.html", questionnaires=found, table=table,
                           titles={key: qtext(q.title, key) for key, q in found.items()},
                           languages=_languages(), links=active_links(), days=LINK_DAYS, max_days=MAX_DAYS,
                           **values), status


@blueprint.get("/oversattning")
@roles_required(*MANAGERS)
def translations():
    return _page()


@blueprint.post("/oversattning/lankar")
@roles_required(*MANAGERS)
def translation_link_new():
    """Makes a translator's link for one language of one questionnaire (or all), shown once."""
    found = _questionnaires()
    key = request.form.get("questionnaire", "")
    language = request.form.get("language", "")
    label = request.form.get("label", "").strip()
    errors = {}
    if key and key not in found:
        abort(404)
    if language not in _languages():
        errors["language"] = _("Välj ett språk.")
    if not label:
        errors["label"] = _("Skriv vem länken är till, till exempel översättarens namn.")
    elif len(label) > 200:
        errors["label"] = _("Högst 200 tecken.")
    try:
        days = int(request.form.get("days", LINK_DAYS))
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = _("Välj mellan 1 och %(max)s dagar.", max=MAX_DAYS)
    if errors:
        return _page(400, errors=errors, form=request.form)
    link, token = create_link(label, key or None, language, current_user, days=days,
                              may_record=request.form.get("may_record") == "1")
    record_audit(current_user, "translation.link", f"{key or '*'} {language}: {label}")
    db.session.commit()
    url = public_url() + url_for("translator.page", token=token)
    title = qtext(found[key].title, key) if key else _("alla enkäter")
    page = render_template("staff/translation_link.html", url=url, link=link, title=title)
    return page, 200, {"Cache-Control": "no-store"}


@blueprint.post("/oversattning/lankar/<int:link_id>/aterkalla")
@roles_required(*MANAGERS)
def translation_link_revoke(link_id: int):
    link = db.session.get(TranslationLink, link_id)
    if link is None:
        abort(404)
    revoke_link(link)
    record_audit(current_user, "translation.revoke", f"#{link.id} {link.questionnaire_key or '*'} "
                                                     f"{link.language}: {link.label}")
    db.session.commit()
    flash(_("Länken är återkallad och fungerar inte längre."))
    return redirect(url_for(".translations") + "#lankar")
