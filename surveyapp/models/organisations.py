from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._time import utcnow


class OrganisationKind(enum.StrEnum):
    KOMMUN = "kommun"
    REGION = "region"
    ANNAN = "annan"


class Organisation(db.Model):
    """A kommun, region or other body whose staff and participants answer."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("kind IN ('kommun', 'region', 'annan')", name="kind"),
    )

    #: surrogate key
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the name as written in imports and reports, e.g. "Mariestad"
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: kommun, region or annan
    kind: Mapped[str] = mapped_column(String(20), default=OrganisationKind.KOMMUN.value)
    #: when it was added
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
