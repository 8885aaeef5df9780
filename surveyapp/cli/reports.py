"""``surveyapp import`` and ``surveyapp report``: historical answers in, figures out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app

from ..analysis.beside import OWN_QUESTIONNAIRE, beside_dict, beside_own
from ..analysis.groups import UnknownDimension
from ..analysis.register import limit_enrolment
from ..analysis.report import build_report
from ..exports import json as json_export
from ..exports.xlsx import describe, write_xlsx
from ..extensions import db
from ..services.answer_rows import released_answer_rows
from ..services.audit import record_audit
from ..services.cells import load_cells
from ..services.frames import SelectionError, load_answers
from ..services.imports import ImportFailed, import_file
from ..services.rates import with_response_rates
from ..services.register import sync_exits
from .common import command_scope, fail, import_refused, iso_date, organisations_named, project_option


@click.command("import")
@click.argument("questionnaire")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--round", "round_name", required=True, help="The round (mättillfälle); a new name creates it.")
@project_option
def import_(questionnaire: str, file: Path, round_name: str, project_name: str | None = None) -> None:
    """Import answers from a CSV or XLSX file: every row valid, or nothing is stored."""
    scope = command_scope(project_name, changes=True)
    try:
        result = import_file(questionnaire, file, round_name, scope.project_id)
    except LookupError as exc:
        db.session.rollback()
        fail(str(exc.args[0]))
    except ImportFailed as exc:
        import_refused(exc, file)
    if questionnaire == "avslut":
        sync_exits(scope.project_id)  # the register takes the avslut day and the consent to follow-up
    db.session.commit()
    created = " (new round)" if result.round_created else ""
    click.echo(f"{questionnaire} / {result.round.name}{created}: {result.stored} response(s) stored, "
               f"{result.already_stored} already stored before.")
    if result.without_id:
        click.echo(f"{result.without_id} row(s) had no response_id: importing the file again "
                   "would store them again.")



@click.command("report")
@click.argument("questionnaire")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the Excel summary to this file.")
@click.option("--round", "rounds", multiple=True, help="A round to include (repeatable; default all).")
@click.option("--from", "shift_from", help="The round shifts and paired changes go from.")
@click.option("--to", "shift_to", help="The round shifts and paired changes go to.")
@click.option("--by", "dimensions", multiple=True,
              help="Break down by kon, aldersgrupp, fodelseregion, organisation, role, channel, "
                   "(forms about a participant) inskrivning, inskrivning_kvartal, tid_i_projekt, "
                   "or a crossing such as kon*fodelseregion (repeatable).")
@click.option("--organisation", "organisations", multiple=True, help="Only these organisations (repeatable).")
@click.option("--since", callback=iso_date, help="Only answers from this date (YYYY-MM-DD).")
@click.option("--until", callback=iso_date, help="Only answers up to this date (YYYY-MM-DD).")
@click.option("--with-text", is_flag=True,
              help="Include free-text answers in the Excel answer sheet, and a sheet of the open answers.")
@click.option("--no-coarsen", is_flag=True,
              help="The administrator's own answer sheet: dates to the day, nothing merged or withheld.")
@click.option("--enrolled-until", callback=iso_date,
              help="Forms about a participant: leave out participants enrolled after this date.")
@click.option("--min-days", type=click.IntRange(min=0),
              help="Forms about a participant: leave out participants in the project fewer days.")
@project_option
def report(questionnaire: str, as_json: bool, xlsx_path: Path | None, rounds: tuple[str, ...],
           shift_from: str | None, shift_to: str | None, dimensions: tuple[str, ...],
           organisations: tuple[str, ...], since: date | None, until: date | None,
           with_text: bool, enrolled_until: date | None = None, min_days: int | None = None,
           no_coarsen: bool = False, project_name: str | None = None) -> None:
    """Figures of a questionnaire as JSON (--json) and/or an Excel summary (--xlsx FILE)."""
    if not as_json and xlsx_path is None:
        fail("Choose an output: --json and/or --xlsx FILE.")
    organisation_ids = organisations_named(organisations)
    scope = command_scope(project_name, organisation_ids)
    selected_rounds = tuple(dict.fromkeys((*rounds, *(r for r in (shift_from, shift_to) if r and rounds))))
    try:
        chosen_answers = {"rounds": selected_rounds, "organisation_ids": organisation_ids, "since": since,
                          "until": until, "project_id": scope.project_id}
        cells = load_cells(questionnaire, dimensions=dimensions, enrolled_until=enrolled_until,
                           min_days=min_days, **chosen_answers)
        result = build_report(
            cells,
            dimensions=dimensions,
            shift_from=shift_from,
            shift_to=shift_to,
            threshold=current_app.config["SMALL_CELL_THRESHOLD"],
            filters=_filters(organisations, since, until, enrolled_until, min_days),
        )
        data = None
        if as_json and questionnaire in OWN_QUESTIONNAIRE:
            data = limit_enrolment(load_answers(questionnaire, **chosen_answers),
                                   enrolled_until=enrolled_until, min_days=min_days)
        answers = None
        if xlsx_path is not None:
            answers = released_answer_rows(
                questionnaire, rounds=selected_rounds, organisation_ids=organisation_ids, since=since,
                project_id=scope.project_id,
                until=until, include_text=with_text, enrolled_until=enrolled_until, min_days=min_days,
                coarsened=not no_coarsen, threshold=current_app.config["SMALL_CELL_THRESHOLD"])
        open_answers = None
        if xlsx_path is not None and with_text:  # the "Öppna svar" sheet, small groups left out
            from ..services.open_answers import answer_sheet

            enrolment = {"enrolled_until": enrolled_until, "min_days": min_days}
            open_answers = answer_sheet(result.questionnaire, {**chosen_answers, **enrolment},
                                        current_app.config["SMALL_CELL_THRESHOLD"])
    except (SelectionError, UnknownDimension, ValueError) as exc:
        fail(str(exc.args[0]))
    result = with_response_rates(result, organisation_ids, scope.project_id)
    if xlsx_path is not None:
        write_xlsx(result, xlsx_path, answers=answers, open_answers=open_answers)
        listed = None if open_answers is None else len(open_answers.answers)
        record_audit(None, "export.responses", f"{describe(result, answers, listed)} → {xlsx_path.name}")
        db.session.commit()
        click.echo(f"Wrote {xlsx_path}", err=as_json)
    if as_json:
        if questionnaire in OWN_QUESTIONNAIRE:
            # the staff's rating beside the participant's own at the same time
            document = json_export.to_dict(result)
            own = load_answers(OWN_QUESTIONNAIRE[questionnaire], organisation_ids=organisation_ids,
                               project_id=scope.project_id)
            document["beside_own"] = beside_dict(beside_own(data, own),
                                                 current_app.config["SMALL_CELL_THRESHOLD"])
            click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            click.echo(json_export.dumps(result))


def _filters(organisations, since, until, enrolled_until=None, min_days=None) -> dict[str, str]:
    filters = {}
    if organisations:
        filters["organisation"] = ", ".join(organisations)
    if since:
        filters["since"] = since.isoformat()
    if until:
        filters["until"] = until.isoformat()
    if enrolled_until:
        filters["enrolled_until"] = enrolled_until.isoformat()
    if min_days is not None:
        filters["min_days"] = str(min_days)
    return filters
