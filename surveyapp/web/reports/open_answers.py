"""Open answers on the report page, and the themes projektledning tags them with (the
"Teman" page and the tag form under each answer). Every change goes to the audit log."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...analysis.open_answers import Listing
from ...extensions import db
from ...models import AnswerTheme, Role
from ...services.audit import record_audit
from ...services.open_answers import (
    ThemeError,
    create_theme,
    delete_theme,
    list_answers,
    open_answer,
    rename_theme,
    set_tags,
    tag_counts,
    text_questions,
    themes,
)
from ..access import check_project, current_scope, roles_required, visible_organisation_ids
from . import blueprint
from .selection import Selection, report_params

#: the query parameters of a question's list: its page and the theme it is limited to
PAGE_ARGUMENT = "svar_{question}"
THEME_ARGUMENT = "tema_{question}"


def _number(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 9 else None


def open_answer_lists(selection: Selection) -> list[Listing]:
    """The free-text questions' answers in the page's selection (the reader's kommuner only)."""
    params = report_params(selection)
    chosen = params.chosen_answers()
    threshold = current_app.config["SMALL_CELL_THRESHOLD"]
    listings = []
    for question in text_questions(selection.questionnaire):
        theme = _number(THEME_ARGUMENT.format(question=question))
        listings.append(list_answers(
            selection.questionnaire.key, question, chosen, threshold,
            page=_number(PAGE_ARGUMENT.format(question=question)) or 1, theme_id=theme))
    return listings


def answers_url(selection: Selection, question: str, page: int | None = None,
                theme: int | None = None) -> str:
    """The report page with the same selection, at a page of one question's answers."""
    args = selection.query()
    if theme is not None:
        args.append((THEME_ARGUMENT.format(question=question), str(theme)))
    if page is not None and page > 1:
        args.append((PAGE_ARGUMENT.format(question=question), str(page)))
    query = "?" + urlencode(args) if args else ""
    return url_for("reports.report_page", key=selection.questionnaire.key) + query + f"#svar-{question}"


def theme_filter(question: str) -> int | None:
    return _number(THEME_ARGUMENT.format(question=question))


def _back(default: str) -> str:
    """Where a form returns to: a report page named by the form, never another site."""
    return _back_page(request.form.get("next", "")) or default


@blueprint.post("/svar/<int:answer_id>/teman")
@roles_required(Role.PROJEKTLEDNING)
def tag_answer(answer_id: int):
    """Tags one open answer with the themes ticked (and no others)."""
    answer = open_answer(answer_id, visible_organisation_ids(), current_scope().project_id)
    if answer is None:
        abort(404)
    back = _back(url_for("reports.index"))
    chosen = {int(v) for v in request.form.getlist("tema") if v.isdigit() and len(v) < 9}
    added, removed = set_tags(answer, chosen)
    if added or removed:
        detail = f"svar {answer.id} ({answer.question_key})"
        if added:
            detail += ": + " + ", ".join(added)
        if removed:
            detail += ": − " + ", ".join(removed)
        record_audit(current_user, "answer.tag", detail)
    db.session.commit()
    flash(_("Svarets teman är sparade."))
    return redirect(back, 303)


@blueprint.get("/teman")
@roles_required(Role.PROJEKTLEDNING)
def theme_page():
    return render_template("reports/themes.html", themes=themes(current_scope().project_id),
                           counts=tag_counts(),
                           back=_back_page())


def _back_page(target: str | None = None) -> str | None:
    """The report page the Teman page was opened from (a link back to it), if any."""
    target = request.args.get("fran", "") if target is None else target
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/reports/") or "\\" in target:
        return None
    return target


def _theme_page() -> str:
    """The Teman page, still knowing the report page it was opened from."""
    return url_for("reports.theme_page", fran=_back_page(request.form.get("fran", "")))


def _theme(theme_id: int) -> AnswerTheme:
    theme = db.session.get(AnswerTheme, theme_id)
    if theme is None:
        abort(404)
    check_project(theme.project_id)
    return theme


def _refused(exc: ThemeError):
    db.session.rollback()
    flash(_(exc.message.msgid, **exc.message.params))
    return redirect(_theme_page(), 303)


@blueprint.post("/teman")
@roles_required(Role.PROJEKTLEDNING)
def add_theme():
    try:
        theme = create_theme(request.form.get("namn", ""), current_scope().project_id)
    except ThemeError as exc:
        return _refused(exc)
    record_audit(current_user, "theme.create", theme.name)
    db.session.commit()
    flash(_("Temat ”%(name)s” är skapat.", name=theme.name))
    return redirect(_theme_page(), 303)


@blueprint.post("/teman/<int:theme_id>/namn")
@roles_required(Role.PROJEKTLEDNING)
def rename(theme_id: int):
    theme = _theme(theme_id)
    try:
        before = rename_theme(theme, request.form.get("namn", ""))
    except ThemeError as exc:
        return _refused(exc)
    if before != theme.name:
        record_audit(current_user, "theme.rename", f"{before} → {theme.name}")
    db.session.commit()
    flash(_("Temat heter nu ”%(name)s”.", name=theme.name))
    return redirect(_theme_page(), 303)


@blueprint.post("/teman/<int:theme_id>/ta-bort")
@roles_required(Role.PROJEKTLEDNING)
def remove(theme_id: int):
    theme = _theme(theme_id)
    name = theme.name
    try:
        removed = delete_theme(theme, remove_tags=request.form.get("ta_bort_taggar") == "1")
    except ThemeError as exc:
        return _refused(exc)
    record_audit(current_user, "theme.delete", f"{name} ({removed} taggar)")
    db.session.commit()
    flash(_("Temat ”%(name)s” är borttaget.", name=name))
    return redirect(_theme_page(), 303)
