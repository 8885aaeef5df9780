"""``surveyapp projects``: projects, and their set-up in and out as project files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..extensions import db
from ..questionnaire import QuestionnaireError
from ..services.projects import (
    all_projects,
    current_setup,
    export_setup,
    find_project,
    import_setup,
    project_counts,
    read_setup_file,
)
from ..services.questionnaires import current_versions, definition_of
from .common import fail


@click.group("projects")
def group() -> None:
    """Projects and their set-up (the project file's format)."""


@group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the projects as JSON.")
def list_(as_json: bool) -> None:
    """Every project with its period, set-up version and counts."""
    rows = []
    for project in all_projects():
        counts = project_counts(project.id)
        setup = current_setup(project.id)
        rows.append({
            "name": project.name,
            "period": {"start": project.starts_on.isoformat() if project.starts_on else None,
                       "end": project.ends_on.isoformat() if project.ends_on else None},
            "archived": project.archived,
            "setup_version": setup.version if setup else None,
            "rounds": counts.rounds, "participants": counts.participants, "responses": counts.responses,
        })
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        period = f"{row['period']['start'] or '?'}–{row['period']['end'] or '?'}"
        archived = " (archived)" if row["archived"] else ""
        version = row["setup_version"] or "-"
        click.echo(f"{row['name']}{archived}\t{period}\tset-up version {version}\t"
                   f"{row['rounds']} rounds\t{row['participants']} participants\t"
                   f"{row['responses']} responses")


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(file: Path) -> None:
    """Read a project file (_project.yaml's format with `name:` and `period:`): a new set-up
    version of the project of that name, or a new project."""
    known = {key: definition_of(v) for key, v in current_versions().items()}
    try:
        data = read_setup_file(file)
        project, version, created = import_setup(data, "kommandorad", known, source=file.name)
    except QuestionnaireError as exc:
        db.session.rollback()
        fail("Nothing imported:\n" + "\n".join(exc.problems))
    db.session.commit()
    if version is None:
        click.echo(f"{project.name}: the set-up is unchanged (version {current_setup(project.id).version}).")
        return
    made = "new project, " if created else ""
    click.echo(f"{project.name}: {made}set-up version {version.version} saved.")


@group.command("export")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(name: str, file: Path) -> None:
    """Write the current set-up of project NAME to FILE (the project file's format)."""
    project = find_project(name)
    if project is None:
        names = ", ".join(p.name for p in all_projects()) or "none"
        fail(f"Unknown project {name!r}; the projects are: {names}")
    file.write_text(export_setup(project), encoding="utf-8")
    click.echo(f"Wrote {file}")


def _named(name: str):
    project = find_project(name)
    if project is None:
        names = ", ".join(p.name for p in all_projects()) or "none"
        fail(f"Unknown project {name!r}; the projects are: {names}")
    return project


@group.command("archive")
@click.argument("name")
def archive(name: str) -> None:
    """Archive project NAME: read-only from now on (its open rounds close), still reported."""
    from ..services.projects import archive_project

    project = _named(name)
    closed = archive_project(project)
    db.session.commit()
    click.echo(f"{project.name}: archived ({closed} open round(s) closed).")


@group.command("purge")
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Only print what would be deleted.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--retention-days", type=click.IntRange(min=0), default=0, show_default=True,
              help="Refuse unless the project's period ended more than this many days ago.")
def purge(name: str, dry_run: bool, yes: bool, retention_days: int = 0) -> None:
    """Delete archived project NAME with its answers, register and set-ups (logged), once its
    period has ended (and the retention days have passed)."""
    from datetime import date, timedelta

    from ..services.projects import ProjectNotArchived, purge_counts_of, purge_project

    project = _named(name)
    counts = purge_counts_of(project)
    click.echo(f"{project.name}: {counts.responses} responses in {counts.rounds} rounds, "
               f"{counts.participants} participants, {counts.assessments} assessments, "
               f"{counts.themes} themes, {counts.setups} set-up versions")
    if not project.archived:
        fail(f"{project.name} is not archived: archive it first (`surveyapp projects archive NAME`).")
    if project.ends_on is None or project.ends_on + timedelta(days=retention_days) >= date.today():
        ended = f"ends {project.ends_on}" if project.ends_on else "has no end date"
        fail(f"{project.name} {ended}: a project is purged only after its period"
             + (f" and {retention_days} days of retention" if retention_days else "") + ".")
    if dry_run:
        click.echo("dry run: nothing deleted")
        return
    if not yes:
        click.confirm(f"Delete the project {project.name} and everything in it for good?", abort=True)
    try:
        purge_project(project)
    except ProjectNotArchived as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"deleted: {name}")
