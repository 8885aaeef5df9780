"""The participant register on the Deltagare pages: a samordnare registers a participant at
inskrivning (the code is made then, the card printed as before), edits the entry, and
completes codes that answers carry but the register lacks."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ...analysis.insatser import INSATSER
from ...extensions import db
from ...i18n import qtext
from ...models import Organisation, ParticipantCode, Role
from ...services.audit import record_audit
from ...services.insatser import add_insats, check_insats
from ...services.participant_codes import create_codes, find_code, normalise_code
from ...services.register import BACKGROUND, background_questions, check_entry, set_entry, unregistered_codes
from ..access import current_scope, roles_required, visible_organisations
from . import blueprint
from .forms import InsatsForm, RegisterForm, choices
from .participants import audit_register_read, visible_code


def register_form(organisations: list[Organisation], entry: ParticipantCode | None = None,
                  **kwargs) -> RegisterForm:
    """The form with its choices: the visible organisations and the background codes."""
    form = RegisterForm(prefix="register", **kwargs)
    form.organisation.choices = choices([(o.id, o.name) for o in organisations])
    for key, question in background_questions().items():
        getattr(form, key).choices = choices(
            [("", _("Välj"))] + [(o.code, qtext(o.label)) for o in question.options])
    if entry is not None and request.method == "GET":
        form.organisation.data = entry.organisation_id
        form.enrolled_on.data = entry.enrolled_on
        form.ended_on.data = entry.exited_on
        for key in BACKGROUND:
            getattr(form, key).data = getattr(entry, key)
    elif request.method == "GET" and form.enrolled_on.data is None:
        form.enrolled_on.data = date.today()
    return form


def _entry_errors(form: RegisterForm) -> bool:
    """Adds the register's own checks (dates, codes) to the form; True when something is wrong."""
    values = {"enrolled_on": form.enrolled_on.data, "ended_on": form.ended_on.data,
              **{k: getattr(form, k).data for k in BACKGROUND}}
    problems = check_entry(values, background_questions(), date.today())
    for column, message in problems.items():
        getattr(form, column).errors = [*getattr(form, column).errors, _(message.msgid, **message.params)]
    return bool(problems)


def _values(form: RegisterForm) -> dict:
    return {"enrolled_on": form.enrolled_on.data, "ended_on": form.ended_on.data,
            **{k: getattr(form, k).data for k in BACKGROUND}}


@blueprint.route("/deltagare/skriv-in", methods=["POST"])
@roles_required(Role.SAMORDNARE)
def register_participant():
    """Registers a participant: a new code (or a code answers already carry) and its entry."""
    organisations = visible_organisations()
    form = register_form(organisations)
    if not form.validate_on_submit() or _entry_errors(form):
        from .participants import participants_page

        return participants_page(register=form, status=400)
    organisation = next(o for o in organisations if o.id == form.organisation.data)
    existing = normalise_code(form.code.data or "")
    if existing:
        project_id = current_scope().project_id
        if existing not in {c for c, _ in unregistered_codes([o.id for o in organisations], project_id)}:
            abort(404)
        entry = ParticipantCode(code=existing, organisation=organisation, project_id=project_id)
        db.session.add(entry)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            abort(409)
    else:
        entry = create_codes(organisation, 1, current_scope().project_id)[0]
    set_entry(entry, _values(form))
    record_audit(current_user, "register.add", f"{organisation.name}: {entry.code}")
    db.session.commit()
    flash(_("%(code)s är inskriven.", code=entry.code))
    if existing:
        return redirect(url_for(".participant", code=entry.code))
    return redirect(url_for(".participant_cards", id=entry.id))


@blueprint.route("/deltagare/<code>/register", methods=["GET", "POST"])
@roles_required(Role.SAMORDNARE)
def edit_register(code: str):
    """Edits a participant's register entry (the organisation stays)."""
    entry = visible_code(code)
    form = register_form([entry.organisation], entry)
    status = 200
    if request.method == "POST":
        form.organisation.data = entry.organisation_id
        if form.validate_on_submit() and not _entry_errors(form):
            set_entry(entry, _values(form))
            if entry.exited_on is None:
                entry.followup_consent = None
            record_audit(current_user, "register.edit", f"{entry.organisation.name}: {entry.code}")
            db.session.commit()
            flash(_("Registeruppgifterna för %(code)s är sparade.", code=entry.code))
            return redirect(url_for(".participant", code=entry.code))
        status = 400
    else:
        audit_register_read(f"{entry.organisation.name}: {entry.code}")
    return render_template("staff/register_edit.html", code=entry, form=form), status


#: how the insatser are named on the pages (the samverkan matrix's rows, and job-oriented ones)
INSATS_LABELS = {
    "hantering_vardag": _l("Hantering av vardagen"),
    "samarbetsformaga": _l("Samarbetsförmåga"),
    "halsa": _l("Hälsa"),
    "hantering_halsa": _l("Hantering av hälsa"),
    "tro_pa_jobb": _l("Tro på att få ett jobb"),
    "kunskap_arbetsmarknad": _l("Kunskap om arbetsmarknaden"),
    "sociala_kompetenser": _l("Sociala och personliga kompetenser"),
    "yrkeskompetenser": _l("Yrkeskompetenser"),
    "jobbsokning": _l("Jobbsökning"),
    "social_mentor": _l("Social mentor/kontaktperson"),
    "jobbinriktade": _l("Jobbinriktade insatser"),
}


def insats_form(**kwargs) -> InsatsForm:
    form = InsatsForm(prefix="insats", **kwargs)
    form.insats.choices = choices([("", _("Välj"))] + [(k, str(INSATS_LABELS[k])) for k in INSATSER])
    return form


@blueprint.post("/deltagare/<code>/insatser")
@roles_required(Role.SAMORDNARE)
def add_participant_insats(code: str):
    """Records an insats the participant takes part in."""
    entry = visible_code(code)
    form = insats_form()
    problems = {}
    if form.validate_on_submit():
        problems = check_insats(form.insats.data, form.started_on.data, form.ended_on.data, date.today())
        if not problems:
            add_insats(entry, form.insats.data, form.started_on.data, form.ended_on.data)
            record_audit(current_user, "register.insats", f"{entry.organisation.name}: {entry.code}")
            db.session.commit()
            flash(_("Insatsen är sparad för %(code)s.", code=entry.code))
            return redirect(url_for(".participant", code=entry.code))
    reasons = [e for errs in form.errors.values() for e in errs]
    reasons += [_(m.msgid, **m.params) for m in problems.values()]
    flash(_("Insatsen sparades inte: %(reason)s", reason=" ".join(reasons)))
    return redirect(url_for(".participant", code=entry.code)), 303


def find_visible(text: str) -> ParticipantCode | None:
    found = find_code(text)
    return found if found is not None and found.organisation in visible_organisations() \
        and found.project_id == current_scope().project_id else None
