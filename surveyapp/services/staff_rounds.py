"""Rounds as staff manage them: which organisations they cover, which roles they invite
and how many respondents they expect."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import exists, or_, select

from ..extensions import db
from ..models import Organisation, Round, RoundExpectation, RoundRole, round_organisations, sole_project_id
from ..questionnaire.messages import N_

NAME_TAKEN = N_("Det finns redan ett mättillfälle som heter ”%(name)s” för den här enkäten.")
BAD_DATES = N_("Sista dagen kan inte vara före första dagen.")
PAST_CLOSE = N_("Sista dagen har redan varit, så ingen skulle kunna svara. Välj i dag eller en senare dag.")
UNKNOWN_ROLE = N_("Rollen ”%(value)s” finns inte i enkäten.")


class RoundError(Exception):
    def __init__(self, field: str, msgid: str, **params):
        super().__init__(msgid % params if params else msgid)
        self.field = field
        self.msgid = msgid
        self.params = params


def visible_rounds(organisation_ids: set[int] | None, project_id: int | None = None) -> list[Round]:
    """The project's rounds covering any of the organisations (None: every round), newest first."""
    query = select(Round).order_by(Round.created_at.desc(), Round.id.desc())
    if project_id is not None:
        query = query.where(Round.project_id == project_id)
    if organisation_ids is not None:
        covered = exists().where(round_organisations.c.round_id == Round.id)
        mine = exists().where(
            round_organisations.c.round_id == Round.id,
            round_organisations.c.organisation_id.in_(organisation_ids or {-1}),
        )
        query = query.where(or_(~covered, mine))
    return list(db.session.scalars(query))


def covered_organisations(round_: Round) -> list[Organisation]:
    """The organisations of a round; every organisation when the round names none."""
    if round_.organisations:
        return list(round_.organisations)
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def save_round(
    round_: Round | None,
    *,
    questionnaire_key: str,
    name: str,
    opens_on: date | None,
    closes_on: date | None,
    organisations: Iterable[Organisation],
    roles: Iterable[str] = (),
    allowed_roles: Iterable[str] = (),
    project_id: int | None = None,
) -> Round:
    """Creates a round or changes one; raises :class:`RoundError` naming the bad field."""
    name = " ".join((name or "").split())
    if opens_on and closes_on and closes_on < opens_on:
        raise RoundError("closes_on", BAD_DATES)
    # a past last day is refused when it is set, not when an old round that ended keeps it
    if closes_on and closes_on < date.today() and (round_ is None or closes_on != round_.closes_on):
        raise RoundError("closes_on", PAST_CLOSE)
    if project_id is None:
        project_id = round_.project_id if round_ is not None else sole_project_id()
    existing = db.session.scalar(select(Round).filter_by(questionnaire_key=questionnaire_key, name=name,
                                                         project_id=project_id))
    if existing is not None and existing is not round_:
        raise RoundError("name", NAME_TAKEN, name=name)
    roles = list(dict.fromkeys(roles))
    for role in roles:
        if role not in set(allowed_roles):
            raise RoundError("roles", UNKNOWN_ROLE, value=role)
    if round_ is None:
        round_ = Round(questionnaire_key=questionnaire_key, project_id=project_id)
        db.session.add(round_)
    round_.name = name
    round_.opens_on = opens_on
    round_.closes_on = closes_on
    round_.organisations = list(organisations)
    round_.roles = [RoundRole(role=r) for r in roles]
    db.session.flush()
    return round_


def set_expectations(round_: Round, expected: Mapping[tuple[int, str], int | None]) -> None:
    """Replaces the expected numbers; keys are (organisation id, role or "").

    Rows that stay are changed in place: a flush inserts before it deletes, so replacing
    them would collide with the unique (round, organisation, role) constraint.
    """
    existing = {(e.organisation_id, e.role): e for e in round_.expectations}
    kept = []
    for (org_id, role), n in sorted(expected.items()):
        if n is None:
            continue
        row = existing.get((org_id, role))
        if row is None:
            row = RoundExpectation(organisation_id=org_id, role=role, expected=n)
        row.expected = n
        kept.append(row)
    round_.expectations = kept
    db.session.flush()


def expectation_map(round_: Round) -> dict[tuple[int, str], int]:
    return {(e.organisation_id, e.role): e.expected for e in round_.expectations}
