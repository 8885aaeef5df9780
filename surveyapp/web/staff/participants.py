"""Participant codes (samordnare): making and printing codes, a participant's own page with
the radar chart, and the progressionskort, avslut and uppföljning forms for a code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...i18n import LANGUAGES, available_languages
from ...models import ParticipantCode, Response, Role, Round
from ...services.audit import record_audit
from ...services.participant_codes import create_codes, find_code, ratings, record_exit
from ...services.questionnaires import current_version, definition_of
from ...services.register import background_questions, unregistered_codes
from ..access import check_organisation, check_project, current_scope, roles_required, visible_organisations
from ..links import public_url
from ..qr import qr_svg
from ..survey.answering import CHANGE_LANGUAGE, AnsweringContext, show_form, submit_form
from . import blueprint
from .forms import CodesForm, FindCodeForm, choices
from .radar import Series, radar_svg

#: the questionnaires filled in for a participant code, in the order of a participant's path
CODE_QUESTIONNAIRES = ("progressionskort", "personalskattning", "avslut", "uppfoljning_6man")
#: short axis labels of the radar chart
RADAR_LABELS = {
    "tror_klarar_arbete": _l("Klarar ett arbete"),
    "vet_hur_forbattra": _l("Vet hur"),
    "ide_om_arbete": _l("Idé om arbete"),
    "halsa_for_arbete": _l("Hälsa"),
    "hantera_vardag": _l("Vardagen"),
    "sociala_kompetenser": _l("Samarbete"),
    "soka_arbete": _l("Vill söka arbete"),
}


def visible_code(text: str) -> ParticipantCode:
    code = find_code(text)
    if code is None:
        abort(404)
    check_organisation(code.organisation_id)
    check_project(code.project_id)
    return code


@blueprint.route("/deltagare", methods=["GET", "POST"])
@roles_required(Role.SAMORDNARE)
def participants():
    organisations = visible_organisations()
    form = CodesForm()
    form.organisation.choices = choices([(o.id, o.name) for o in organisations])
    status = 200
    if form.validate_on_submit():
        organisation = next(o for o in organisations if o.id == form.organisation.data)
        created = create_codes(organisation, form.count.data, current_scope().project_id)
        record_audit(current_user, "codes.create", f"{organisation.name}: {len(created)}")
        db.session.commit()
        return redirect(url_for(".participant_cards", id=[c.id for c in created]))
    elif form.is_submitted():
        status = 400
    find = FindCodeForm(request.args)
    if "code" in request.args and not (find.code.data or "").strip():
        find.code.errors = [_("Skriv en deltagarkod, till exempel K7M4-X.")]
        status = 400
    elif find.code.data:
        code = find_code(find.code.data)
        if code is not None and code.organisation in organisations \
                and code.project_id == current_scope().project_id:
            return redirect(url_for(".participant", code=code.code))
        find.code.errors = [_("Koden %(code)s finns inte i din organisation.", code=find.code.data)]
        status = 404
    if request.method == "GET":
        audit_register_read(", ".join(o.name for o in organisations))
    return _render(organisations, form, find, None, status)


def audit_register_read(detail: str) -> None:
    """Notes in the audit log that the register was read on a page (committed now: the page
    itself stores nothing)."""
    record_audit(current_user, "register.read", detail)
    db.session.commit()


def insats_form():
    from .register import insats_form as make

    return make()


def participants_page(register, status: int):
    """The Deltagare page again, with the register form as it was sent."""
    organisations = visible_organisations()
    form = CodesForm(formdata=None)
    form.organisation.choices = choices([(o.id, o.name) for o in organisations])
    return _render(organisations, form, FindCodeForm(formdata=None), register, status)


def _render(organisations, form, find, register, status: int):
    from .register import register_form

    ids = [o.id for o in organisations]
    listing = code_listing(ids)
    codes = listing.codes
    counts = dict(db.session.execute(
        select(Response.participant_code, func.count())
        .join(Response.round)
        .where(Round.questionnaire_key == "progressionskort",
               Response.participant_code.in_([c.code for c in codes] or [""]))
        .group_by(Response.participant_code)
    ).all())
    unregistered = unregistered_codes(ids, current_scope().project_id)
    if register is None:
        complete = request.args.get("complete", "")
        register = register_form(organisations, code=complete if complete in dict(unregistered) else "")
        if register.code.data:
            org = next((o for o in organisations if o.name == dict(unregistered)[register.code.data]), None)
            register.organisation.data = org.id if org else None
    return render_template("staff/participants.html", form=form, find=find, codes=codes, listing=listing,
                           counts=counts, register=register, unregistered=unregistered), status


#: codes shown per page of the Deltagare list
CODES_PER_PAGE = 50


@dataclass(frozen=True)
class CodeListing:
    """One page of the participant codes, newest first, of those whose code contains ``search``."""

    codes: list[ParticipantCode]
    search: str
    page: int
    pages: int
    total: int
    first: int
    last: int


def code_listing(organisation_ids: list[int]) -> CodeListing:
    """The page (``?sida=``) of codes the search (``?sok=``) finds in the user's organisations."""
    search = (request.args.get("sok") or "").strip()[:40]
    query = select(ParticipantCode).where(ParticipantCode.organisation_id.in_(organisation_ids or [-1]),
                                          ParticipantCode.project_id == current_scope().project_id)
    if search:
        query = query.where(func.upper(ParticipantCode.code).contains(search.upper(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // CODES_PER_PAGE))
    page = min(max(1, request.args.get("sida", 1, type=int) or 1), pages)
    codes = db.session.scalars(
        query.order_by(ParticipantCode.created_at.desc(), ParticipantCode.id.desc())
        .limit(CODES_PER_PAGE).offset((page - 1) * CODES_PER_PAGE)
    ).all()
    first = (page - 1) * CODES_PER_PAGE + 1 if codes else 0
    return CodeListing(list(codes), search, page, pages, total, first, first + len(codes) - 1 if codes else 0)


@blueprint.get("/deltagare/kort")
@roles_required(Role.SAMORDNARE)
def participant_cards():
    """Printable cards: the code and a QR code that opens the progressionskort for it."""
    ids = request.args.getlist("id", type=int)
    codes = [db.session.get(ParticipantCode, i) for i in ids[:100]]
    codes = [c for c in codes if c is not None]
    for code in codes:
        check_organisation(code.organisation_id)
        check_project(code.project_id)
    base = public_url()
    cards = [
        (code, qr_svg(base + url_for(".participant_form", code=code.code, key="progressionskort"), 3,
                      _("QR-kod till progressionskortet")))
        for code in codes
    ]
    return render_template("staff/participant_cards.html", cards=cards)


@blueprint.get("/deltagare/<code>")
@roles_required(Role.SAMORDNARE)
def participant(code: str):
    participant_code = visible_code(code)
    audit_register_read(f"{participant_code.organisation.name}: {participant_code.code}")
    version = current_version("progressionskort")
    questionnaire = definition_of(version) if version else None
    found = ratings(participant_code)
    items = [q for q in questionnaire.questions if q.type == "scale"] if questionnaire else []
    chart = None
    if found:
        first, latest = found[0], found[-1]
        series = [Series(_("Första skattningen, %(date)s", date=format_date(first.submitted_at)),
                         [first.values.get(q.key) for q in items], "radar-first")]
        if len(found) > 1:
            series.append(Series(_("Senaste skattningen, %(date)s", date=format_date(latest.submitted_at)),
                                 [latest.values.get(q.key) for q in items], "radar-latest"))
        chart = radar_svg([str(RADAR_LABELS.get(q.key, q.key)) for q in items], series,
                          title=_("Skattningar för %(code)s", code=participant_code.code))
    band = questionnaire.question("timmar_aktivitet") if questionnaire and \
        "timmar_aktivitet" in questionnaire.keys else None
    exits = ratings(participant_code, "avslut")
    followups = ratings(participant_code, "uppfoljning_6man")
    return render_template(
        "staff/participant.html",
        code=participant_code,
        ratings=found,
        items=items,
        band=band,
        chart=chart,
        exits=exits,
        followups=followups,
        questionnaires={k: definition_of(current_version(k)) for k in CODE_QUESTIONNAIRES
                        if current_version(k)},
        background=background_questions(),
        insatser=sorted(participant_code.insatser, key=lambda i: (i.started_on, i.insats)),
        insats_form=insats_form(),
        insats_labels=_insats_labels(),
    )


def _open_round(key: str, organisation_id: int, project_id: int | None = None) -> Round | None:
    """The newest open round of a questionnaire in the project that covers the organisation."""
    today = date.today()
    query = select(Round).filter_by(questionnaire_key=key, state="open")
    if project_id is not None:
        query = query.filter_by(project_id=project_id)
    rounds = db.session.scalars(query.order_by(Round.created_at.desc()))
    return next((r for r in rounds if r.accepts_answers(today) and r.covers(organisation_id)), None)


def _code_context(participant_code: ParticipantCode, key: str, language: str):
    if key not in CODE_QUESTIONNAIRES:
        abort(404)
    if key == "uppfoljning_6man" and not participant_code.followup_consent:
        message = _("Uppföljningen efter sex månader görs bara för deltagare som vid avslut har "
                    "samtyckt till den. Fyll i avslutet för %(code)s först.", code=participant_code.code)
        abort(make_response(render_template("error.html", code=409, message=message), 409))
    version = current_version(key)
    if version is None:
        abort(404)
    round_ = _open_round(key, participant_code.organisation_id, participant_code.project_id)
    if round_ is None:
        message = _("Det finns inget öppet mättillfälle för %(title)s i %(org)s. "
                    "Be projektledningen öppna ett.",
                    title=definition_of(version).title, org=participant_code.organisation.name)
        abort(make_response(render_template("error.html", code=409, message=message), 409))
    questionnaire = definition_of(version)
    return AnsweringContext(
        round=round_,
        organisation=participant_code.organisation,
        version=version,
        questionnaire=questionnaire,
        action_url=url_for(".participant_form", code=participant_code.code, key=key, language=language),
        languages_url=url_for(".participant_form", code=participant_code.code, key=key),
        language=language,
        # the progressionskort is filled in with the samordnare; the others by the samordnare
        channel="assisted" if questionnaire.respondent.value == "participant" else "self",
        participant_code=participant_code.code,
        switch_url=lambda other: url_for(".participant_form", code=participant_code.code, key=key,
                                         language=other),
        page_url=lambda other: url_for(".participant_form", code=participant_code.code, key=key,
                                       language=other),
    )


@blueprint.route("/deltagare/<code>/<key>", methods=["GET"])
@blueprint.route("/deltagare/<code>/<key>/<language>", methods=["GET", "POST"])
@roles_required(Role.SAMORDNARE)
def participant_form(code: str, key: str, language: str | None = None):
    participant_code = visible_code(code)
    if language is None:
        if key != "progressionskort":
            return redirect(url_for(".participant_form", code=participant_code.code, key=key, language="sv"))
        ctx = _code_context(participant_code, key, "sv")
        return render_template(
            "survey/language.html",
            questionnaire=ctx.questionnaire,
            languages=available_languages(ctx.questionnaire),
            preferred="sv",
            language_url=lambda lang: url_for(".participant_form", code=participant_code.code, key=key,
                                              language=lang),
        )
    if language not in LANGUAGES:
        abort(404)
    g.language = language
    ctx = _code_context(participant_code, key, language)
    if request.method == "GET":
        return show_form(ctx)
    if CHANGE_LANGUAGE in request.form and language not in available_languages(ctx.questionnaire):
        return redirect(url_for(".participant_form", code=participant_code.code, key=key))

    def after(response) -> None:
        if response is not None and key == "avslut":
            record_exit(participant_code, response)

    page = submit_form(ctx, on_stored=after)
    if page is not None:
        return page
    flash(_("%(title)s för %(code)s är sparat.", title=ctx.questionnaire.title, code=participant_code.code))
    return redirect(url_for(".participant", code=participant_code.code))


def _insats_labels():
    from .register import INSATS_LABELS

    return INSATS_LABELS
