"""Projekt: projektledning edits its project's set-up (period, kommuner and their targets,
participant targets, questionnaires, goals), saved as a new version; admin creates projects."""

from __future__ import annotations

from datetime import date

import yaml
from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Account, Organisation, Project, Role
from ...questionnaire import QuestionnaireError
from ...services.projects import (
    ProjectNameError,
    all_projects,
    archive_project,
    create_project,
    current_setup,
    dependency_problems,
    purge_counts_of,
    purge_project,
    purgeable_from,
    save_setup,
)
from ...services.questionnaires import current_versions, definition_of
from ..access import CHOSEN_PROJECT, current_project, roles_required
from . import blueprint
from .forms import ConfirmForm, NewProjectForm, ProjectSetupForm, choices
from .setup_problems import setup_problem_text

EDITORS = (Role.ADMIN, Role.PROJEKTLEDNING)


def _known():
    return {key: definition_of(v) for key, v in current_versions().items()}


def _fill(form: ProjectSetupForm, project: Project, setup: dict) -> None:
    participants = setup.get("participants") or {}
    form.starts_on.data, form.ends_on.data = project.starts_on, project.ends_on
    form.total.data = participants.get("total")
    form.women.data, form.men.data = participants.get("women"), participants.get("men")
    balance = participants.get("balance") or [None, None]
    form.balance_low.data, form.balance_high.data = balance
    targets = participants.get("organisations") or {}
    form.organisations.data = "\n".join(f"{k}: {v}" for k, v in targets.items())
    form.questionnaires.data = list(setup.get("questionnaires") or [])
    goals = setup.get("projektmal") or []
    form.projektmal.data = yaml.safe_dump(goals, allow_unicode=True, sort_keys=False) if goals else ""


def _organisations(form: ProjectSetupForm) -> dict[str, int] | None:
    """The kommuner field as {name: target}; None (and the field's errors) when it is wrong."""
    known = set(db.session.scalars(select(Organisation.name)))
    found: dict[str, int] = {}
    for number, line in enumerate((form.organisations.data or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, target = line.partition(":")
        name, target = name.strip(), target.strip()
        if name not in known:
            form.organisations.errors.append(_("Rad %(n)s: ”%(name)s” är ingen organisation i systemet.",
                                               n=number, name=name))
        elif not target.isdigit():
            form.organisations.errors.append(_("Rad %(n)s: skriv målet för %(name)s som ett heltal.",
                                               n=number, name=name))
        elif name in found:
            form.organisations.errors.append(_("Rad %(n)s: %(name)s står två gånger.", n=number, name=name))
        else:
            found[name] = int(target)
    return None if form.organisations.errors else found


def _setup_of(form: ProjectSetupForm, before: dict) -> dict | None:
    """The set-up the form describes; None when a field is wrong (its errors say why)."""
    valid = form.validate()
    if form.starts_on.data and form.ends_on.data and form.ends_on.data < form.starts_on.data:
        form.ends_on.errors = [*form.ends_on.errors, _("Projektet kan inte sluta innan det börjar.")]
        valid = False
    low, high = form.balance_low.data, form.balance_high.data
    if (low is None) != (high is None):
        form.balance_high.errors = [*form.balance_high.errors,
                                    _("Skriv både den lägsta och den högsta andelen kvinnor, eller ingen.")]
        valid = False
    elif low is not None and low > high:
        form.balance_high.errors = [*form.balance_high.errors,
                                    _("Den högsta andelen kan inte vara lägre än den lägsta.")]
        valid = False
    organisations = _organisations(form)
    goals = []
    try:
        goals = yaml.safe_load(form.projektmal.data or "") or []
        if not isinstance(goals, list):
            raise ValueError
    except (yaml.YAMLError, ValueError):
        form.projektmal.errors = [*form.projektmal.errors,
                                  _("Projektmålen kunde inte läsas: skriv en lista i projektfilens form.")]
        valid = False
    if not valid or organisations is None:
        return None
    participants = {"total": form.total.data}
    for key, value in (("women", form.women.data), ("men", form.men.data)):
        if value is not None:
            participants[key] = value
    if low is not None:
        participants["balance"] = [low, high]
    if organisations:
        participants["organisations"] = organisations
    setup = {**{k: v for k, v in before.items() if k in ("title",)}, "participants": participants}
    kept = [k for k in before.get("questionnaires") or [] if k in form.questionnaires.data]
    chosen = kept + [k for k in form.questionnaires.data if k not in kept]
    if chosen:
        setup["questionnaires"] = chosen
    if goals:
        setup["projektmal"] = goals
    period = {k: v.isoformat() for k, v in (("start", form.starts_on.data), ("end", form.ends_on.data)) if v}
    if period:
        setup["period"] = period
    return setup


@blueprint.route("/projekt", methods=["GET", "POST"])
@roles_required(*EDITORS)
def project_page():
    project = current_project()
    current = current_setup(project.id)
    before = dict(current.setup) if current else {}
    form = ProjectSetupForm()
    form.questionnaires.choices = choices((key, key) for key in sorted(current_versions()))
    status = 200
    if form.is_submitted():
        setup = _setup_of(form, before)
        problems = dependency_problems(project, before, setup) if setup is not None else {}
        for field, messages in problems.items():
            form[field].errors = [*form[field].errors, *(_(m.msgid, **m.params) for m in messages)]
        if setup is not None and not problems:
            try:
                version = save_setup(project, setup, current_user.email, _known(), actor=current_user)
            except QuestionnaireError as exc:
                db.session.rollback()
                # the set-up's checks name the place in the project file's shape
                found = [setup_problem_text(p) for p in exc.problems]
                form.projektmal.errors = [*form.projektmal.errors, *found]
            else:
                db.session.commit()
                if version is None:
                    flash(_("Inget ändrades."))
                else:
                    flash(_("Projektets upplägg är sparat som version %(n)s.", n=version.version))
                return redirect(url_for(".project_page"), 303)
        status = 400
    else:
        _fill(form, project, before)
    new = _new_project_form() if current_user.role == Role.ADMIN else None
    return render_template("staff/project.html", form=form, project=project,
                           versions=list(reversed(project.setups)), new=new, **_admin_parts()), status


def _admin_parts() -> dict:
    """Admin's part of the page: every project with its state, and archiving the one shown."""
    if current_user.role != Role.ADMIN:
        return {"projects": [], "archive": None}
    return {"projects": all_projects(), "archive": ConfirmForm(prefix="arkiv", formdata=None)}


def _new_project_form() -> NewProjectForm:
    form = NewProjectForm(prefix="nytt")
    form.copy_of.choices = choices([(0, _("(tomt upplägg)")), *((p.id, p.name) for p in all_projects())])
    managers = db.session.scalars(select(Account).filter_by(role=Role.PROJEKTLEDNING.value, active=True)
                                  .order_by(Account.email))
    form.managers.choices = choices((a.id, a.email) for a in managers)
    return form


@blueprint.post("/projekt/nytt")
@roles_required(Role.ADMIN)
def project_new():
    """Admin: a new project, maybe from a copy of another's set-up, with its projektledning."""
    form = _new_project_form()
    if form.validate_on_submit():
        source = db.session.get(Project, form.copy_of.data) if form.copy_of.data else None
        try:
            project = create_project(form.name.data, current_user.email, source, actor=current_user)
        except ProjectNameError as exc:
            form.name.errors = [*form.name.errors, _(exc.message.msgid, **exc.message.params)]
        else:
            for account_id in form.managers.data or ():
                account = db.session.get(Account, account_id)
                if account is not None and account.role == Role.PROJEKTLEDNING.value:
                    account.projects = [*account.projects, project]
            db.session.commit()
            flash(_("Projektet ”%(name)s” är skapat.", name=project.name))
            return redirect(url_for(".project_page"), 303)
    project = current_project()
    setup_form = ProjectSetupForm(formdata=None)
    setup_form.questionnaires.choices = choices((key, key) for key in sorted(current_versions()))
    current = current_setup(project.id)
    _fill(setup_form, project, dict(current.setup) if current else {})
    return render_template("staff/project.html", form=setup_form, project=project,
                           versions=list(reversed(project.setups)), new=form, **_admin_parts()), 400


def _project_or_404(project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None:
        abort(404)
    return project


def _refused(message: str, status: int):
    return render_template("error.html", code=status, message=message), status


@blueprint.post("/projekt/<int:project_id>/arkivera")
@roles_required(Role.ADMIN)
def project_archive(project_id: int):
    """Admin: the project becomes read-only (its open rounds close) and stays in the reports."""
    project = _project_or_404(project_id)
    if project.archived:
        return _refused(_("Projektet ”%(name)s” är redan arkiverat.", name=project.name), 409)
    form = ConfirmForm(prefix="arkiv")
    if not form.validate_on_submit():
        return _refused(_("Projektet arkiverades inte: kryssa i rutan för att bekräfta."), 400)
    closed = archive_project(project, actor=current_user)
    db.session.commit()
    flash(_("Projektet ”%(name)s” är arkiverat: det kan bara läsas nu (%(n)s mättillfällen stängdes).",
            name=project.name, n=closed))
    return redirect(url_for(".project_page"), 303)


def _purge_refusal(project: Project) -> str | None:
    """Why the project cannot be purged today, in Swedish; None when it can."""
    if not project.archived:
        return _("Projektet ”%(name)s” är inte arkiverat. Arkivera det först; ett projekt rensas bara "
                 "när det är arkiverat och dess period har tagit slut.", name=project.name)
    days = int(current_app.config.get("PROJECT_RETENTION_DAYS") or 0)
    first = purgeable_from(project, days)
    if first is None:
        return _("Projektet ”%(name)s” har inget slutdatum. Skriv periodens slut i upplägget; projektet kan "
                 "rensas dagen efter att perioden och %(days)s dagars bevarandetid har gått.",
                 name=project.name, days=days)
    if date.today() < first and not days:
        return _("Projektet ”%(name)s” kan inte rensas än: perioden slutar %(end)s. Det kan rensas från och "
                 "med %(first)s.", name=project.name, end=project.ends_on.isoformat(),
                 first=first.isoformat())
    if date.today() < first:
        return _("Projektet ”%(name)s” kan inte rensas än: perioden slutar %(end)s och data bevaras "
                 "%(days)s dagar efter det. Det kan rensas från och med %(first)s.",
                 name=project.name, end=project.ends_on.isoformat(), days=days, first=first.isoformat())
    return None


@blueprint.route("/projekt/<int:project_id>/rensa", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def project_purge(project_id: int):
    """Admin: first what would go (a dry run, nothing deleted), then the confirmed purge."""
    project = _project_or_404(project_id)
    refusal = _purge_refusal(project)
    form = ConfirmForm(prefix="rensa")
    status = 409 if refusal else 200
    if form.is_submitted() and refusal is None:
        if form.validate():
            name = project.name
            purge_project(project, actor=current_user)
            db.session.commit()
            if session.get(CHOSEN_PROJECT) == project_id:
                session.pop(CHOSEN_PROJECT)
            flash(_("Projektet ”%(name)s” är rensat: allt som hörde till det är borttaget.", name=name))
            return redirect(url_for(".project_page"), 303)
        status = 400
    return render_template("staff/project_purge.html", project=project, counts=purge_counts_of(project),
                           refusal=refusal, form=form), status
