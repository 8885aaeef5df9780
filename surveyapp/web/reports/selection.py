"""What a report page shows: the filters of the query string, limited to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort, request

from ...analysis.groups import CROSS, UnknownDimension, available, parse
from ...models import Organisation
from ...questionnaire import Questionnaire
from ...services.frames import ordered_rounds
from ...services.reports import ReportParams
from ..access import current_scope, visible_organisation_ids, visible_organisations


@dataclass(frozen=True)
class Selection:
    questionnaire: Questionnaire
    rounds: tuple[str, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    since: date | None = None
    until: date | None = None
    dimensions: tuple[str, ...] = ()
    shift_from: str | None = None
    shift_to: str | None = None
    #: what the user may choose from
    all_rounds: tuple[str, ...] = ()
    all_organisations: tuple[Organisation, ...] = ()
    all_dimensions: tuple[str, ...] = field(default=())
    #: the period was given the wrong way round and its two dates have changed places
    swapped: bool = False

    def query(self) -> list[tuple[str, str]]:
        """The query string that selects the same report (for the Excel download)."""
        args = [("round", r) for r in self.rounds]
        args += [("organisation", str(o.id)) for o in self.organisations]
        args += [("by", d) for d in self.dimensions]
        for name, value in (("since", self.since), ("until", self.until)):
            if value:
                args.append((name, value.isoformat()))
        for name, value in (("from", self.shift_from), ("to", self.shift_to)):
            if value:
                args.append((name, value))
        return args

    def filters(self) -> dict[str, str]:
        shown = {}
        if self.organisations:
            shown["organisation"] = ", ".join(o.name for o in self.organisations)
        if self.since:
            shown["since"] = self.since.isoformat()
        if self.until:
            shown["until"] = self.until.isoformat()
        return shown


def _date(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


def select(questionnaire: Questionnaire) -> Selection:
    """Reads the filters; a samordnare's organisations bound every choice (404 otherwise)."""
    visible = visible_organisations()
    by_id = {o.id: o for o in visible}
    chosen = []
    for value in request.args.getlist("organisation"):
        if not value.isdigit() or int(value) not in by_id:
            abort(404)
        chosen.append(by_id[int(value)])
    known_rounds = tuple(r.name for r in ordered_rounds(questionnaire.key, visible_organisation_ids(),
                                                        current_scope().project_id))
    rounds = tuple(r for r in known_rounds if r in set(request.args.getlist("round")))
    if len(rounds) != len(set(request.args.getlist("round"))):
        abort(404)
    shift_from = request.args.get("from") or None
    shift_to = request.args.get("to") or None
    for name in (shift_from, shift_to):
        if name is not None and name not in known_rounds:
            abort(404)  # another kommun's round does not exist for this user
        if name is not None and name not in (rounds or known_rounds):
            abort(400)
    try:
        dimensions = tuple(dict.fromkeys(parse(questionnaire, d) for d in request.args.getlist("by") if d))
    except UnknownDimension:
        abort(400)
    singles = available(questionnaire)
    crossings = tuple(
        f"{a}{CROSS}{b}" for a, b in (("kon", "fodelseregion"), ("kon", "organisation")) if a in singles
    )
    since, until = _date("since"), _date("until")
    swapped = bool(since and until and until < since)
    if swapped:
        since, until = until, since
    return Selection(
        questionnaire=questionnaire,
        rounds=rounds,
        organisations=tuple(chosen),
        since=since,
        until=until,
        swapped=swapped,
        dimensions=dimensions,
        shift_from=shift_from,
        shift_to=shift_to,
        all_rounds=known_rounds,
        all_organisations=tuple(visible),
        all_dimensions=singles + crossings,
    )


def report_params(selection: Selection, answer_level: bool = False,
                  include_text: bool = False, coarsened: bool = True) -> ReportParams:
    """The report of a selection, over the organisations the user may see and no others."""
    visible = visible_organisation_ids()
    chosen = {o.id for o in selection.organisations}
    organisation_ids = chosen or visible
    if visible is not None and organisation_ids is not None:
        organisation_ids = set(organisation_ids) & set(visible)
    return ReportParams(
        questionnaire_key=selection.questionnaire.key,
        rounds=selection.rounds,
        organisation_ids=None if organisation_ids is None else tuple(sorted(organisation_ids)),
        covering=None if visible is None else tuple(sorted(visible)),
        since=selection.since.isoformat() if selection.since else None,
        until=selection.until.isoformat() if selection.until else None,
        dimensions=selection.dimensions,
        shift_from=selection.shift_from,
        shift_to=selection.shift_to,
        filters=selection.filters(),
        answer_level=answer_level,
        include_text=include_text,
        coarsened=coarsened,
        project_id=current_scope().project_id,
    )
