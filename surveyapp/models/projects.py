from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow


class Project(db.Model):
    """One project of the samordningsförbund: its rounds, register, goal assessments and themes
    belong to it; what it is judged on lies in its newest :class:`ProjectSetup`."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="period"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the project's name, e.g. "Cresco+"; unique in the installation
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: the project period's first day
    starts_on: Mapped[date | None]
    #: the project period's last day
    ends_on: Mapped[date | None]
    #: an archived project is read-only and still reported
    archived: Mapped[bool] = mapped_column(default=False)
    #: when it was made
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    setups: Mapped[list[ProjectSetup]] = relationship(
        back_populates="project", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ProjectSetup.version")

    def __repr__(self) -> str:
        return f"<Project {self.name!r}>"


class ProjectSetup(db.Model):
    """One saved version of a project's set-up; the newest is the current one. A goal table
    names the version it was computed from."""

    __tablename__ = "project_setups"
    __table_args__ = (UniqueConstraint("project_id", "version"),)

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the project
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: 1, 2, … in the order saved
    version: Mapped[int]
    #: the set-up in the project file's shape (participants, questionnaires, projektmal, …)
    setup: Mapped[dict] = mapped_column(JSON)
    #: who saved it (an e-mail, or "command line")
    created_by: Mapped[str] = mapped_column(String(254), default="")
    #: when it was saved
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="setups")


#: the staff accounts bound to a project (projektledning, samordnare, styrgrupp); admin holds
#: every project without a row here
project_members = Table(
    "project_members",
    db.Model.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
)


#: a samordnare's kommuner in one project, where they differ from the account's: without rows
#: for a project, the samordnare works there for every organisation bound to the account
project_member_organisations = Table(
    "project_member_organisations",
    db.Model.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)


class SeveralProjects(LookupError):
    """Something that belongs to a project was made without naming one while the installation
    holds several projects."""


def sole_project_id(context=None) -> int:
    """The column default of ``project_id``: the installation's only project. Code that does not
    name a project works while there is one; with several it must name it."""
    query = select(Project.id).order_by(Project.id).limit(2)
    if context is not None:
        ids = list(context.connection.execute(query).scalars())
    else:
        ids = list(db.session.scalars(query))
    if len(ids) != 1:
        raise SeveralProjects("name the project: the installation holds "
                              + ("no project" if not ids else "several projects"))
    return ids[0]
