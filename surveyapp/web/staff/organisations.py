"""Admin: the organisations (kommuner, regions, others) and which samordnare work for each."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ...extensions import db
from ...models import Account, Organisation, Role, account_organisations
from ...services.accounts import AccountError, set_organisations
from ...services.audit import record_audit
from ...services.organisations import add_organisations, find_organisation
from ..access import roles_required
from . import blueprint
from .forms import KIND_LABELS, AccountOrganisationsForm, OrganisationForm, choices


def _all_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def organisation_choices():
    return choices((o.id, o.name) for o in _all_organisations())


@blueprint.route("/organisationer", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organisations():
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        existing = find_organisation(form.name.data)
        if existing is not None:
            form.name.errors.append(
                _("Det finns redan en organisation som heter %(name)s.", name=existing.name))
            status = 400
        else:
            [(organisation, _created)] = add_organisations([form.name.data], form.kind.data)
            record_audit(current_user, "organisation.add", f"{organisation.name} ({organisation.kind})")
            db.session.commit()
            flash(_("%(name)s är tillagd.", name=organisation.name))
            return redirect(url_for(".organisations"))
    elif form.is_submitted():
        status = 400
    samordnare = dict(db.session.execute(
        select(account_organisations.c.organisation_id, func.count())
        .join(Account, Account.id == account_organisations.c.account_id)
        .where(Account.active.is_(True), Account.role == Role.SAMORDNARE)
        .group_by(account_organisations.c.organisation_id)
    ).all())
    return render_template("staff/organisations.html", form=form, organisations=_all_organisations(),
                           samordnare=samordnare, kinds=KIND_LABELS), status


@blueprint.route("/anvandare/<int:account_id>/organisationer", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_organisations(account_id: int):
    account = db.session.get(Account, account_id)
    if account is None or account.role != Role.SAMORDNARE:
        abort(404)
    form = AccountOrganisationsForm()
    form.organisations.choices = organisation_choices()
    status = 200
    if form.validate_on_submit():
        chosen = [db.session.get(Organisation, i) for i in form.organisations.data or ()]
        try:
            set_organisations(account, [o for o in chosen if o])
        except AccountError as exc:
            form.organisations.errors.append(_(exc.msgid, **exc.params))
            status = 400
        else:
            names = ", ".join(o.name for o in account.organisations)
            record_audit(current_user, "user.organisations", f"{account.email}: {names}")
            db.session.commit()
            flash(_("%(email)s arbetar nu för %(names)s.", email=account.email, names=names))
            return redirect(url_for(".users"))
    elif form.is_submitted():
        status = 400
    else:
        form.organisations.data = [o.id for o in account.organisations]
    return render_template("staff/user_organisations.html", form=form, account=account), status
