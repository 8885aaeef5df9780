"""Background jobs: work started from a page (an Excel export) runs off the request path.

A job is a row in ``jobs`` (see :class:`~surveyapp.models.Job`): any server process can show
its progress and serve its file. Who runs it depends on the configuration:

* ``REDIS_URL`` set (``SURVEYAPP_REDIS_URL``): an RQ queue on that Redis; ``surveyapp worker``
  runs the jobs, on as many machines as wanted;
* otherwise a small pool of threads in the web process itself (``JOB_THREADS``), started the
  first time a job is queued, so ``surveyapp run`` needs nothing more;
* ``JOB_RUNNER = "inline"`` runs the job before the request that started it returns (tests
  that hold the whole test in one database transaction).

Finished jobs and their files are deleted ``JOB_KEEP_HOURS`` after they were started; a job
that has not reported for ``JOB_STALE_MINUTES`` (its process ended) is shown as failed.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import threading
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, update

from ..extensions import db
from ..models import Account, Job, JobStatus
from ..models._time import utcnow

log = logging.getLogger(__name__)

#: why a job failed, for the progress page (the page words them in the reader's language)
NOT_FOUND = "not_found"
FAILED = "failed"
STOPPED = "stopped"
QUEUE_DOWN = "queue"

#: kind → function(job, progress) returning (file bytes, file name, mime type)
Handler = Callable[[Job, Callable[[int], None]], tuple[bytes, str, str]]


def _handlers() -> dict[str, Handler]:
    from .evaluator import run_evaluator_export
    from .goal_downloads import run_goal_docx, run_goal_xlsx
    from .goal_page import run_goal_page
    from .reports import run_report_page, run_report_xlsx

    return {"report_xlsx": run_report_xlsx, "report_page": run_report_page, "goal_xlsx": run_goal_xlsx,
            "goal_docx": run_goal_docx, "goal_page": run_goal_page,
            "evaluator_export": run_evaluator_export}


class JobError(Exception):
    """A job cannot be done; ``code`` says why in words the progress page knows."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail or code)
        self.code = code


def runner(app: Flask | None = None) -> str:
    config = (app or current_app).config
    return config.get("JOB_RUNNER") or ("rq" if config.get("REDIS_URL") else "thread")


def start_job(kind: str, params: dict, account: Account, scope: Collection[int] | None) -> Job:
    """Stores a new job for ``account`` and hands it to the runner (committing it first, so
    another process can pick it up)."""
    if kind not in _handlers():
        raise ValueError(f"unknown job kind {kind!r}")
    delete_old_jobs()
    job = Job(
        id=secrets.token_urlsafe(32),
        kind=kind,
        params=params,
        account_id=account.id,
        scope=None if scope is None else sorted(scope),
        status=JobStatus.QUEUED.value,
        progress=0,
    )
    db.session.add(job)
    db.session.commit()
    dispatch(job.id)
    return job


def dispatch(job_id: str) -> None:
    app = current_app._get_current_object()
    how = runner(app)
    if how == "inline":
        run_job(job_id)
    elif how == "rq":
        try:
            queue(app).enqueue(
                perform, job_id, job_id=f"{redis_prefix(app)}-{job_id}",
                job_timeout=app.config["JOB_TIMEOUT_SECONDS"], result_ttl=0, failure_ttl=3600,
            )
        except Exception as exc:  # noqa: BLE001 - Redis down: the job fails, the page says so
            log.exception("could not queue job %s", job_id)
            _fail(job_id, QUEUE_DOWN, f"{type(exc).__name__}: {exc}")
    else:
        _executor(app).submit(_run_in_app, app, job_id)


# -- the in-process runner --------------------------------------------------------------

_EXECUTORS_LOCK = threading.Lock()


def _executor(app: Flask) -> ThreadPoolExecutor:
    """The web process's job threads, made on first use (after a server has forked)."""
    with _EXECUTORS_LOCK:
        pool = app.extensions.get("surveyapp.jobs")
        if pool is None or pool[0] != os.getpid():
            executor = ThreadPoolExecutor(max_workers=app.config["JOB_THREADS"], thread_name_prefix="job")
            pool = app.extensions["surveyapp.jobs"] = (os.getpid(), executor)
        return pool[1]


def _run_in_app(app: Flask, job_id: str) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def wait_for_jobs(app: Flask) -> None:
    """Waits until the in-process runner's queued jobs are done (commands and tests)."""
    pool = app.extensions.pop("surveyapp.jobs", None)
    if pool is not None:
        pool[1].shutdown(wait=True)


# -- the RQ runner ----------------------------------------------------------------------

def redis_prefix(app: Flask | None = None) -> str:
    return (app or current_app).config["REDIS_PREFIX"]


def redis_connection(app: Flask | None = None):
    from redis import Redis

    app = app or current_app
    connection = app.extensions.get("surveyapp.redis")
    if connection is None or connection[0] != os.getpid():
        connection = app.extensions["surveyapp.redis"] = (
            os.getpid(), Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=3, socket_timeout=10),
        )
    return connection[1]


def queue_name(app: Flask | None = None) -> str:
    return f"{redis_prefix(app)}-jobs"


def rq_key_prefix(app: Flask | None = None) -> str:
    """What RQ's own keys (``…:queues``, ``…:workers``, ``…:job:<id>``) begin with: the
    installation's prefix, so that installations sharing a Redis never meet."""
    return f"{redis_prefix(app)}:rq"


def rq_module(app: Flask | None = None):
    """The ``rq`` package, loaded with this installation's key prefix.

    RQ reads its key prefix once, from ``RQ_KEY_PREFIX`` in the environment as it is first
    imported; a process serves one installation, so the first app to use the queue sets it.
    """
    wanted = rq_key_prefix(app)
    if "rq" not in sys.modules:
        os.environ["RQ_KEY_PREFIX"] = wanted
    import rq
    import rq.defaults

    if wanted != rq.defaults.RQ_KEY_PREFIX:
        raise RuntimeError(f"RQ was loaded with the key prefix {rq.defaults.RQ_KEY_PREFIX!r}, "
                           f"but this installation's is {wanted!r} (SURVEYAPP_REDIS_PREFIX)")
    return rq


def queue(app: Flask | None = None):
    return rq_module(app).Queue(queue_name(app), connection=redis_connection(app))


#: the app an RQ worker process runs jobs in (set by ``surveyapp worker``)
_worker_app: Flask | None = None
_worker_pid: int | None = None


def set_worker_app(app: Flask) -> None:
    global _worker_app, _worker_pid
    _worker_app, _worker_pid = app, os.getpid()


def perform(job_id: str) -> None:
    """What an RQ worker runs: one job, in the worker's app (in a process of its own)."""
    forked = _worker_pid is not None and _worker_pid != os.getpid()
    if has_app_context() and not forked:
        run_job(job_id)
        return
    app = _worker_app
    if app is None:
        from ..app import create_app

        app = create_app()
        set_worker_app(app)
    with app.app_context():
        if forked:
            # a forked work horse: the parent's pooled connections are not ours to use
            db.engine.dispose(close=False)
        try:
            run_job(job_id)
        finally:
            db.session.remove()


# -- running a job ----------------------------------------------------------------------

def run_job(job_id: str) -> None:
    """Runs one queued job to its end: its file stored, or why it failed."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return  # deleted, or picked up twice
    job.status = JobStatus.RUNNING.value
    job.updated_at = utcnow()
    db.session.commit()

    def progress(percent: int) -> None:
        db.session.execute(
            update(Job).where(Job.id == job_id).values(progress=max(0, min(99, int(percent))),
                                                        updated_at=utcnow())
        )
        db.session.commit()

    try:
        content, filename, mimetype = _handlers()[job.kind](job, progress)
    except JobError as exc:
        db.session.rollback()
        _fail(job_id, exc.code, str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - any failure ends the job, with its reason logged
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        _fail(job_id, FAILED, f"{type(exc).__name__}: {exc}")
        return
    now = utcnow()
    db.session.execute(
        update(Job).where(Job.id == job_id).values(
            status=JobStatus.DONE.value, progress=100, result=content, filename=filename,
            mimetype=mimetype, updated_at=now, finished_at=now,
        )
    )
    db.session.commit()


def _fail(job_id: str, code: str, detail: str) -> None:
    now = utcnow()
    db.session.execute(
        update(Job).where(Job.id == job_id).values(
            status=JobStatus.FAILED.value, error=code, detail=detail[:2000], updated_at=now, finished_at=now,
        )
    )
    db.session.commit()


# -- reading a job ----------------------------------------------------------------------

def job_for(job_id: str, account: Account, visible: Collection[int] | None,
            project_id: int | None = None) -> Job | None:
    """The job, if ``account`` started it and still sees every organisation it covered
    (``visible``: the organisations the account sees now; None: all). None otherwise, so
    another user's job looks the same as one that never existed."""
    if not job_id or len(job_id) > 64:
        return None
    job = db.session.get(Job, job_id, populate_existing=True)
    if job is None or job.account_id != account.id:
        return None
    if visible is not None and (job.scope is None or not set(job.scope) <= set(visible)):
        return None
    if project_id is not None and (job.params or {}).get("project_id") not in (None, project_id):
        return None  # another project's job, though the same account started it (a job made
        # before the installation had projects names none)
    if not job.finished:
        stale = timedelta(minutes=current_app.config["JOB_STALE_MINUTES"])
        if job.updated_at < utcnow() - stale:
            _fail(job.id, STOPPED, "no progress reported")
            job = db.session.get(Job, job_id, populate_existing=True)
    return job


def delete_old_jobs() -> int:
    """Deletes jobs (and their files) started more than ``JOB_KEEP_HOURS`` ago."""
    before = utcnow() - timedelta(hours=current_app.config["JOB_KEEP_HOURS"])
    deleted = db.session.execute(
        delete(Job).where(Job.created_at < before).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return deleted or 0
