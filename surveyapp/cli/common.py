"""What several commands share: failing with a message, reading a date, naming organisations,
refusing an import."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click
from sqlalchemy import select

from ..extensions import db
from ..models import Organisation
from ..services.imports import ImportFailed
from ..services.organisations import find_organisation


def fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)


def iso_date(ctx, param, value: str | None) -> date | None:
    """A click callback: YYYY-MM-DD as a date."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def organisations_named(names: tuple[str, ...]) -> set[int] | None:
    """The ids of the organisations ``--organisation`` names (None: all); an unknown name fails,
    listing the known ones."""
    if not names:
        return None
    found = [find_organisation(name) for name in names]
    unknown = [name for name, org in zip(names, found, strict=True) if org is None]
    if unknown:
        known = ", ".join(db.session.scalars(select(Organisation.name).order_by(Organisation.name)))
        fail(f"Unknown organisation {', '.join(map(repr, unknown))}; known: {known or 'none'}")
    return {org.id for org in found}


def import_refused(exc: ImportFailed, file: Path) -> NoReturn:
    """Nothing of the file is stored: every problem, then the count."""
    db.session.rollback()
    for error in exc.errors:
        click.echo(error.render(), err=True)
    fail(f"Nothing imported: {len(exc.errors)} problem(s) in {file.name}.")
