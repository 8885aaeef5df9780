"""``surveyapp organisations``: the kommuner, regions and other bodies that answer."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Organisation, OrganisationKind
from ..services.organisations import add_organisations


@click.group("organisations")
def group() -> None:
    """Manage organisations."""


@group.command("add")
@click.argument("names", nargs=-1, required=True)
@click.option("--kind", type=click.Choice([k.value for k in OrganisationKind]), default="kommun",
              show_default=True)
def add(names: tuple[str, ...], kind: str) -> None:
    """Add organisations by name (names already there are left as they are)."""
    try:
        added = add_organisations(names, kind)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAMES") from None
    for organisation, created in added:
        state = "added" if created else "exists"
        click.echo(f"{state}: {organisation.name} ({organisation.kind})")
    db.session.commit()


@group.command("list")
def list_() -> None:
    """List all organisations."""
    for organisation in db.session.scalars(select(Organisation).order_by(Organisation.name)):
        click.echo(f"{organisation.name}\t{organisation.kind}")
