"""Response rates of a round: answers against the expected number, invitations used
against sent, and kiosk answers per day. Pages and reports read them from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import Invitation, KioskTally, Response, Round
from .staff_rounds import covered_organisations, expectation_map


@dataclass(frozen=True)
class Rate:
    """``answered`` of ``expected``; ``pct`` is None when nothing is expected (shown as "–")."""

    answered: int
    expected: int | None

    @property
    def pct(self) -> float | None:
        if not self.expected:
            return None
        return 100.0 * self.answered / self.expected


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
    rows: tuple[RateRow, ...]
    #: all rows together; ``expected`` is the sum of the expected numbers given
    total: Rate
    invitations: tuple[InvitationRow, ...]
    #: (day, answers) for each day a kiosk tablet took answers, oldest first
    kiosk_by_day: tuple[tuple[date, int], ...]

    @property
    def invitations_sent(self) -> int:
        return sum(i.sent for i in self.invitations)

    @property
    def invitations_used(self) -> int:
        return sum(i.used for i in self.invitations)


def response_rates(round_: Round, organisation_ids: set[int] | None = None) -> ResponseRates:
    """The response rates of a round, limited to ``organisation_ids`` (None: all)."""
    organisations = [
        o for o in covered_organisations(round_) if organisation_ids is None or o.id in organisation_ids
    ]
    wanted = {o.id for o in organisations}
    answered: dict[tuple[int, str], int] = {}
    for org_id, role, n in db.session.execute(
        select(Response.organisation_id, Response.role, func.count())
        .where(Response.round_id == round_.id)
        .group_by(Response.organisation_id, Response.role)
    ):
        if org_id in wanted:
            answered[(org_id, role or "")] = n
    expected = {k: v for k, v in expectation_map(round_).items() if k[0] in wanted}

    roles = list(round_.role_codes)
    for _org, role in list(answered) + list(expected):
        if role and role not in roles:
            roles.append(role)
    rows = []
    for organisation in organisations:
        for role in roles or [""]:
            key = (organisation.id, role)
            n = answered.get(key, 0) + (0 if roles else sum(
                v for (o, r), v in answered.items() if o == organisation.id and r
            ))
            rows.append(RateRow(organisation.id, organisation.name, role or None,
                                Rate(n, expected.get(key))))
    total_expected = [r.rate.expected for r in rows if r.rate.expected is not None]
    total = Rate(sum(r.rate.answered for r in rows), sum(total_expected) if total_expected else None)

    names = {o.id: o.name for o in organisations}
    invitations = tuple(
        InvitationRow(org_id, names[org_id], role, sent, int(used or 0))
        for org_id, role, sent, used in db.session.execute(
            select(Invitation.organisation_id, Invitation.role, func.count(),
                   func.sum(func.cast(Invitation.used, db.Integer)))
            .where(Invitation.round_id == round_.id)
            .group_by(Invitation.organisation_id, Invitation.role)
            .order_by(Invitation.organisation_id, Invitation.role)
        )
        if org_id in wanted
    )
    kiosk = select(KioskTally.day, func.sum(KioskTally.answers)).where(KioskTally.round_id == round_.id)
    if organisation_ids is not None:
        kiosk = kiosk.where(KioskTally.organisation_id.in_(wanted or {-1}))
    kiosk = kiosk.group_by(KioskTally.day).order_by(KioskTally.day)
    kiosk_by_day = tuple((day, int(n)) for day, n in db.session.execute(kiosk))
    return ResponseRates(round_.id, tuple(rows), total, invitations, kiosk_by_day)
