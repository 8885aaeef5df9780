"""What several commands share: failing with a message, reading a date, naming organisations,
refusing an import."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from flask import current_app, g
from sqlalchemy import select

from ..extensions import db
from ..models import Organisation
from ..services.organisations import find_organisation

if TYPE_CHECKING:  # reading files loads openpyxl, which other commands do without
    from ..services.imports import ImportFailed


NO_PUBLIC_URL = ("SURVEYAPP_PUBLIC_URL is not set, so links are printed as paths on the site only: put the "
                 "site's address (such as https://enkat.example.se) in {file} or the environment, as the "
                 "server has it")


def site_link(path: str) -> str:
    """``path`` on the site as users reach it (``SURVEYAPP_PUBLIC_URL``, the setting the server
    reads too); without that setting the path alone, and a warning once per command, rather than
    a guessed address that may lead nowhere."""
    base = current_app.config["PUBLIC_URL"]
    if base:
        return base + path
    if not current_app.extensions.get("surveyapp.public_url_warned"):
        from ..config import environment_file

        current_app.extensions["surveyapp.public_url_warned"] = True
        click.echo(NO_PUBLIC_URL.format(file=environment_file(Path(current_app.instance_path))), err=True)
    return path


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


def project_option(command):
    """``--project NAME``: the project a data command works on (may be left out while there is one)."""
    return click.option("--project", "project_name", metavar="NAME",
                        help="The project (may be left out while the installation has one).")(command)


def command_scope(project_name: str | None, organisation_ids: set[int] | None = None, *,
                  changes: bool = False):
    """The command's :class:`Scope`: the named project (or the only one), every organisation
    unless ``--organisation`` names some; fails listing the projects when none fits, and
    (``changes``: the command stores something) for an archived project."""
    from ..services.projects import ProjectError, choose_project
    from ..services.scope import Scope

    try:
        project = choose_project(project_name)
    except ProjectError as exc:
        fail(str(exc))
    if changes and project.archived:
        fail(f"The project {project.name} is archived: it can be read and reported, not changed.")
    scope = Scope(project.id, frozenset(organisation_ids) if organisation_ids is not None else None, "admin")
    g.scope = scope  # what the command records in the audit log belongs to this project
    return scope


def import_refused(exc: ImportFailed, file: Path) -> NoReturn:
    """Nothing of the file is stored: every problem, then the count."""
    db.session.rollback()
    for error in exc.errors:
        click.echo(error.render(), err=True)
    fail(f"Nothing imported: {len(exc.errors)} problem(s) in {file.name}.")
