"""``surveyapp users``: staff accounts from the server's command line."""

from __future__ import annotations

import click
from flask import current_app, url_for
from sqlalchemy import select

from ..extensions import db
from ..models import Account, Role
from ..services.accounts import (
    AccountError,
    create_account,
    disable_account,
    find_account,
    issue_reset_link,
)
from ..services.audit import record_audit
from ..services.organisations import find_organisation
from .common import site_link


@click.group("users")
def group() -> None:
    """Manage staff accounts."""


def _link(token: str) -> str:
    with current_app.test_request_context():
        return site_link(url_for("auth.set_password_with_link", token=token))


@group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation", "organisations", multiple=True, metavar="NAME",
              help="An organisation the samordnare works for (repeat for several).")
@click.option("--project", "projects", multiple=True, metavar="NAME",
              help="A project the account works in (repeat for several; default: the only project).")
def add(email: str, role: str, organisations: tuple[str, ...], projects: tuple[str, ...] = ()) -> None:
    """Add an account; prints a one-time link where its owner chooses a password."""
    from ..services.projects import ProjectError, choose_project

    try:
        bound = [choose_project(name) for name in projects] if projects else None
    except ProjectError as exc:
        raise click.ClickException(str(exc)) from exc
    found = []
    for name in organisations:
        organisation = find_organisation(name)
        if organisation is None:
            raise click.ClickException(
                f"unknown organisation: {name} (add it with `surveyapp organisations add`)"
            )
        found.append(organisation)
    if found and role != Role.SAMORDNARE:
        raise click.ClickException("only a samordnare is bound to organisations")
    try:
        account = create_account(email, role, found, projects=bound)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    token = issue_reset_link(account)
    record_audit(None, "user.add", f"{account.email} ({account.role})")
    db.session.commit()
    click.echo(f"added: {account.email} ({account.role})")
    if account.role != Role.ADMIN and not account.projects:
        from ..services.projects import all_projects

        names = ", ".join(p.name for p in all_projects())
        click.echo(f"bound to no project yet (the projects are: {names}): it sees nothing until an admin "
                   "binds it on the users page, or add it again with --project NAME")
    click.echo(f"one-time link to choose a password (valid 72 hours): {_link(token)}")


@group.command("reset")
@click.argument("email")
def reset(email: str) -> None:
    """Print a new one-time link for setting the account's password."""
    account = find_account(email)
    if account is None:
        raise click.ClickException(f"no account: {email}")
    token = issue_reset_link(account)
    record_audit(None, "user.reset", account.email)
    db.session.commit()
    click.echo(f"one-time link to choose a password (valid 72 hours): {_link(token)}")


@group.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account: it cannot log in and its sessions end."""
    account = find_account(email)
    if account is None:
        raise click.ClickException(f"no account: {email}")
    disable_account(account)
    record_audit(None, "user.disable", account.email)
    db.session.commit()
    click.echo(f"disabled: {account.email}")


@group.command("list")
def list_() -> None:
    """List the accounts."""
    for account in db.session.scalars(select(Account).order_by(Account.role, Account.email)):
        names = ", ".join(o.name for o in account.organisations)
        state = "" if account.active else "\tdisabled"
        click.echo(f"{account.email}\t{account.role}\t{names}{state}")
