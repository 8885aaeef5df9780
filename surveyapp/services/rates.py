"""Response rates of a round from the database (the figures: :mod:`surveyapp.analysis.rates`).
Pages and reports read them from here."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from sqlalchemy import func, select

from ..analysis.rates import InvitationRow, Rate, RateRow, ResponseRates
from ..analysis.report import Report
from ..extensions import db
from ..models import Invitation, KioskTally, Response, Round
from .staff_rounds import covered_organisations, expectation_map


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
    answered_all = sum(r.rate.answered for r in rows)
    with_expected = [r.rate for r in rows if r.rate.expected is not None]
    if with_expected:
        total = Rate(sum(r.answered for r in with_expected), sum(r.expected for r in with_expected))
    else:
        total = Rate(answered_all, None)

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
    return ResponseRates(round_.id, round_.name, tuple(rows), total, answered_all, invitations, kiosk_by_day)


def rates_of_rounds(questionnaire_key: str, round_names: Sequence[str],
                    organisation_ids: Collection[int] | None = None,
                    project_id: int | None = None) -> tuple[ResponseRates, ...]:
    """The response rates of the named rounds of a questionnaire, in the order given."""
    of_questionnaire = select(Round).filter_by(questionnaire_key=questionnaire_key)
    if project_id is not None:
        of_questionnaire = of_questionnaire.filter_by(project_id=project_id)
    rounds = {r.name: r for r in db.session.scalars(of_questionnaire)}
    wanted = set(organisation_ids) if organisation_ids is not None else None
    return tuple(response_rates(rounds[name], wanted) for name in round_names if name in rounds)


def with_response_rates(report: Report, organisation_ids: Collection[int] | None = None,
                        project_id: int | None = None) -> Report:
    """The report with its rounds' response rates, over the same organisations."""
    rates = rates_of_rounds(report.questionnaire.key, report.rounds, organisation_ids, project_id)
    return replace(report, response_rates=rates)
