"""Rounds (mättillfällen): the list, one round's page, creating, editing, opening and closing."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...i18n import LANGUAGES, available_languages, language_gaps, qtext
from ...models import Organisation, Role, Round, RoundStateError, SurveyLink
from ...questionnaire import RespondentKind
from ...services.audit import record_audit
from ...services.questionnaires import current_versions, definition_of
from ...services.rates import response_rates
from ...services.recordings import coverage
from ...services.rounds import get_or_create_link
from ...services.staff_rounds import (
    RoundError,
    covered_organisations,
    expectation_map,
    save_round,
    set_expectations,
    visible_rounds,
)
from ...services.texts import LanguageGap
from ..access import check_project, current_scope, roles_required, visible_organisation_ids
from ..links import public_url
from . import blueprint
from .forms import InvitationForm, OpenLinkForm, RoundForm, choices
from .recordings import coverage_text

MANAGERS = (Role.ADMIN, Role.PROJEKTLEDNING)


def questionnaires() -> dict:
    return {key: definition_of(v) for key, v in sorted(current_versions().items())}


def visible_round(round_id: int) -> Round:
    """The round, if it covers an organisation the user may see; else 404."""
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        abort(404)
    check_project(round_.project_id)
    visible = visible_organisation_ids()
    if visible is not None and not any(round_.covers(org_id) for org_id in visible):
        abort(404)
    return round_


def round_organisations(round_: Round) -> list[Organisation]:
    """The round's organisations the user may see."""
    visible = visible_organisation_ids()
    return [o for o in covered_organisations(round_) if visible is None or o.id in visible]


@blueprint.get("/mattillfallen")
def rounds():
    return render_template(
        "staff/rounds.html",
        rounds=visible_rounds(visible_organisation_ids(), current_scope().project_id),
        questionnaires=questionnaires(),
        can_manage=current_user.role in MANAGERS,
    )


def _round_form(round_: Round | None) -> RoundForm:
    form = RoundForm(obj=round_ if request.method == "GET" else None)
    found = questionnaires()
    form.questionnaire.choices = choices([(key, qtext(q.title)) for key, q in found.items()])
    form.organisations.choices = choices([
        (o.id, o.name) for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ])
    key = round_.questionnaire_key if round_ else (form.questionnaire.data or next(iter(found), None))
    roles = found[key].roles if key in found else ()
    form.roles.choices = choices([(r.code, r.label) for r in roles])
    if round_ is not None:
        form.questionnaire.data = round_.questionnaire_key  # fixed once the round exists
    if round_ is not None and request.method == "GET":
        form.organisations.data = [o.id for o in round_.organisations]
        form.roles.data = round_.role_codes
    return form


def _save(round_: Round | None):
    form = _round_form(round_)
    status = 200
    if form.validate_on_submit():
        key = round_.questionnaire_key if round_ else form.questionnaire.data
        questionnaire = questionnaires().get(key)
        if questionnaire is None:
            abort(400)
        chosen = [db.session.get(Organisation, i) for i in form.organisations.data]
        try:
            saved = save_round(
                round_,
                questionnaire_key=key,
                name=form.name.data,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                organisations=[o for o in chosen if o is not None],
                roles=form.roles.data or [],
                allowed_roles=questionnaire.role_codes,
                project_id=current_scope().project_id,
            )
        except RoundError as exc:
            form[exc.field].errors = [*form[exc.field].errors, _(exc.msgid, **exc.params)]
            db.session.rollback()
            status = 400
        else:
            record_audit(current_user, "round.create" if round_ is None else "round.edit",
                         f"{saved.questionnaire_key}: {saved.name}")
            db.session.commit()
            flash(_("Mättillfället är sparat."))
            return redirect(url_for(".round_page", round_id=saved.id))
    elif form.is_submitted():
        status = 400
    return render_template("staff/round_form.html", form=form, round=round_,
                           questionnaires=questionnaires()), status


@blueprint.route("/mattillfallen/nytt", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def round_new():
    return _save(None)


@blueprint.route("/mattillfallen/<int:round_id>/andra", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def round_edit(round_id: int):
    return _save(visible_round(round_id))


@blueprint.post("/mattillfallen/<int:round_id>/status")
@roles_required(*MANAGERS)
def round_state(round_id: int):
    """Opens, closes or reopens a round."""
    round_ = visible_round(round_id)
    action = request.form.get("action")
    try:
        if action == "close":
            round_.close()
        elif action == "open":
            round_.open()
        else:
            abort(400)
    except RoundStateError:
        flash(_("Mättillfället har redan den statusen."))
        return redirect(url_for(".round_page", round_id=round_.id))
    record_audit(current_user, f"round.{action}", f"{round_.questionnaire_key}: {round_.name}",
                 project_id=round_.project_id)
    db.session.commit()
    flash(_("Mättillfället är öppnat.") if action == "open" else _("Mättillfället är stängt."))
    return redirect(url_for(".round_page", round_id=round_.id))


@blueprint.post("/mattillfallen/<int:round_id>/forvantat")
@roles_required(*MANAGERS)
def round_expectations(round_id: int):
    """Saves the expected number of respondents per organisation (and role)."""
    round_ = visible_round(round_id)
    values: dict[tuple[int, str], int | None] = {}
    bad = []
    # the same rows as the table on the round page
    for row in response_rates(round_).rows:
        role = row.role or ""
        raw = request.form.get(f"expected-{row.organisation_id}-{role}", "").strip()
        if not raw:
            values[(row.organisation_id, role)] = None
        elif raw.isdigit() and int(raw) <= 100000:
            values[(row.organisation_id, role)] = int(raw)
        else:
            bad.append(row.organisation)
    if bad:
        flash(_("Förväntat antal ska vara ett heltal, 0 eller mer (%(names)s). Inget sparades.",
                names=", ".join(dict.fromkeys(bad))))
        return redirect(url_for(".round_page", round_id=round_.id) + "#svarsfrekvens")
    set_expectations(round_, values)
    record_audit(current_user, "round.expected", f"{round_.questionnaire_key}: {round_.name}",
                 project_id=round_.project_id)
    db.session.commit()
    flash(_("Förväntat antal svarande är sparat."))
    return redirect(url_for(".round_page", round_id=round_.id) + "#svarsfrekvens")


def gap_reason(gap: LanguageGap) -> str:
    """Why a language is not offered, for the round page."""
    if gap.no_translation:
        return _("Det finns ingen översättning.")
    reasons = []
    if gap.untranslated:
        reasons.append(ngettext("%(num)d av %(total)d texter är inte översatt.",
                                "%(num)d av %(total)d texter är inte översatta.",
                                gap.untranslated, total=gap.total))
    if gap.stale:
        reasons.append(ngettext("%(num)d av %(total)d texter har ändrats sedan den översattes.",
                                "%(num)d av %(total)d texter har ändrats sedan de översattes.",
                                gap.stale, total=gap.total))
    return " ".join(reasons)


@blueprint.get("/mattillfallen/<int:round_id>")
def round_page(round_id: int):
    round_ = visible_round(round_id)
    questionnaire = definition_of(current_versions()[round_.questionnaire_key]) \
        if round_.questionnaire_key in current_versions() else None
    organisations = round_organisations(round_)
    org_ids = {o.id for o in organisations}
    links = [
        link for link in db.session.scalars(
            select(SurveyLink).filter_by(round_id=round_.id).order_by(SurveyLink.created_at)
        ) if link.organisation_id in org_ids
    ]
    roles = [(r.code, r.label) for r in questionnaire.roles] if questionnaire else []
    if round_.role_codes:
        roles = [(code, label) for code, label in roles if code in round_.role_codes]
    link_form = OpenLinkForm()
    link_form.organisation.choices = choices([(o.id, o.name) for o in organisations])
    link_form.role.choices = choices([("", _("Frågas i enkäten"))] + roles if roles else [("", "–")])
    invitation_form = InvitationForm()
    invitation_form.batch.data = secrets.token_hex(8)
    invitation_form.organisation.choices = link_form.organisation.choices
    invitation_form.role.choices = link_form.role.choices
    # forms about a participant are filled in by staff in Swedish: no languages to show
    languages, gaps, recorded = None, {}, []
    if questionnaire and questionnaire.answered_through_links:
        languages = available_languages(questionnaire)
        gaps = {lang: gap_reason(gap) for lang, gap in language_gaps(questionnaire).items()}
        recorded = [coverage_text(coverage(questionnaire, lang)) for lang in LANGUAGES]
    return render_template(
        "staff/round.html",
        round=round_,
        questionnaire=questionnaire,
        is_staff_questionnaire=bool(questionnaire and questionnaire.respondent is RespondentKind.STAFF),
        rates=response_rates(round_, visible_organisation_ids()),
        expected=expectation_map(round_),
        organisations=organisations,
        links=links,
        roles=dict(roles),
        link_form=link_form,
        invitation_form=invitation_form,
        can_manage=current_user.role in MANAGERS,
        public_url=public_url(),
        smtp=bool(current_app.config.get("SMTP_HOST")),
        languages=languages,
        language_gaps=gaps,
        recorded=recorded,
    )


@blueprint.post("/mattillfallen/<int:round_id>/lankar")
def round_link(round_id: int):
    """Creates (or shows again) the open link of an organisation and role."""
    round_ = visible_round(round_id)
    organisations = {o.id: o for o in round_organisations(round_)}
    try:
        organisation = organisations[int(request.form.get("organisation", ""))]
    except (KeyError, ValueError):
        abort(404)
    role = request.form.get("role") or None
    questionnaire = definition_of(current_versions()[round_.questionnaire_key])
    if not questionnaire.answered_through_links or (role and role not in questionnaire.role_codes):
        abort(400)
    get_or_create_link(round_, organisation, role)
    record_audit(current_user, "round.link", f"{round_.name}: {organisation.name} {role or ''}".strip(),
                 project_id=round_.project_id)
    db.session.commit()
    return redirect(url_for(".round_page", round_id=round_.id) + "#lankar")
