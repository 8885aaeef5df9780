"""Måluppfyllelse's downloads: the project workbook (Excel) and the goal table (Word), made as
jobs with a progress page, for the kommuner the viewer sees, as the page stood on the day
``per`` (and beside the day ``jamfor``)."""

from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...models import JobStatus, Role
from ...services.jobs import FAILED, NOT_FOUND, QUEUE_DOWN, STOPPED, job_for, start_job
from ..access import current_scope, for_styrgrupp, roles_required, visible_organisation_ids
from . import blueprint

#: job kind → what the progress page calls the file (``goal_page``: the page itself, computed
#: by a job over many answers; see services/goal_page.py)
KINDS = {"goal_xlsx": _l("Projektarbetsbok (Excel)"), "goal_docx": _l("Måltabell (Word)"),
         "goal_page": _l("Måluppfyllelse")}
DOWNLOAD_TEXT = {"goal_xlsx": _l("Ladda ner projektarbetsboken"), "goal_docx": _l("Ladda ner måltabellen"),
                 "goal_page": _l("Visa måluppfyllelsen")}
#: the jobs whose result is a file to download
FILE_KINDS = ("goal_xlsx", "goal_docx")
JOB_STATUS = {
    JobStatus.QUEUED: _l("Väntar på sin tur …"),
    JobStatus.RUNNING: _l("Filen skapas …"),
    JobStatus.DONE: _l("Filen är klar."),
    JobStatus.FAILED: _l("Filen kunde inte skapas."),
}
#: what the page's own job says instead
PAGE_STATUS = {
    JobStatus.QUEUED: _l("Väntar på sin tur …"),
    JobStatus.RUNNING: _l("Måluppfyllelsen räknas fram …"),
    JobStatus.DONE: _l("Måluppfyllelsen är klar."),
    JobStatus.FAILED: _l("Måluppfyllelsen kunde inte räknas fram."),
}
JOB_ERRORS = {
    NOT_FOUND: _l("Urvalet finns inte längre: ett mättillfälle eller formulär har tagits bort."),
    FAILED: _l("Filen kunde inte skapas. Försök igen; händer det igen, kontakta administratören."),
    STOPPED: _l("Arbetet avbröts innan filen blev klar. Försök igen."),
    QUEUE_DOWN: _l("Arbetskön svarar inte just nu. Försök igen om en stund."),
}


class BadDay(ValueError):
    pass


def query_day(name: str) -> date | None:
    """A query argument's ISO date; empty: none."""
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadDay(text) from None


def page_args(as_of: date | None, compare: date | None) -> dict[str, str]:
    return {k: v.isoformat() for k, v in (("per", as_of), ("jamfor", compare)) if v is not None}


def _start(kind: str):
    try:
        as_of, compare = query_day("per"), query_day("jamfor")
    except BadDay:
        flash(_("Datumet måste skrivas som ÅÅÅÅ-MM-DD, till exempel 2026-06-30."))
        return redirect(url_for("staff.goals"), 303)
    if compare is not None and compare == as_of:
        compare = None
    params = {
        "as_of": as_of.isoformat() if as_of else None,
        "compare": compare.isoformat() if compare else None,
        "locale": str(get_locale()),
        # answer rows only for those who see every kommun (as the report Excel)
        "answers": kind == "goal_xlsx" and current_user.sees_all_organisations and current_user.sees_persons,
        "project_id": current_scope().project_id,
        "back": url_for("staff.goals", **page_args(as_of, compare)),
    }
    job = start_job(kind, params, current_user._get_current_object(), visible_organisation_ids())
    return redirect(url_for("staff.goal_job", job_id=job.id), 303)


@blueprint.post("/maluppfyllelse/projektarbetsbok.xlsx")
@roles_required(Role.PROJEKTLEDNING, Role.SAMORDNARE)
@for_styrgrupp
def goal_xlsx():
    """Starts the project workbook as a job and shows its progress."""
    return _start("goal_xlsx")


@blueprint.post("/maluppfyllelse/maltabell.docx")
@roles_required(Role.PROJEKTLEDNING, Role.SAMORDNARE)
@for_styrgrupp
def goal_docx():
    """Starts the goal table's Word document as a job and shows its progress."""
    return _start("goal_docx")


def _job(job_id: str):
    job = job_for(job_id, current_user._get_current_object(), visible_organisation_ids(),
                  current_scope().project_id)
    if job is None or job.kind not in KINDS:
        abort(404)
    return job


def _state(job) -> dict:
    done = job.status == JobStatus.DONE
    texts, target = JOB_STATUS, url_for("staff.goal_job_file", job_id=job.id)
    if job.kind not in FILE_KINDS:  # done: the page, shown from the job
        page = job.params.get("back") or url_for("staff.goals")
        texts, target = PAGE_STATUS, f"{page}{'&' if '?' in page else '?'}jobb={job.id}"
    return {
        "status": job.status,
        "progress": job.progress,
        "text": str(texts[JobStatus(job.status)]),
        "error": (str(JOB_ERRORS.get(job.error, JOB_ERRORS[FAILED]))
                  if job.status == JobStatus.FAILED else None),
        "file": target if done else None,
    }


@blueprint.get("/maluppfyllelse/jobb/<job_id>")
@roles_required(Role.PROJEKTLEDNING, Role.SAMORDNARE)
@for_styrgrupp
def goal_job(job_id: str):
    job = _job(job_id)
    return render_template("staff/goal_job.html", job=job, state=_state(job), title=KINDS[job.kind],
                           download_text=DOWNLOAD_TEXT[job.kind], is_page=job.kind not in FILE_KINDS,
                           back=job.params.get("back") or url_for("staff.goals"))


@blueprint.get("/maluppfyllelse/jobb/<job_id>/status")
@roles_required(Role.PROJEKTLEDNING, Role.SAMORDNARE)
@for_styrgrupp
def goal_job_status(job_id: str):
    return jsonify(_state(_job(job_id)))


@blueprint.get("/maluppfyllelse/jobb/<job_id>/fil")
@roles_required(Role.PROJEKTLEDNING, Role.SAMORDNARE)
@for_styrgrupp
def goal_job_file(job_id: str):
    job = _job(job_id)
    if job.status != JobStatus.DONE or job.result is None or job.kind not in FILE_KINDS:
        abort(404)
    return send_file(io.BytesIO(job.result), mimetype=job.mimetype, as_attachment=True,
                     download_name=job.filename)


@blueprint.app_template_global()
def goal_download_args(args=None) -> dict[str, str]:
    """The query arguments the download buttons carry over from Måluppfyllelse (``per`` and
    ``jamfor``, kept only when they are ISO dates)."""
    args = request.args if args is None else args
    kept = {}
    for name in ("per", "jamfor"):
        text = (args.get(name) or "").strip()
        try:
            kept[name] = date.fromisoformat(text).isoformat() if text else None
        except ValueError:
            continue
    return {k: v for k, v in kept.items() if v}


@blueprint.app_template_global()
def goal_day(text: str) -> str:
    """An ISO date from :func:`goal_download_args` as the reader writes it."""
    from ...i18n import format_day

    return format_day(date.fromisoformat(text))
