"""``surveyapp participants``: the participant register in from a file, and out (logged)."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from ..exports.csv_text import neutralise
from ..extensions import db
from ..services.audit import record_audit
from ..services.register import FILE_COLUMNS, export_rows
from .common import command_scope, import_refused, project_option


@click.group("participants")
def group() -> None:
    """The participant register (codes, kommun, dates, kön, ålder, födelseregion)."""


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
def import_(file: Path, project_name: str | None = None) -> None:
    """Import a register (CSV or XLSX): every row valid, or nothing is stored. A code
    already registered is updated."""
    from ..services.imports import ImportFailed
    from ..services.register import import_register, sync_exits

    scope = command_scope(project_name, changes=True)
    try:
        result = import_register(file, project_id=scope.project_id)
    except ImportFailed as exc:
        import_refused(exc, file)
    sync_exits(scope.project_id)
    record_audit(None, "register.import", f"{file.name}: {result.added} added, {result.updated} updated")
    db.session.commit()
    click.echo(f"Participant register: {result.added} code(s) added, {result.updated} updated.")


@group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@project_option
def export(file: Path, project_name: str | None = None) -> None:
    """Write the register to a CSV file (the import's columns); logged in the audit log."""
    rows = export_rows(project_id=command_scope(project_name).project_id)
    with file.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(FILE_COLUMNS)
        writer.writerows([neutralise(value) for value in row] for row in rows)
    record_audit(None, "export.register", f"{len(rows)} code(s) → {file.name}")
    db.session.commit()
    click.echo(f"Wrote {file} ({len(rows)} code(s)).")


@group.command("import-insatser")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
def import_insatser_(file: Path, project_name: str | None = None) -> None:
    """Import insatser (columns participant_code, insats, started_on, ended_on): every row
    valid, or nothing is stored. The codes must be in the register."""
    from ..services.imports import ImportFailed
    from ..services.insatser import import_insatser

    try:
        result = import_insatser(file, project_id=command_scope(project_name, changes=True).project_id)
    except ImportFailed as exc:
        import_refused(exc, file)
    record_audit(None, "register.insatser", f"{file.name}: {result.added} added")
    db.session.commit()
    click.echo(f"Insatser: {result.added} added, {result.already} already there.")
