"""``surveyapp export``: the evaluator's SPSS, Stata or CSV file with its codebook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..exports.evaluator import FORMATS
from ..extensions import db
from ..services.audit import record_audit
from ..services.evaluator import describe_export, evaluator_dataset, write_evaluator_files
from ..services.frames import SelectionError
from .common import command_scope, fail, iso_date, organisations_named, project_option


@click.command("export")
@click.argument("questionnaire")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "file_format", required=True,
              help=f"The file's format: {', '.join(FORMATS)}.")
@click.option("--round", "rounds", multiple=True, help="A round to include (repeatable; default all).")
@click.option("--organisation", "organisations", multiple=True, help="Only these organisations (repeatable).")
@click.option("--since", callback=iso_date, help="Only answers from this date (YYYY-MM-DD).")
@click.option("--until", callback=iso_date, help="Only answers up to this date (YYYY-MM-DD).")
@click.option("--with-text", is_flag=True,
              help="Include free-text answers (they may name people: read them before passing the file on).")
@click.option("--no-coarsen", is_flag=True,
              help="The administrator's own file: dates to the day, nothing merged or withheld. "
                   "Never for anyone else.")
@project_option
def command(questionnaire: str, file: Path, file_format: str, rounds: tuple[str, ...],
            organisations: tuple[str, ...], since: date | None, until: date | None, with_text: bool,
            no_coarsen: bool, project_name: str | None = None) -> None:
    """Write the answers of QUESTIONNAIRE to FILE for an evaluator (SPSS .sav, Stata .dta or
    CSV), with a codebook beside it (FILE-kodbok.xlsx and FILE-kodbok.txt). Rows are coarsened
    so that no one can be singled out."""
    if file_format not in FORMATS:
        fail(f"Unknown format {file_format!r}; the formats are: {', '.join(FORMATS)}.")
    if not file.parent.is_dir():
        fail(f"No folder {file.parent}.")
    if with_text:
        click.echo("Warning: free-text answers may name people or say who wrote them. "
                   "Read them before the file leaves the project.", err=True)
    if no_coarsen:
        click.echo("Warning: the file is not coarsened. Keep it with the administrator.", err=True)
    organisation_ids = organisations_named(organisations)
    scope = command_scope(project_name, organisation_ids)
    try:
        dataset = evaluator_dataset(questionnaire, coarsened=not no_coarsen, include_text=with_text,
                                    rounds=rounds, organisation_ids=organisation_ids, since=since,
                                    until=until, project_id=scope.project_id)
    except SelectionError as exc:
        fail(str(exc.args[0]))
    files = write_evaluator_files(dataset, file, file_format)
    record_audit(None, "export.evaluator", f"{describe_export(dataset, file_format)} → {file.name}")
    db.session.commit()
    for path in files.paths:
        click.echo(f"Wrote {path}")
    if dataset.coarsening is not None and dataset.coarsening.rows_left_out:
        click.echo(f"{dataset.coarsening.rows_left_out} row(s) left out: too few to share their "
                   "combination even with everything withheld.", err=True)
