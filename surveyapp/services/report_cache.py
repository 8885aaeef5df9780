"""Reports kept per questionnaire, selection and data version: a page asked for twice over
the same data is computed once.

The data version is read on every request and must stay cheap and uncontended: the count
and largest id of the questionnaire's responses (a new answer raises both, a purge lowers the
count), plus :class:`~surveyapp.models.DataGeneration`, one counter that rises in the same
transaction as any change to the register, insatser, rounds, organisations, invitations sent,
questionnaire versions or an answer changed in place. Submissions only insert answers, so they
never touch that row.

With ``REDIS_URL`` the reports are kept in Redis (pickled, ``REPORT_CACHE_SECONDS``), shared by
every server; otherwise in a bounded in-process LRU (``REPORT_CACHE_SIZE`` reports).
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import (
    Answer,
    DataGeneration,
    Invitation,
    Organisation,
    ParticipantCode,
    ParticipantInsats,
    QuestionnaireVersion,
    Response,
    Round,
    RoundExpectation,
    RoundRole,
)

if TYPE_CHECKING:  # the report's modules load pandas and SciPy, which a command may not need
    from ..analysis.report import Report
    from .reports import ReportParams

log = logging.getLogger(__name__)

#: any insert, update or delete of these changes reports
STRUCTURE = (ParticipantCode, ParticipantInsats, Round, RoundExpectation, RoundRole, Organisation,
             QuestionnaireVersion)
#: answers change reports when changed or deleted in place (new ones raise the count)
IN_PLACE = (Response, Answer)
#: invitations sent change response rates; their use comes with a new answer
SENT = (Invitation,)


@dataclass
class CacheStats:
    computed: int = 0
    hits: int = 0


class LocalCache:
    """A bounded, thread-safe LRU with an age limit, in this process."""

    def __init__(self, size: int, seconds: float):
        self.size, self.seconds = size, seconds
        self.items: OrderedDict[str, tuple[float, Report]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Report | None:
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return found[1]

    def set(self, key: str, report: Report) -> None:
        with self.lock:
            self.items[key] = (time.monotonic() + self.seconds, report)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


class RedisCache:
    """Reports in Redis, shared by every server; a Redis that does not answer means no cache."""

    def __init__(self, app: Flask, seconds: int):
        self.app, self.seconds = app, seconds
        self.prefix = f"{app.config['REDIS_PREFIX']}:report:"

    def _redis(self):
        from .jobs import redis_connection

        return redis_connection(self.app)

    def get(self, key: str) -> Report | None:
        try:
            data = self._redis().get(self.prefix + key)
        except Exception as exc:  # noqa: BLE001 - the cache is an optimisation only
            log.warning("report cache unavailable: %s", exc)
            return None
        return None if data is None else pickle.loads(data)  # noqa: S301 - our own Redis

    def set(self, key: str, report: Report) -> None:
        try:
            data = pickle.dumps(report, pickle.HIGHEST_PROTOCOL)
            self._redis().set(self.prefix + key, data, ex=self.seconds)
        except Exception as exc:  # noqa: BLE001
            log.warning("report cache unavailable: %s", exc)


def _state(app: Flask):
    state = app.extensions.get("surveyapp.report_cache")
    if state is None:
        config = app.config
        backend = (RedisCache(app, config["REPORT_CACHE_SECONDS"]) if config.get("REDIS_URL")
                   else LocalCache(config["REPORT_CACHE_SIZE"], config["REPORT_CACHE_SECONDS"]))
        state = app.extensions["surveyapp.report_cache"] = (backend, CacheStats())
    return state


def stats(app: Flask | None = None) -> CacheStats:
    """How many reports this process computed and how many it found cached."""
    return _state(app or current_app._get_current_object())[1]


def data_version(questionnaire_key: str) -> tuple[int, int, int]:
    """(responses, largest response id, generation): changes whenever the report could."""
    count, largest = db.session.execute(
        select(func.count(Response.id), func.max(Response.id))
        .join(Round, Round.id == Response.round_id)
        .where(Round.questionnaire_key == questionnaire_key)
    ).one()
    generation = db.session.scalar(select(DataGeneration.generation).where(DataGeneration.id == 1))
    return int(count or 0), int(largest or 0), int(generation or 0)


def cache_key(params: ReportParams, version: tuple[int, ...]) -> str:
    from ..analysis.suppression import RULES  # the analysis loads pandas: only when a report is asked for

    text = json.dumps([params.to_json(), list(version), RULES], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def kept_report(params: ReportParams) -> tuple[Report | None, tuple[int, int, int]]:
    """The report of ``params`` if the same data gave it before (else None), and the data
    version (its first number: how many answers the questionnaire has)."""
    backend, counters = _state(current_app._get_current_object())
    version = data_version(params.questionnaire_key)
    report = backend.get(cache_key(params, version))
    if report is not None:
        counters.hits += 1
    return report, version


def keep_report(params: ReportParams, report: Report, version: tuple[int, ...] | None = None) -> None:
    """Keeps a report computed elsewhere (a job) for the data it was computed from."""
    backend, counters = _state(current_app._get_current_object())
    counters.computed += 1
    backend.set(cache_key(params, version or data_version(params.questionnaire_key)), report)


def finished_report_job(params: ReportParams, account, visible, version: tuple[int, int, int]):
    """A report page's job that ``account`` finished over the data as it is now (``version``),
    if any (so that a server whose own cache does not hold the report finds it all the same)."""
    from ..models import Job, JobStatus
    from .jobs import job_for
    from .reports import ReportParams

    version = list(version)
    recent = db.session.scalars(
        select(Job.id).where(Job.account_id == account.id, Job.kind == "report_page",
                             Job.status == JobStatus.DONE.value)
        .order_by(Job.created_at.desc()).limit(20)
    ).all()
    for job_id in recent:
        job = job_for(job_id, account, visible)
        if (job is not None and job.params.get("version") == version
                and ReportParams.from_json(job.params["report"]) == params):
            return job
    return None


def all_data_version() -> tuple[int, int, int]:
    """(responses, largest response id, generation) over every questionnaire."""
    count, largest = db.session.execute(select(func.count(Response.id), func.max(Response.id))).one()
    generation = db.session.scalar(select(DataGeneration.generation).where(DataGeneration.id == 1))
    return int(count or 0), int(largest or 0), int(generation or 0)


def _value_key(kind: str, params: dict, version: tuple[int, ...]) -> str:
    from ..analysis.suppression import RULES  # a result kept under another rule is not reused

    text = json.dumps([kind, params, list(version), RULES], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def kept_value(kind: str, params: dict):
    """A project-wide result (``kind``: the goal table, the insatser table, …) of ``params``
    if the same data gave it before (else None), and the data version it stands for."""
    backend, counters = _state(current_app._get_current_object())
    version = all_data_version()
    value = backend.get(_value_key(kind, params, version))
    if value is not None:
        counters.hits += 1
    return value, version


def keep_value(kind: str, params: dict, value, version: tuple[int, ...]) -> None:
    backend, counters = _state(current_app._get_current_object())
    counters.computed += 1
    backend.set(_value_key(kind, params, version), value)


def kept_or_computed(kind: str, params: dict, compute):
    """The kept result of ``params``, or ``compute()`` kept for the data it was computed from."""
    value, version = kept_value(kind, params)
    if value is None:
        value = compute()
        keep_value(kind, params, value, version)
    return value


# -- the generation counter -----------------------------------------------------------------

def _bump(session: Session) -> None:
    table = DataGeneration.__table__
    connection = session.connection()
    raised = connection.execute(
        update(table).where(table.c.id == 1).values(generation=table.c.generation + 1)
    ).rowcount
    if not raised:
        connection.execute(table.insert().values(id=1, generation=1))


def _changes_reports(session: Session) -> bool:
    for obj in session.new:
        if isinstance(obj, STRUCTURE + SENT):
            return True
    for obj in session.deleted:
        if isinstance(obj, STRUCTURE + IN_PLACE + SENT):
            return True
    return any(isinstance(obj, STRUCTURE + IN_PLACE) and session.is_modified(obj) for obj in session.dirty)


def _after_flush(session: Session, _context) -> None:
    if _changes_reports(session):
        _bump(session)


def _do_orm_execute(state) -> None:
    """Bulk statements (``update(Round)…``, ``delete(Response)…``) raise it too."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    classes = {m.class_ for m in state.all_mappers}
    if state.is_insert:
        watched = STRUCTURE + SENT
    elif state.is_update:  # an invitation marked used comes with its new answer
        watched = STRUCTURE + IN_PLACE
    else:
        watched = STRUCTURE + IN_PLACE + SENT
    if classes & set(watched) and DataGeneration not in classes:
        _bump(state.session)


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
