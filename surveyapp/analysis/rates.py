"""Response rates of a round: answers against the expected number, invitations used against
sent, and kiosk answers per day. Computed from the database by ``services.rates``; shown on the
round page and written into the JSON report and the Excel summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .figures import percent


@dataclass(frozen=True)
class Rate:
    """``answered`` of ``expected``; ``pct`` is None when nothing is expected (shown as "–")."""

    answered: int
    expected: int | None

    @property
    def pct(self) -> float | None:
        """0–100, unrounded (pages round for display)."""
        if not self.expected:
            return None
        return 100.0 * self.answered / self.expected

    @property
    def pct_rounded(self) -> float | None:
        """0–100 to one decimal, half-up (JSON)."""
        return percent(self.answered, self.expected, 1) if self.expected else None

    @property
    def fraction(self) -> float | None:
        """The one-decimal percentage as a fraction (Excel stores 33.3 % as 0.333)."""
        pct = self.pct_rounded
        return None if pct is None else float(Decimal(str(pct)) / 100)


@dataclass(frozen=True)
class RateRow:
    organisation_id: int
    organisation: str
    #: the role (staff questionnaires), else None
    role: str | None
    rate: Rate


@dataclass(frozen=True)
class InvitationRow:
    organisation_id: int
    organisation: str
    role: str | None
    sent: int
    used: int


@dataclass(frozen=True)
class ResponseRates:
    round_id: int
    #: the round's name
    round: str
    rows: tuple[RateRow, ...]
    #: the rows that have an expected number, together: their answers against the sum
    #: (answers from rows without one are not in it); without any, all answers and no rate
    total: Rate
    #: every answer of the round in the organisations shown
    answered: int
    invitations: tuple[InvitationRow, ...]
    #: (day, answers) for each day a kiosk tablet took answers, oldest first
    kiosk_by_day: tuple[tuple[date, int], ...]

    @property
    def invitations_sent(self) -> int:
        return sum(i.sent for i in self.invitations)

    @property
    def invitations_used(self) -> int:
        return sum(i.used for i in self.invitations)
