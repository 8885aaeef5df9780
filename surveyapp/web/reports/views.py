"""The report page of a questionnaire, and its Excel file made as a job with a progress page."""

from __future__ import annotations

import io
import pickle

from babel.lists import format_list
from flask import abort, current_app, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ...analysis.groups import Label, dimension_label
from ...exports.evaluator import FORMATS
from ...exports.labels import STATUS
from ...extensions import db
from ...i18n import format_day, format_number, qtext, round_half_up, use_questionnaire
from ...models import JobStatus, Role
from ...questionnaire import Questionnaire
from ...services.audit import record_audit
from ...services.frames import SelectionError
from ...services.jobs import FAILED, NOT_FOUND, QUEUE_DOWN, STOPPED, job_for, start_job
from ...services.open_answers import themes
from ...services.questionnaires import current_version, current_versions, definition_of, option_changes
from ...services.report_cache import finished_report_job, keep_report, kept_report
from ...services.reports import ReportParams, compute_report
from ..access import current_scope, for_styrgrupp, visible_organisation_ids
from . import blueprint
from .charts import bar_svg
from .drawings import item_drawings, matrix_drawings, paired_drawing
from .open_answers import answers_url, open_answer_lists, theme_filter
from .selection import report_params, select


def _questionnaire(key: str) -> Questionnaire:
    version = current_version(key)
    if version is None:
        abort(404)
    g.report_questionnaire = definition_of(version)
    return g.report_questionnaire


def label(labels: tuple[Label, ...]) -> str:
    """A group's or dimension's label in the reader's language; crossings joined by ×."""
    parts = []
    for lab in labels:
        if lab.domain == "questionnaires":
            parts.append(qtext(lab.text))
        elif lab.domain == "messages":
            parts.append(_(lab.text))
        else:
            parts.append(lab.text)
    return " × ".join(parts)


def interval(ci) -> str:
    if ci is None:
        return "–"
    low, high = (format_number(v, 2) for v in ci)
    return _("%(low)s till %(high)s", low=low, high=high)


def p_value(p: float | None) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return _("< %(limit)s", limit=format_number(0.001, 3))
    return format_number(p, 3)


def count(n: int | None) -> str:
    return format_number(n, 0)


def signed(value: float | None) -> str:
    """A difference with its sign: +0,45 or −0,20."""
    if value is None:
        return "–"
    text = format_number(value, 2)
    return "+" + text if round_half_up(value, 2) > 0 else text


def _labels(question, codes) -> str:
    labels = [qtext(o.label) for o in question.options if o.code in codes]
    return format_list(labels, style="or", locale=get_locale()) if labels else ""


def positive_labels(question) -> str:
    return _labels(question, question.positive)


def not_applicable_labels(question) -> str:
    """The answers n leaves out (Vill inte svara, Vet ej, …), for the note under a table."""
    return _labels(question, {o.code for o in question.options if o.not_applicable})


@blueprint.context_processor
def _helpers() -> dict:
    def dimension_name(key: str) -> str:
        questionnaire = g.report_questionnaire
        return label(dimension_label(questionnaire, key))

    return {
        "report_label": label,
        "status_text": lambda s: _(STATUS[s]) if s else "–",
        "count": count,
        "signed": signed,
        "positive_labels": positive_labels,
        "not_applicable_labels": not_applicable_labels,
        "dimension_name": dimension_name,
    }


@blueprint.get("/")
@for_styrgrupp
def index():
    questionnaires = sorted(
        (definition_of(v) for v in current_versions().values()), key=lambda q: q.key
    )
    return render_template("reports/index.html", questionnaires=questionnaires)


#: the jobs whose result is a file to download
FILE_JOBS = ("report_xlsx", "evaluator_export")
#: the query parameter naming the job that computed a report page
JOB_ARGUMENT = "jobb"


@blueprint.get("/<key>")
@for_styrgrupp
def report_page(key: str):
    selection = select(_questionnaire(key))
    use_questionnaire(key)
    params = report_params(selection)
    report, version = kept_report(params)
    if report is None:
        page = url_for("reports.report_page", key=key) + _query(selection.query())
        account = current_user._get_current_object()
        job = job_for(request.args.get(JOB_ARGUMENT, ""), account, visible_organisation_ids(),
                      current_scope().project_id)
        if job is not None and (job.kind != "report_page"
                                or ReportParams.from_json(job.params["report"]) != params):
            job = None  # another report's job: this page starts its own
        # the same report counted before over the same data (by a job another server ran)
        job = job or finished_report_job(params, account, visible_organisation_ids(), version)
        if job is not None and job.status == JobStatus.DONE:
            report = pickle.loads(job.result)  # noqa: S301 - written by run_report_page
            if job.params.get("version") == list(version):
                keep_report(params, report, version)  # counted over the data as it is now
        elif job is not None:
            return redirect(url_for("reports.job_page", job_id=job.id), 303)
        elif version[0] >= current_app.config["REPORT_JOB_RESPONSES"]:
            # too many answers to count within one request: a job counts them meanwhile
            job = start_job("report_page", {"report": params.to_json(), "page": page,
                                            "version": list(version), "project_id": params.project_id},
                            account, visible_organisation_ids())
            return redirect(url_for("reports.job_page", job_id=job.id), 303)
        else:
            try:
                report = compute_report(params)
            except SelectionError:
                abort(404)
            keep_report(params, report, version)
    return render_template(
        "reports/report.html",
        report=report,
        selection=selection,
        q=report.questionnaire,
        interval=interval,
        p_value=p_value,
        bar_svg=bar_svg,
        item_drawings=item_drawings,
        matrix_drawings=matrix_drawings,
        paired_drawing=paired_drawing,
        matrices=_matrices(report),
        rows_per_item=1 + sum(len(d.groups) for d in report.dimensions),
        round_list=", ".join(
            _("%(round)s (från %(start)s)", round=name, start=format_day(report.round_starts[name]))
            if name in report.round_starts else name
            for name in report.rounds
        ) or "–",
        download=url_for("reports.download", key=key) + _query(selection.query()),
        **_open_answers(selection),
        evaluator_download=(url_for("reports.evaluator_export", key=key) + _query(selection.query())
                            if current_user.role in (Role.ADMIN, Role.PROJEKTLEDNING) else None),
        formats=FORMATS,
        option_changes=_option_changes(report.questionnaire),
    )


def _option_changes(questionnaire) -> list[dict]:
    """Where the answer alternatives changed between versions answered, in words for the page."""
    def labels(question, codes) -> str:
        option = question.option if question else (lambda code: None)
        return ", ".join(qtext(option(code).label) if option(code) else code for code in codes)

    found = []
    for change in option_changes(questionnaire.key):
        try:
            question = questionnaire.question(change.question)
        except KeyError:
            question = None
        found.append({"question": qtext(question.text) if question else change.question,
                      "version": change.version, "since": format_day(change.loaded_at),
                      "added": labels(question, change.added),
                      "relabelled": labels(question, change.relabelled),
                      "removed": ", ".join(change.removed)})
    return found


def _open_answers(selection) -> dict:
    """The open answers' lists and what their forms need (themes; tagging for projektledning)."""
    # free texts are answers per person: never for styrgrupp
    listings = open_answer_lists(selection) if current_scope().sees_persons else []
    return {
        "open_answers": listings,
        "themes": themes(current_scope().project_id) if listings else [],
        "can_tag": current_user.role == Role.PROJEKTLEDNING.value,
        "answers_url": lambda question, page=None, theme=None: answers_url(selection, question, page, theme),
        "theme_filter": theme_filter,
        "questions_by_key": {q.key: q for q in selection.questionnaire.questions},
        "page_path": request.full_path.rstrip("?"),
        "month": lambda at: format_day(at, "LLLL y"),
    }


def _matrices(report) -> dict[str, list]:
    """Each matrix question's rows' results, drawn together."""
    matrices: dict[str, list] = {}
    for result in report.items:
        if result.item.row is not None:
            matrices.setdefault(result.item.question.key, []).append(result)
    return matrices


def _query(args: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(args) if args else ""


@blueprint.post("/<key>.xlsx")
@for_styrgrupp
def download(key: str):
    """Starts the Excel file of the selection as a job and shows its progress."""
    selection = select(_questionnaire(key))
    # answer-level rows only for those who see every kommun: in one kommun's rows a
    # samordnare could tell who answered (see README, Security)
    answer_level = current_user.sees_all_organisations and current_user.sees_persons
    include_text = answer_level and request.args.get("text") == "1"
    params = report_params(selection, answer_level=answer_level, include_text=include_text,
                           coarsened=current_user.role != Role.ADMIN)
    back = url_for("reports.report_page", key=key) + _query(selection.query())
    job = start_job(
        "report_xlsx",
        {"report": params.to_json(), "locale": str(get_locale()), "back": back,
         "project_id": params.project_id},
        current_user._get_current_object(),
        visible_organisation_ids(),
    )
    return redirect(url_for("reports.job_page", job_id=job.id), 303)


@blueprint.post("/<key>.export")
def evaluator_export(key: str):
    """Starts the evaluator's files (SPSS, Stata or CSV and the codebook) as a job; only
    projektledning and the administrator may, and a refused attempt is logged."""
    if current_user.role not in (Role.ADMIN, Role.PROJEKTLEDNING):
        record_audit(current_user._get_current_object(), "export.refused", f"{key} (utvärderarens filer)")
        db.session.commit()
        abort(403)
    selection = select(_questionnaire(key))
    file_format = request.form.get("format", "")
    if file_format not in FORMATS:
        abort(400)
    include_text = request.form.get("text") == "1"
    params = report_params(selection, answer_level=True, include_text=include_text,
                           coarsened=current_user.role != Role.ADMIN)
    back = url_for("reports.report_page", key=key) + _query(selection.query())
    job = start_job("evaluator_export", {"report": params.to_json(), "format": file_format, "back": back,
                                         "project_id": params.project_id},
                    current_user._get_current_object(), visible_organisation_ids())
    return redirect(url_for("reports.job_page", job_id=job.id), 303)


JOB_ERRORS = {
    NOT_FOUND: _l("Urvalet finns inte längre: ett mättillfälle eller formulär har tagits bort."),
    FAILED: _l("Filen kunde inte skapas. Försök igen; händer det igen, kontakta administratören."),
    STOPPED: _l("Arbetet avbröts innan filen blev klar. Försök igen."),
    QUEUE_DOWN: _l("Arbetskön svarar inte just nu. Försök igen om en stund."),
}
JOB_STATUS = {
    JobStatus.QUEUED: _l("Väntar på sin tur …"),
    JobStatus.RUNNING: _l("Filen skapas …"),
    JobStatus.DONE: _l("Filen är klar."),
    JobStatus.FAILED: _l("Filen kunde inte skapas."),
}
#: what a report page's job says instead
REPORT_JOB_STATUS = {
    JobStatus.QUEUED: _l("Väntar på sin tur …"),
    JobStatus.RUNNING: _l("Rapporten räknas fram …"),
    JobStatus.DONE: _l("Rapporten är klar."),
    JobStatus.FAILED: _l("Rapporten kunde inte räknas fram."),
}


def _job(job_id: str):
    job = job_for(job_id, current_user._get_current_object(), visible_organisation_ids(),
                  current_scope().project_id)
    if job is None:
        abort(404)
    return job


def _job_state(job) -> dict:
    done = job.status == JobStatus.DONE
    texts, target = JOB_STATUS, url_for("reports.job_file", job_id=job.id)
    if job.kind == "report_page":  # done: the report page, shown from the job
        page = job.params.get("page") or url_for("reports.index")
        texts, target = REPORT_JOB_STATUS, f"{page}{'&' if '?' in page else '?'}{JOB_ARGUMENT}={job.id}"
    return {
        "status": job.status,
        "progress": job.progress,
        "text": str(texts[JobStatus(job.status)]),
        "error": (str(JOB_ERRORS.get(job.error, JOB_ERRORS[FAILED]))
                  if job.status == JobStatus.FAILED else None),
        "file": target if done else None,
    }


@blueprint.get("/jobs/<job_id>")
@for_styrgrupp
def job_page(job_id: str):
    job = _job(job_id)
    return render_template("reports/job.html", job=job, state=_job_state(job),
                           is_report=job.kind == "report_page",
                           back=job.params.get("back") or url_for("reports.index"))


@blueprint.get("/jobs/<job_id>/status")
@for_styrgrupp
def job_status(job_id: str):
    return jsonify(_job_state(_job(job_id)))


@blueprint.get("/jobs/<job_id>/file")
@for_styrgrupp
def job_file(job_id: str):
    job = _job(job_id)
    if job.status != JobStatus.DONE or job.result is None or job.kind not in FILE_JOBS:
        abort(404)
    return send_file(io.BytesIO(job.result), mimetype=job.mimetype, as_attachment=True,
                     download_name=job.filename)
