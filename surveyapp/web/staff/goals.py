"""Måluppfyllelse: the project's goal table (projektledning sees every kommun, a samordnare
their own), with the motivering and bedömning projektledning writes beside each computed
status; the same figures as ``surveyapp goals --json`` and the project workbook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...analysis.goals import GoalFigure
from ...analysis.project import VERDICTS, TableGoal, verdict_of
from ...exports.labels import STATUS
from ...extensions import db
from ...i18n import format_number, format_pct, qtext
from ...models import JobStatus, Role
from ...questionnaire import QuestionnaireError
from ...questionnaire.messages import N_
from ...services import goal_page
from ...services.audit import record_audit
from ...services.jobs import job_for, start_job
from ...services.project import assessments, goal_keys, save_assessment
from ...services.register import background_questions
from ...services.report_cache import keep_value, kept_value
from ..access import current_scope, for_styrgrupp, roles_required, visible_organisation_ids
from . import blueprint
from .forms import AssessmentForm
from .goal_downloads import BadDay, page_args, query_day
from .register import INSATS_LABELS


@dataclass(frozen=True)
class Shown:
    """A figure as the page writes it: value, "k av n" and status."""

    value: str
    detail: str
    status: str | None
    suppressed: bool = False


def shown(goal: TableGoal, figure: GoalFigure, target: float | None = None) -> Shown:
    if figure.suppressed:
        return Shown("–", "", None, True)
    status = figure.status.value if figure.status else None
    if figure.share is not None:
        if figure.share.n == 0:
            return Shown("–", "", None)
        return Shown(format_pct(figure.share.pct), _("%(k)s av %(n)s", k=format_number(figure.share.k, 0),
                                                     n=format_number(figure.share.n, 0)), status)
    if goal.measure == "participants":
        detail = _("av %(target)s", target=format_number(target, 0)) if target else ""
        return Shown(format_number(figure.n or 0, 0), detail, status)
    if figure.delta is None:
        return Shown("–", "", None)
    value = format_number(figure.delta, 2)
    if figure.delta > 0:
        value = "+" + value
    detail = f"n = {format_number(figure.n, 0)}"
    if figure.ci95 is not None:
        detail += " · " + _("KI %(low)s till %(high)s", low=format_number(figure.ci95[0], 2),
                            high=format_number(figure.ci95[1], 2))
    return Shown(value, detail, status)


def goal_label(goal: TableGoal) -> str:
    """A row's name: an interface text, a questionnaire text, or the project file's own words."""
    if goal.domain == "project":
        return goal.label
    return _(goal.label) if goal.domain == "messages" else qtext(goal.label)


def target_text(goal: TableGoal) -> str:
    if goal.target is None:
        return "–"
    if isinstance(goal.target, tuple):
        return _("%(low)s–%(high)s %%", low=format_number(goal.target[0]), high=format_number(goal.target[1]))
    if goal.measure == "participants":
        return format_number(goal.target, 0)
    if goal.is_percentage:
        return format_pct(goal.target)
    return _("över %(value)s", value=format_number(goal.target, 2))


def target_note(goal: TableGoal) -> str:
    """Whose target a kommun's view judges the row by."""
    if goal.target_of is None:
        return ""
    if not goal.target_of:
        return _("Kommunen har inget eget mål.")
    return _("Mål för %(names)s", names=", ".join(goal.target_of))


def group_name(dim: str, group: str) -> str:
    if dim == "organisation":
        return group
    if dim == "fodelseregion":
        return {"sverige_norden": _("Född i Sverige/Norden"), "utanfor_norden": _("Född utanför Norden")
                }.get(group, group)
    question = background_questions().get(dim)
    option = question.option(group) if question else None
    return qtext(option.label) if option else group


VERDICT_TEXTS = {"uppnatt": N_("Uppnått"), "delvis": N_("Delvis uppnått"), "ej_uppnatt": N_("Ej uppnått"),
                 "osaker": N_("Osäker")}


def _date_argument(name: str) -> date | None:
    """An ISO date from the query; a wrong one is said and left out."""
    try:
        return query_day(name)
    except BadDay as exc:
        flash(_("”%(value)s” är inget datum (ÅÅÅÅ-MM-DD); tabellen visar i dag.", value=str(exc)[:40]))
        return None


def change_text(goal: TableGoal, now: GoalFigure, then: GoalFigure | None) -> str:
    """The change of a row's value from the earlier date: percentage points or scale steps."""
    if then is None or now.suppressed or then.suppressed or now.value is None or then.value is None:
        return "–"
    if goal.measure == "participants":
        change = (now.n or 0) - (then.n or 0)
        return ("+" if change > 0 else "") + format_number(change, 0)
    if now.share is not None and then.share is not None:
        if not now.share.n or not then.share.n:
            return "–"
        change = now.share.pct_whole - then.share.pct_whole
        return _("%(sign)s%(value)s procentenheter", sign="+" if change > 0 else "",
                 value=format_number(change, 0))
    change = now.value - then.value
    return ("+" if change > 0 else "") + format_number(change, 2)


#: the query parameter naming the job that computed a page
JOB_ARGUMENT = "jobb"


@blueprint.get("/maluppfyllelse")
@roles_required(Role.PROJEKTLEDNING, Role.SAMORDNARE)
@for_styrgrupp
def goals():
    as_of, compare = _date_argument("per"), _date_argument("jamfor")
    visible = visible_organisation_ids()
    project_id = current_scope().project_id
    params = goal_page.page_params(visible, as_of, compare, project_id)
    page, version = kept_value(goal_page.KEPT, params)
    if page is None:
        account = current_user._get_current_object()
        job = job_for(request.args.get(JOB_ARGUMENT, ""), account, visible, project_id)
        if job is not None and (job.kind != goal_page.KIND or job.params.get("page") != params):
            job = None  # another page's job (another day, kommun or data): this page starts its own
        # the same page computed before over the same data (by a job another server ran)
        job = job or goal_page.finished_job(params, account, visible, version, project_id)
        if job is not None and job.status == JobStatus.DONE:
            page = goal_page.page_of(job)
            if job.params.get("version") == list(version):
                keep_value(goal_page.KEPT, params, page, version)
        elif job is not None:
            return redirect(url_for("staff.goal_job", job_id=job.id), 303)
        elif version[0] >= current_app.config["REPORT_JOB_RESPONSES"]:
            # too many answers to compute within one request: a job computes the page meanwhile
            job = start_job(goal_page.KIND, {
                "page": params, "version": list(version), "project_id": project_id,
                "back": url_for("staff.goals", **page_args(as_of, compare))}, account, visible)
            return redirect(url_for("staff.goal_job", job_id=job.id), 303)
        else:
            try:
                page = goal_page.compute_page(visible, as_of, compare, project_id=project_id)
            except QuestionnaireError as exc:
                abort(500, "\n".join(exc.problems))
            keep_value(goal_page.KEPT, params, page, version)
    table, earlier, insatser, beside = page.table, page.earlier, page.insatser, page.beside
    written = assessments(project_id)
    breakdowns = []
    for dim in table.dimensions:
        groups = []
        for goal in table.goals:
            for group in goal.by.get(dim, {}):
                if group not in groups:
                    groups.append(group)
        if groups:
            breakdowns.append((dim, groups))
    forms = {}
    if current_user.role == Role.PROJEKTLEDNING.value:
        for goal in table.goals:
            found = written.get(goal.key)
            assessment = found.assessment if found and found.assessment in VERDICTS else ""
            forms[goal.key] = AssessmentForm(
                formdata=None, prefix=f"goal-{goal.key}",
                assessment=assessment, motivering=found.motivering if found else "")
    return render_template(
        "staff/goals.html", table=table, earlier=earlier, as_of=as_of, compare=compare,
        breakdowns=breakdowns, written=written, forms=forms, shown=shown,
        goal_label=goal_label, target_text=target_text, target_note=target_note, group_name=group_name,
        change_text=change_text,
        verdict_of=lambda goal: verdict_of(goal.total.status,
                                           written[goal.key].assessment if goal.key in written else None),
        verdict_text=lambda v: _(VERDICT_TEXTS[v]) if v else "",
        status_text=lambda s: _(STATUS[s]) if s else "–",
        titles={key: report.questionnaire.title for key, report in table.reports.items()},
        insatser=[r for r in insatser if r.total.k],
        beside={k: v for k, v in beside.items() if v},
        staff_texts=_staff_texts(beside),
        insats_organisations=sorted({o for r in insatser for o in r.by}, key=str.casefold),
        insats_labels=INSATS_LABELS,
        p_text=lambda p: "–" if p is None else (_("< %(limit)s", limit=format_number(0.001, 3))
                                                  if p < 0.001 else format_number(p, 3)),
        dimension_names={"kon": _("Kön"), "aldersgrupp": _("Ålder"), "fodelseregion": _("Födelseregion"),
                         "organisation": _("Kommun")},
    )


@blueprint.post("/maluppfyllelse/bedomning")
@roles_required(Role.PROJEKTLEDNING)
def save_goal_assessment():
    """Stores projektledning's motivering and bedömning of one goal; the audit log keeps it."""

    key = request.form.get("goal", "")
    prefix = f"goal-{key}"
    form = AssessmentForm(prefix=prefix)
    project_id = current_scope().project_id
    if key not in goal_keys(project_id):
        abort(404)
    if not form.validate_on_submit():
        flash(_("Bedömningen sparades inte: %(reason)s",
                reason=" ".join(e for errs in form.errors.values() for e in errs)))
        return redirect(url_for(".goals")), 303
    assessment = (form.assessment.data or "").strip()
    motivering = (form.motivering.data or "").strip()
    save_assessment(key, motivering, assessment, current_user.email, project_id)
    record_audit(current_user, "goal.assess", f"{key}: {assessment} – {motivering}", project_id=project_id)
    db.session.commit()
    flash(_("Bedömningen är sparad."))
    return redirect(url_for(".goals", _anchor=f"goal-{key}"))


def _staff_texts(beside) -> dict[str, str]:
    from ...services.questionnaires import current_version, definition_of

    texts = {}
    for key in beside:
        version = current_version(key)
        if version is not None:
            texts.update({q.key: q.text for q in definition_of(version).questions})
    return texts
