"""``surveyapp goals``: the project's goal table as JSON and as one project workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from ..exports import project_json
from ..extensions import db
from ..questionnaire import QuestionnaireError
from ..services.audit import record_audit
from ..services.project import UnknownTableDimension, assessments, goal_table
from .common import command_scope, fail, iso_date, organisations_named, project_option


@click.command("goals")
@click.option("--json", "as_json", is_flag=True, help="Print the goal table as JSON.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the project workbook: the goal table, then each questionnaire's figures.")
@click.option("--docx", "docx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the goal table as a Word document: delmål by projektmål with verdict and "
                   "motivering, the reach table and a method note.")
@click.option("--by", "dimensions", multiple=True,
              help="Break down by kon, aldersgrupp, fodelseregion or organisation (repeatable; "
                   "default kon and organisation).")
@click.option("--organisation", "organisations", multiple=True, help="Only these organisations (repeatable).")
@click.option("--enrolled-until", callback=iso_date,
              help="Leave out participants enrolled after this date (YYYY-MM-DD).")
@click.option("--min-days", type=click.IntRange(min=0),
              help="Leave out participants in the project fewer days than this.")
@click.option("--as-of", callback=iso_date,
              help="The table as it stood on this day: registered, ended and answered by then (YYYY-MM-DD).")
@click.option("--compare", "compare", callback=iso_date,
              help="Show the table on this day too, side by side with --as-of (or today) and the change "
                   "(--docx and --xlsx; YYYY-MM-DD).")
@project_option
def command(as_json: bool, xlsx_path: Path | None, dimensions: tuple[str, ...],
            organisations: tuple[str, ...], enrolled_until: date | None, min_days: int | None,
            as_of: date | None = None, docx_path: Path | None = None, compare: date | None = None,
            project_name: str | None = None) -> None:
    """The project's goal table: participants against targets, reach and every goal."""
    if not as_json and xlsx_path is None and docx_path is None:
        fail("Choose an output: --json, --xlsx FILE and/or --docx FILE.")
    if compare is not None and xlsx_path is None and docx_path is None:
        fail("--compare needs --docx FILE or --xlsx FILE.")
    if compare is not None and compare == as_of:
        fail("--compare must name another day than --as-of.")
    organisation_ids = organisations_named(organisations)
    scope = command_scope(project_name, organisation_ids)
    try:
        table = goal_table(organisation_ids, dimensions, enrolled_until=enrolled_until, min_days=min_days,
                           as_of=as_of, full_reports=xlsx_path is not None, project_id=scope.project_id)
        other = None if compare is None else goal_table(
            organisation_ids, dimensions, enrolled_until=enrolled_until, min_days=min_days, as_of=compare,
            full_reports=xlsx_path is not None, project_id=scope.project_id)
    except QuestionnaireError as exc:
        fail("\n".join(exc.problems))
    except UnknownTableDimension as exc:
        fail(str(exc))
    comparison = None
    if other is not None:
        from ..analysis.goal_comparison import compare_tables

        comparison = compare_tables(table, other)
    written = assessments(scope.project_id)
    what = ", ".join(organisations) or "all organisations"
    if xlsx_path is not None:
        from ..exports.project_xlsx import write_project_xlsx
        from ..services.answer_rows import answer_rows

        answers = {key: answer_rows(key, organisation_ids=organisation_ids, enrolled_until=enrolled_until,
                                    min_days=min_days, project_id=scope.project_id)
                   for key in table.reports}
        from flask import current_app

        from ..services.insatser import insatser_report

        insatser = insatser_report(organisation_ids, current_app.config["SMALL_CELL_THRESHOLD"],
                                   scope.project_id)
        write_project_xlsx(table, written, xlsx_path, answers, comparison=comparison, insatser=insatser)
        record_audit(None, "export.responses", f"goal table and answers ({what}) → {xlsx_path.name}")
        db.session.commit()
        click.echo(f"Wrote {xlsx_path}", err=as_json)
    if docx_path is not None:
        from ..exports.goal_docx import write_goal_docx

        write_goal_docx(table, written, docx_path, comparison=comparison)
        record_audit(None, "export.goals", f"goal table ({what}) → {docx_path.name}")
        db.session.commit()
        click.echo(f"Wrote {docx_path}", err=as_json)
    if as_json:
        click.echo(project_json.dumps(table, written))


@click.command("insatser")
@click.option("--organisation", "organisations", multiple=True, help="Only these organisations (repeatable).")
@project_option
def insatser_command(organisations: tuple[str, ...], project_name: str | None = None) -> None:
    """Insatser as JSON: the share of participants per insats, per kommun and per kön, and the exit outcome
    (arbete, studier or arbetssökande) with and without each insats, with a chi-square test."""
    import json

    from flask import current_app

    from ..analysis.insatser import results_dict
    from ..services.insatser import insatser_report

    organisation_ids = organisations_named(organisations)
    scope = command_scope(project_name, organisation_ids)
    results = insatser_report(organisation_ids, current_app.config["SMALL_CELL_THRESHOLD"], scope.project_id)
    click.echo(json.dumps(results_dict(results), ensure_ascii=False, indent=2))
