from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db
from ._time import utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """Work started from a page and done off the request path (an Excel export), with its
    progress and its result.

    Kept in the database, so whichever server process shows the progress page or serves the
    download sees the same job, whichever process (a thread of a web process, or an RQ
    worker) runs it. The id is random and long; only the account that started the job may
    see it, and only while that account still sees every organisation the job covered.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_created_at", "created_at"),)

    #: random url-safe token (secrets.token_urlsafe), the job's address
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: what the job does ("report_xlsx")
    kind: Mapped[str] = mapped_column(String(40))
    #: the parameters the job runs with (JSON)
    params: Mapped[dict] = mapped_column(JSON)
    #: who started it; their jobs go with a deleted account
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    #: the organisations the starter could see when the job began; None: all of them
    scope: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=JobStatus.QUEUED.value)
    #: 0–100
    progress: Mapped[int] = mapped_column(Integer, default=0)
    #: why a job failed, as a key of the messages the progress page knows
    error: Mapped[str | None] = mapped_column(String(40))
    #: the technical detail of a failure, for the log and the administrator, never the page
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the last time the job reported (its heartbeat)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    #: the file the job made, its name and its type; loaded only when downloaded
    result: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    filename: Mapped[str | None] = mapped_column(String(200))
    mimetype: Mapped[str | None] = mapped_column(String(100))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class DataGeneration(db.Model):
    """One counter, raised in the same transaction as any change to what reports are computed
    from besides the answers themselves: the register, insatser, rounds, organisations,
    invitations, questionnaire versions. Staff make those changes, rarely; a submission never
    touches this row (reports see new answers through their count and largest id)."""

    __tablename__ = "data_generations"

    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
