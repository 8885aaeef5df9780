"""What Måluppfyllelse shows, computed in one place for the page and for its job.

Over many answers the goal table (and the insatser and staff rating tables beside it) takes
seconds to compute; a web worker computing them is a worker a participant's page waits behind.
So the page, when nothing has kept its figures over the data as it is now, starts a
``goal_page`` job (as a report page does, see ``REPORT_JOB_RESPONSES``), shows its progress
and then the page from the job's result. The job computes exactly what the page would for the
kommuner its starter sees (the job's scope) on the days asked for, and only its starter, still
seeing those kommuner, is shown it.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..extensions import db

#: the job kind of a Måluppfyllelse page computed off the request
KIND = "goal_page"
#: what the page and the job keep the figures under (see report_cache.kept_value)
KEPT = "goal_page"


@dataclass(frozen=True)
class GoalPage:
    """The figures of one Måluppfyllelse page."""

    table: object
    earlier: object
    insatser: tuple
    beside: dict


def page_params(organisations: Collection[int] | None, as_of: date | None, compare: date | None,
                project_id: int | None = None) -> dict:
    """What a page's figures depend on besides the data: which project, whose kommuner, which
    days, the project's set-up, and today (what is due depends on the day)."""
    from .project import _project_stamp

    return {"project_id": project_id,
            "organisations": sorted(organisations) if organisations is not None else None,
            "as_of": as_of.isoformat() if as_of else None,
            "compare": compare.isoformat() if compare else None,
            "project": _project_stamp(project_id), "today": date.today().isoformat()}


def compute_page(organisations: Collection[int] | None, as_of: date | None, compare: date | None,
                 progress: Callable[[int], None] = lambda _percent: None,
                 project_id: int | None = None) -> GoalPage:
    """The page's figures of a project for ``organisations`` (None: every kommun)."""
    from .insatser import insatser_report
    from .project import goal_table, staff_beside_own
    from .report_cache import kept_or_computed

    table = goal_table(organisations, as_of=as_of, full_reports=False, project_id=project_id)
    progress(50)
    earlier = goal_table(organisations, as_of=compare, full_reports=False,
                         project_id=project_id) if compare else None
    progress(70)
    insatser = kept_or_computed(
        "insatser", {"organisations": sorted(organisations) if organisations is not None else None,
                     "threshold": table.threshold, "project_id": project_id},
        lambda: insatser_report(organisations, table.threshold, project_id))
    progress(85)
    beside = staff_beside_own(organisations, table.threshold, project_id)
    return GoalPage(table, earlier, tuple(insatser), beside)


def run_goal_page(job, progress: Callable[[int], None]) -> tuple[bytes, str, str]:
    """The ``goal_page`` job: the page's figures for the job's scope, kept for the data they
    were computed over and stored in the job (the page that started it shows them from there)."""
    from .report_cache import all_data_version, keep_value

    params = job.params["page"]
    scope = None if job.scope is None else sorted(job.scope)
    if params.get("organisations") != scope:
        raise ValueError("the job's scope is not the page's")
    version = all_data_version()
    page = compute_page(scope, _day(params.get("as_of")), _day(params.get("compare")), progress,
                        project_id=params.get("project_id"))
    keep_value(KEPT, params, page, version)
    return pickle.dumps(page, pickle.HIGHEST_PROTOCOL), "maluppfyllelse", "application/octet-stream"


def page_of(job) -> GoalPage:
    return pickle.loads(job.result)  # noqa: S301 - written by run_goal_page


def finished_job(params: dict, account, visible, version: tuple[int, ...], project_id: int | None = None):
    """A page job of ``account`` for the same page, finished over the data as it is now, if
    any (a server whose own cache does not hold the page finds it all the same)."""
    from ..models import Job, JobStatus
    from .jobs import job_for

    recent = db.session.scalars(
        select(Job.id).where(Job.account_id == account.id, Job.kind == KIND,
                             Job.status == JobStatus.DONE.value)
        .order_by(Job.created_at.desc()).limit(20)
    ).all()
    for job_id in recent:
        job = job_for(job_id, account, visible, project_id)
        if (job is not None and job.params.get("version") == list(version)
                and job.params.get("page") == params):
            return job
    return None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
