"""The goal table's files made as jobs from Måluppfyllelse: the project workbook
(``goal_xlsx``) and the Word document (``goal_docx``), in the starter's language, for the
kommuner the starter sees (the job's scope), logged in the audit log."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .reports import XLSX_MIMETYPE

Progress = Callable[[int], None]


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _tables(job, progress: Progress, full_reports: bool = True):
    """The goal table as the job asks for it (and the one to compare with), limited to the
    job's scope: the organisations its starter saw when starting it."""
    from ..analysis.goal_comparison import compare_tables
    from .project import goal_table

    scope = None if job.scope is None else set(job.scope)
    as_of, compare = _day(job.params.get("as_of")), _day(job.params.get("compare"))
    project_id = job.params.get("project_id")
    table = goal_table(scope, as_of=as_of, full_reports=full_reports, project_id=project_id)
    progress(30)
    comparison = None
    if compare is not None:
        comparison = compare_tables(table, goal_table(scope, as_of=compare, full_reports=full_reports,
                                                      project_id=project_id))
        progress(50)
    return table, comparison, scope


def _words(locale: str):
    from flask_babel import gettext

    from ..exports.words import Words
    from ..i18n import qtext

    return Words(message=gettext, questionnaire=qtext, locale=locale)


def _what(job, scope) -> str:
    from ..extensions import db
    from ..models import Organisation

    names = "alla kommuner" if scope is None else ", ".join(
        sorted(db.session.get(Organisation, i).name for i in scope if db.session.get(Organisation, i)))
    dates = ", ".join(f"{k} {v}" for k, v in (("per", job.params.get("as_of")),
                                               ("jämfört med", job.params.get("compare"))) if v)
    return f"{names}{'; ' + dates if dates else ''}"


def _stamp(job) -> str:
    return job.params.get("as_of") or date.today().isoformat()


def run_goal_xlsx(job, progress: Progress) -> tuple[bytes, str, str]:
    """The ``goal_xlsx`` job: the project workbook; answer sheets only when the job's
    starter sees every kommun (as the report Excel)."""
    from flask_babel import force_locale

    from ..exports.project_xlsx import write_project_xlsx
    from ..extensions import db
    from ..models import Account
    from .answer_rows import answer_rows
    from .audit import record_audit
    from .project import assessments

    locale = job.params.get("locale") or "sv"
    with force_locale(locale):
        table, comparison, scope = _tables(job, progress)
        answers = {}
        if job.params.get("answers") and scope is None:
            project_id = job.params.get("project_id")
            answers = {key: answer_rows(key, project_id=project_id) for key in table.reports}
        fd, temporary = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            from flask import current_app

            from .insatser import insatser_report

            insatser = insatser_report(scope, current_app.config["SMALL_CELL_THRESHOLD"],
                                       job.params.get("project_id"))
            write_project_xlsx(table, assessments(job.params.get("project_id")), temporary, answers,
                               _words(locale), comparison, insatser)
            content = Path(temporary).read_bytes()
        finally:
            Path(temporary).unlink(missing_ok=True)
    progress(95)
    what = _what(job, scope)
    record_audit(db.session.get(Account, job.account_id), "export.responses" if answers else "export.goals",
                 f"projektarbetsbok ({what}{'; med svar' if answers else ''})",
                 project_id=job.params.get("project_id"))
    return content, f"projektarbetsbok-{_stamp(job)}.xlsx", XLSX_MIMETYPE


def run_goal_docx(job, progress: Progress) -> tuple[bytes, str, str]:
    """The ``goal_docx`` job: the goal table as a Word document."""
    from flask_babel import force_locale

    from ..exports.goal_docx import DOCX_MIMETYPE, docx_bytes
    from ..extensions import db
    from ..models import Account
    from .audit import record_audit
    from .project import assessments

    locale = job.params.get("locale") or "sv"
    with force_locale(locale):
        table, comparison, scope = _tables(job, progress, full_reports=False)
        content = docx_bytes(table, assessments(job.params.get("project_id")), _words(locale), comparison)
    progress(95)
    record_audit(db.session.get(Account, job.account_id), "export.goals", f"måltabell ({_what(job, scope)})",
                 project_id=job.params.get("project_id"))
    return content, f"maltabell-{_stamp(job)}.docx", DOCX_MIMETYPE
