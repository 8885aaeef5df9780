from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._time import utcnow
from .projects import sole_project_id
from .responses import Answer


class AnswerTheme(db.Model):
    """A theme projektledning tags open (free-text) answers with, such as "Väntetider".

    Themes belong to a project; names are unique within it.
    """

    __tablename__ = "answer_themes"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the project the theme belongs to
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True, default=sole_project_id)
    #: the theme's name as projektledning wrote it
    name: Mapped[str] = mapped_column(String(100))
    #: when it was made (UTC)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tags: Mapped[list[AnswerTag]] = relationship(
        back_populates="theme", cascade="all, delete-orphan", passive_deletes=True
    )


class AnswerTag(db.Model):
    """One open answer tagged with one theme; goes with the answer when answers are purged."""

    __tablename__ = "answer_tags"

    #: the tagged free-text answer
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    #: the theme
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("answer_themes.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: when it was tagged (UTC)
    tagged_at: Mapped[datetime] = mapped_column(default=utcnow)

    theme: Mapped[AnswerTheme] = relationship(back_populates="tags")
    answer: Mapped[Answer] = relationship()
