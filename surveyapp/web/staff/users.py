"""Admin: staff accounts — add, disable, enable and reset with a one-time link."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Account, Organisation, Project, Role
from ...services.accounts import (
    AccountError,
    create_account,
    disable_account,
    issue_reset_link,
    reset_account,
)
from ...services.audit import record_audit
from ...services.projects import all_projects, bind_account, member_organisation_ids, set_member_organisations
from ..access import roles_required
from ..links import public_url
from . import blueprint
from .forms import AccountForm, AccountProjectsForm
from .organisations import organisation_choices


def _form() -> AccountForm:
    form = AccountForm()
    form.organisations.choices = organisation_choices()
    form.projects.choices = project_choices()
    if not form.is_submitted() and len(form.projects.choices) == 1:
        form.projects.data = [form.projects.choices[0][0]]
    return form


def project_choices() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in all_projects()]


def _link_page(account: Account, token: str, created: bool):
    url = public_url() + url_for("auth.set_password_with_link", token=token)
    page = render_template("staff/user_link.html", account=account, url=url, created=created)
    return page, 200, {"Cache-Control": "no-store"}


@blueprint.route("/anvandare", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    form = _form()
    status = 200
    if form.validate_on_submit():
        organisations = [db.session.get(Organisation, i) for i in form.organisations.data or ()]
        projects = [p for p in (db.session.get(Project, i) for i in form.projects.data or ()) if p]
        try:
            account = create_account(form.email.data, form.role.data, [o for o in organisations if o],
                                     projects=projects)
        except AccountError as exc:
            form.email.errors.append(_(exc.msgid, **exc.params))
            status = 400
        else:
            token = issue_reset_link(account)
            names = ", ".join([*(o.name for o in account.organisations), *(p.name for p in account.projects)])
            record_audit(current_user, "user.add",
                         f"{account.email} ({account.role}{': ' + names if names else ''})")
            db.session.commit()
            return _link_page(account, token, created=True)
    elif form.is_submitted():
        status = 400
    accounts = db.session.scalars(select(Account).order_by(Account.role, Account.email)).all()
    return render_template("staff/users.html", form=form, accounts=accounts), status


def _account(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        abort(404)
    return account


@blueprint.route("/anvandare/<int:account_id>/projekt", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_projects(account_id: int):
    """The projects an account works in (admin holds every project without)."""
    account = _account(account_id)
    if account.role == Role.ADMIN:
        abort(404)
    form = AccountProjectsForm()
    form.projects.choices = project_choices()
    samordnare = account.role == Role.SAMORDNARE
    if form.validate_on_submit():
        chosen = [p for p in (db.session.get(Project, i) for i in form.projects.data or ()) if p]
        bind_account(account, chosen)
        if samordnare:  # the kommuner in each project (none ticked: all of the account's)
            for project in all_projects():
                ticked = {int(v) for v in request.form.getlist(f"kommun-{project.id}") if v.isdigit()}
                set_member_organisations(account, project.id, ticked if project in chosen else set())
        names = ", ".join(p.name for p in account.projects) or "-"
        record_audit(current_user, "user.projects", f"{account.email}: {names}")
        db.session.commit()
        flash(_("%(email)s hör nu till projekten: %(names)s.", email=account.email, names=names))
        return redirect(url_for(".users"))
    status = 400 if form.is_submitted() else 200
    if not form.is_submitted():
        form.projects.data = [p.id for p in account.projects]
    kommuner = {p.id: member_organisation_ids(account, p.id) for p in all_projects()} if samordnare else {}
    return render_template("staff/user_projects.html", form=form, account=account, kommuner=kommuner,
                           projects=all_projects()), status


@blueprint.post("/anvandare/<int:account_id>/inaktivera")
@roles_required(Role.ADMIN)
def user_disable(account_id: int):
    account = _account(account_id)
    if account.id == current_user.id:
        flash(_("Du kan inte inaktivera ditt eget konto."))
        return redirect(url_for(".users"))
    disable_account(account)
    record_audit(current_user, "user.disable", account.email)
    db.session.commit()
    flash(_("%(email)s är inaktiverad och kan inte logga in.", email=account.email))
    return redirect(url_for(".users"))


@blueprint.post("/anvandare/<int:account_id>/aktivera")
@roles_required(Role.ADMIN)
def user_enable(account_id: int):
    account = _account(account_id)
    account.active = True
    record_audit(current_user, "user.enable", account.email)
    db.session.commit()
    flash(_("%(email)s är aktiverad igen.", email=account.email))
    return redirect(url_for(".users"))


@blueprint.post("/anvandare/<int:account_id>/aterstall")
@roles_required(Role.ADMIN)
def user_reset(account_id: int):
    account = _account(account_id)
    if not account.active:
        abort(409)
    if account.id == current_user.id:
        # a reset ends the account's logins, this one too; one's own password changes on /konto
        flash(_("Ditt eget lösenord byter du under Mitt konto."))
        return redirect(url_for(".users"))
    token = reset_account(account)
    record_audit(current_user, "user.reset", account.email)
    db.session.commit()
    return _link_page(account, token, created=False)
