"""A report and its Excel file from a set of plain parameters.

The page, the background job and the cache all describe a report by :class:`ReportParams`
(JSON-safe, so a job can carry it to another process); :func:`compute_report` and
:func:`report_xlsx` are the only places that turn them into figures and a file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app

from ..analysis.open_answers import OpenAnswerSheet
from ..analysis.records import AnswerRows
from ..analysis.report import Report, build_report
from ..exports.words import Words
from ..exports.xlsx import write_xlsx
from .answer_rows import released_answer_rows
from .cells import load_cells
from .open_answers import answer_sheet
from .rates import with_response_rates

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: a computed report kept in a job (never sent to a browser)
REPORT_MIMETYPE = "application/x-surveyapp-report"


@dataclass(frozen=True)
class ReportParams:
    """Everything a report depends on besides the data: which answers, which breakdowns."""

    questionnaire_key: str
    rounds: tuple[str, ...] = ()
    #: the organisations whose answers count; None: all of them
    organisation_ids: tuple[int, ...] | None = None
    #: the organisations the reader may see (rounds of others do not exist); None: all
    covering: tuple[int, ...] | None = None
    since: str | None = None
    until: str | None = None
    dimensions: tuple[str, ...] = ()
    shift_from: str | None = None
    shift_to: str | None = None
    #: what the report was limited to, as shown to the reader
    filters: dict[str, str] = field(default_factory=dict)
    answer_level: bool = False
    include_text: bool = False
    #: answer rows coarsened so that no one can be singled out (anyone but the administrator)
    coarsened: bool = True
    #: the project whose rounds are reported; None: every project (an installation of one)
    project_id: int | None = None

    def chosen_answers(self) -> dict:
        """The answers chosen, as the loaders take them."""
        day = date.fromisoformat
        return {
            "rounds": self.rounds,
            "organisation_ids": self.organisation_ids,
            "since": day(self.since) if self.since else None,
            "until": day(self.until) if self.until else None,
            "covering": self.covering,
            "project_id": self.project_id,
        }

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ReportParams:
        def tup(value):
            return None if value is None else tuple(value)

        return cls(
            questionnaire_key=data["questionnaire_key"],
            rounds=tuple(data.get("rounds") or ()),
            organisation_ids=tup(data.get("organisation_ids")),
            covering=tup(data.get("covering")),
            since=data.get("since"),
            until=data.get("until"),
            dimensions=tuple(data.get("dimensions") or ()),
            shift_from=data.get("shift_from"),
            shift_to=data.get("shift_to"),
            filters=dict(data.get("filters") or {}),
            answer_level=bool(data.get("answer_level")),
            include_text=bool(data.get("include_text")),
            coarsened=bool(data.get("coarsened", True)),
            project_id=data.get("project_id"),
        )


Progress = Callable[[int], None]


def _quiet(_percent: int) -> None:
    pass


def compute_report(params: ReportParams, progress: Progress = _quiet) -> Report:
    """The report of ``params`` (raises :class:`~.frames.SelectionError` for an unknown
    questionnaire or round)."""
    cells = load_cells(params.questionnaire_key, dimensions=params.dimensions, **params.chosen_answers())
    progress(30)
    report = build_report(
        cells,
        dimensions=params.dimensions,
        shift_from=params.shift_from,
        shift_to=params.shift_to,
        threshold=current_app.config["SMALL_CELL_THRESHOLD"],
        filters=params.filters,
    )
    progress(60)
    return with_response_rates(report, params.organisation_ids, params.project_id)


def report_xlsx(
    params: ReportParams, words: Words, progress: Progress = _quiet
) -> tuple[bytes, Report, AnswerRows | None, OpenAnswerSheet | None]:
    """The Excel file of ``params`` in ``words``' language, the report it shows, the answer
    rows it holds (read) and its open answers (answer-level files only: projektledning's)."""
    report = compute_report(params, progress)
    answers = open_answers = None
    if params.answer_level:  # streamed from the database as the sheet is written
        answers = released_answer_rows(params.questionnaire_key, include_text=params.include_text,
                                       coarsened=params.coarsened,
                                       threshold=current_app.config["SMALL_CELL_THRESHOLD"],
                                       **params.chosen_answers())
        open_answers = answer_sheet(report.questionnaire, params.chosen_answers(),
                                    current_app.config["SMALL_CELL_THRESHOLD"])
    with tempfile.TemporaryDirectory() as directory:
        path = write_xlsx(report, Path(directory) / "report.xlsx", words, answers, open_answers)
        progress(90)
        return path.read_bytes(), report, answers, open_answers


def xlsx_filename(report: Report) -> str:
    return f"{report.questionnaire.key}-{report.generated_at:%Y-%m-%d}.xlsx"


def run_report_xlsx(job, progress: Progress) -> tuple[bytes, str, str]:
    """The ``report_xlsx`` job: the Excel file in the starter's language, logged as an export."""
    from flask_babel import force_locale, gettext

    from ..exports.xlsx import describe
    from ..extensions import db
    from ..i18n import qtext
    from ..models import Account
    from .audit import record_audit
    from .frames import SelectionError
    from .jobs import NOT_FOUND, JobError

    params = ReportParams.from_json(job.params["report"])
    locale = job.params.get("locale") or "sv"
    account_id = job.account_id
    with force_locale(locale):
        words = Words(message=gettext, questionnaire=qtext, locale=locale)
        try:
            content, report, answers, open_answers = report_xlsx(params, words, progress)
        except SelectionError as exc:
            raise JobError(NOT_FOUND, str(exc))
    listed = None if open_answers is None else len(open_answers.answers)
    record_audit(db.session.get(Account, account_id), "export.responses", describe(report, answers, listed),
                 project_id=params.project_id)
    return content, xlsx_filename(report), XLSX_MIMETYPE


def run_report_page(job, progress: Progress) -> tuple[bytes, str, str]:
    """The ``report_page`` job: a large report computed off the request, kept in the report
    cache and in the job (the page that started it shows it from there)."""
    import pickle

    from .frames import SelectionError
    from .jobs import NOT_FOUND, JobError
    from .report_cache import data_version, keep_report

    params = ReportParams.from_json(job.params["report"])
    version = data_version(params.questionnaire_key)
    try:
        report = compute_report(params, progress)
    except SelectionError as exc:
        raise JobError(NOT_FOUND, str(exc))
    keep_report(params, report, version)
    return pickle.dumps(report, pickle.HIGHEST_PROTOCOL), "report", REPORT_MIMETYPE
