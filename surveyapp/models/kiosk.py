from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class KioskTally(db.Model):
    """How many responses kiosk tablets took per round, organisation and day.

    A count only: it says nothing about which responses they were.
    """

    __tablename__ = "kiosk_tallies"
    __table_args__ = (CheckConstraint("answers >= 0", name="answers"),)

    #: the round answered
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    #: the organisation of the kiosk
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    #: the day (server's local date)
    day: Mapped[date] = mapped_column(primary_key=True)
    #: responses stored that day
    answers: Mapped[int] = mapped_column(default=0)
