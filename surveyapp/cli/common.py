"""What several commands share: failing with a message, reading a date, refusing an import."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from ..extensions import db
from ..services.imports import ImportFailed


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


def import_refused(exc: ImportFailed, file: Path) -> NoReturn:
    """Nothing of the file is stored: every problem, then the count."""
    db.session.rollback()
    for error in exc.errors:
        click.echo(error.render(), err=True)
    fail(f"Nothing imported: {len(exc.errors)} problem(s) in {file.name}.")
