"""Counting answers per cell in the database: one GROUP BY over the selected answers gives
every figure of a report (``analysis/cells.py`` says what a cell is), and one more the
paired items' pairs, counted per pairing, profile and difference."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from datetime import date

import pandas as pd
from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    String,
    and_,
    cast,
    extract,
    func,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import aliased

from ..analysis.cells import (
    COUNT_COLUMNS,
    Cells,
    answered_background,
    attributes_for,
    empty_counts,
    empty_profiles,
    has_ratings,
    normalise_combos,
    register_attribute,
)
from ..analysis.data import items_of
from ..analysis.groups import GOAL_DIMENSIONS, available, parse
from ..analysis.numbers import NUMBER_COLUMNS, empty_numbers, number_questions
from ..analysis.register import BACKGROUND
from ..analysis.shifts import typed_pair_counts
from ..extensions import db
from ..models import Answer, Organisation, ParticipantCode, Response
from .frames import selection

#: attributes whose values are whole numbers
NUMERIC_ATTRIBUTES = ("enrolled_year", "enrolled_month", "days_in_project")


def load_cells(
    questionnaire_key: str,
    *,
    dimensions: Sequence[str] = (),
    rounds: Sequence[str] = (),
    organisation_ids: Collection[int] | None = None,
    since: date | None = None,
    until: date | None = None,
    covering: Collection[int] | None = None,
    enrolled_until: date | None = None,
    min_days: int | None = None,
    today: date | None = None,
    questions: Collection[str] | None = None,
    project_id: int | None = None,
    between_rounds: bool = True,
) -> Cells:
    """The answers of a selection (as :func:`frames.load_answers` takes it) counted per cell,
    with the attributes the ``dimensions`` and the goals need. ``enrolled_until`` and
    ``min_days`` leave out participants as :func:`register.limit_enrolment` does. Paired items'
    pairs are counted from each code's first to its latest rating and, with ``between_rounds``,
    from its first in one round to its latest in another (a report's ``shift_from``/``shift_to``)."""
    questionnaire, selected, conditions = selection(
        questionnaire_key, rounds=rounds, organisation_ids=organisation_ids, since=since, until=until,
        covering=covering, enrolled_until=enrolled_until, min_days=min_days, today=today,
        project_id=project_id,
    )
    keys = [parse(questionnaire, d) for d in dimensions]
    keys += [d for d in GOAL_DIMENSIONS if d in available(questionnaire)]
    attributes = attributes_for(questionnaire, keys)

    _for_counting()
    columns, joined = _attribute_columns(questionnaire, attributes, organisation_ids)
    round_names = {r.id: r.name for r in selected}

    def finish(frame: pd.DataFrame) -> pd.DataFrame:
        return _readable(frame, attributes, round_names)

    profiles = finish(pd.DataFrame.from_records(
        db.session.execute(
            joined(select(*columns, func.count().label("responses")).select_from(Response))
            .where(*conditions).group_by(*columns)
        ).all(),
        columns=[*attributes, "responses"],
    ))
    if profiles.empty:
        profiles = empty_profiles(attributes)
    profiles = profiles.reset_index(drop=True)

    items = [i for i in items_of(questionnaire) if questions is None or i.question.key in questions]
    multi = sorted({i.question.key for i in items if i.question.type == "multi"})
    single = sorted({i.question.key for i in items} - set(multi))
    number = Answer.number
    answer_keys = (Answer.question_key, Answer.row_key, Answer.code)
    counted = joined(
        select(*columns, *answer_keys, func.count(), func.sum(number), func.sum(number * number),
               func.count(number))
        .select_from(Answer).join(Response, Response.id == Answer.response_id)
    ).where(*conditions, Answer.code.is_not(None), Answer.question_key.in_(single)).group_by(
        *columns, *answer_keys)
    counts = finish(pd.DataFrame.from_records(
        db.session.execute(counted).all(), columns=[*attributes, *COUNT_COLUMNS]))

    if multi:
        per_response = (
            select(Answer.response_id, Answer.question_key, Answer.row_key, _joined_codes().label("combo"))
            .join(Response, Response.id == Answer.response_id)
            .where(*conditions, Answer.code.is_not(None), Answer.question_key.in_(multi))
            .group_by(Answer.response_id, Answer.question_key, Answer.row_key)
            .subquery()
        )
        combo_keys = (per_response.c.question_key, per_response.c.row_key, per_response.c.combo)
        combos = joined(
            select(*columns, *combo_keys, func.count())
            .select_from(per_response).join(Response, Response.id == per_response.c.response_id)
        ).group_by(*columns, *combo_keys)
        combo_frame = finish(pd.DataFrame.from_records(
            db.session.execute(combos).all(), columns=[*attributes, "question", "row", "combo", "count"]))
        combo_frame = combo_frame.assign(total=0.0, total_sq=0.0, numbers=0)
        counts = pd.concat([counts, combo_frame], ignore_index=True) if len(counts) else combo_frame

    counts, profiles = _with_profile(counts, profiles, attributes)
    if counts.empty:
        counts = empty_counts()
    else:
        counts = counts[["profile", *COUNT_COLUMNS]].astype(
            {"count": "int64", "total": "float64", "total_sq": "float64", "numbers": "int64"})
        counts["total"] = counts["total"].fillna(0.0)
        counts["total_sq"] = counts["total_sq"].fillna(0.0)
        counts = normalise_combos(counts)

    pairs, profiles = _pairs(questionnaire, items, columns, joined, conditions, attributes, round_names,
                             profiles, between_rounds)
    numbers, profiles = _numbers(questionnaire, questions, columns, joined, conditions, attributes,
                                 round_names, profiles)

    background = ()
    if questionnaire.uses_participant_code:
        from .register import background_questions

        background = tuple(background_questions().values())
    return Cells(
        questionnaire=questionnaire,
        rounds=tuple(r.name for r in selected),
        profiles=profiles,
        counts=counts,
        pairs=pairs,
        between_rounds=between_rounds,
        round_starts=tuple(r.start for r in selected),
        background=background,
        numbers=numbers,
    )


def _numbers(questionnaire, questions, columns, joined, conditions, attributes, round_names, profiles):
    """The whole-number questions' answers: one row per answer, with its response's profile."""
    keys = [q.key for q in number_questions(questionnaire) if questions is None or q.key in questions]
    if not keys:
        return {}, profiles
    rows = db.session.execute(
        joined(select(Response.id, Answer.question_key, Answer.number, *columns)
               .select_from(Answer).join(Response, Response.id == Answer.response_id))
        .where(*conditions, Answer.number.is_not(None), Answer.code.is_(None), Answer.question_key.in_(keys))
    ).all()
    names = ["response_id", "question", "number", *attributes]
    frame = pd.DataFrame.from_records(rows, columns=names)
    responses = frame.drop_duplicates("response_id")[["response_id", *attributes]]
    responses, profiles = _with_profile(_readable(responses, attributes, round_names), profiles, attributes)
    profile_of = dict(zip(responses["response_id"], responses["profile"], strict=True))
    frame = frame.assign(profile=frame["response_id"].map(profile_of))
    numbers = {}
    for key in keys:
        mine = frame[frame["question"] == key]
        numbers[key] = mine[list(NUMBER_COLUMNS)].astype(
            {"response_id": "int64", "number": "float64", "profile": "int64"}).reset_index(drop=True) \
            if len(mine) else empty_numbers()
    return numbers, profiles


def _for_counting() -> None:
    """PostgreSQL: these few large aggregations are not worth compiling (JIT takes seconds
    on them) and sort in memory with a larger work_mem; both only until the transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))


def _joined_codes():
    """The codes of one answer joined by commas (their order is set afterwards)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.string_agg(Answer.code, literal_column("','"))
    return func.group_concat(Answer.code, ",")


def _attribute_columns(questionnaire, attributes: Sequence[str], organisation_ids: Collection[int] | None):
    """The SQL expression of each attribute, and a function adding the joins they need to a
    query over responses. The register is read only for the selected organisations, as
    :func:`frames.register_frame` reads it."""
    background = answered_background(questionnaire, attributes)
    aliases = {name: aliased(Answer, name=f"background_{question.key}")
               for name, question in background.items()}
    needs_register = any(
        a in attributes for a in (*NUMERIC_ATTRIBUTES, *(register_attribute(k) for k in BACKGROUND)))
    columns = []
    for attribute in attributes:
        if attribute == "round":
            columns.append(Response.round_id)
        elif attribute == "organisation":
            columns.append(Response.organisation_id)
        elif attribute in ("role", "channel"):
            columns.append(getattr(Response, attribute))
        elif attribute in aliases:
            columns.append(aliases[attribute].code)
        elif attribute == "enrolled_year":
            columns.append(extract("year", ParticipantCode.enrolled_on))
        elif attribute == "enrolled_month":
            columns.append(extract("month", ParticipantCode.enrolled_on))
        elif attribute == "days_in_project":
            columns.append(_days_between(ParticipantCode.enrolled_on, Response.submitted_at))
        else:
            columns.append(getattr(ParticipantCode, attribute.removeprefix("register_")))
    labelled = [c.label(f"attribute_{i}") for i, c in enumerate(columns)]

    def joined(query):
        for name, alias in aliases.items():
            question = background[name]
            query = query.outerjoin(alias, and_(
                alias.response_id == Response.id,
                alias.question_key == question.key,
                alias.row_key == "",
                alias.code.not_in(question.not_applicable_codes),
            ))
        if needs_register:
            registered = [ParticipantCode.code == Response.participant_code]
            if organisation_ids is not None:
                registered.append(ParticipantCode.organisation_id.in_(list(organisation_ids) or [-1]))
            query = query.outerjoin(ParticipantCode, and_(*registered))
        return query

    return labelled, joined


def _days_between(first, submitted_at):
    """Whole days from ``first`` to the day of ``submitted_at``."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(submitted_at, Date) - first
    return cast(func.julianday(func.date(submitted_at)) - func.julianday(first), Integer)


def _readable(frame: pd.DataFrame, attributes: Sequence[str], round_names: dict[int, str]) -> pd.DataFrame:
    """Rounds and organisations by name, whole numbers as int, missing values as None."""
    if frame.empty:
        return frame
    frame = frame.copy()
    if "round" in attributes:
        frame["round"] = frame["round"].map(round_names)
    if "organisation" in attributes:
        ids = [int(i) for i in frame["organisation"].dropna().unique()]
        names = dict(db.session.execute(select(Organisation.id, Organisation.name)
                                        .where(Organisation.id.in_(ids))).all()) if ids else {}
        frame["organisation"] = frame["organisation"].map(names)
    for attribute in attributes:
        values = frame[attribute].astype(object)
        if attribute in NUMERIC_ATTRIBUTES:
            values = [None if v is None or pd.isna(v) else int(v) for v in values]
        else:
            values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]
        frame[attribute] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def _with_profile(frame: pd.DataFrame, profiles: pd.DataFrame,
                  attributes: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gives each row its profile number, by its attributes. A profile the responses' count did
    not see (its responses were stored or deleted between the two statements) is added with no
    responses, so that a report read while answers arrive still adds up."""
    if frame.empty:
        return frame.assign(profile=pd.Series(dtype="int64")), profiles
    numbers = {tuple(row): i for i, row in enumerate(profiles[list(attributes)].itertuples(index=False))}
    keys = [tuple(key) for key in frame[list(attributes)].itertuples(index=False)]
    missing = list(dict.fromkeys(key for key in keys if key not in numbers))
    if missing:
        added = pd.DataFrame(missing, columns=list(attributes), dtype=object).assign(responses=0)
        profiles = pd.concat([profiles, added], ignore_index=True)
        numbers.update({key: len(numbers) + i for i, key in enumerate(missing)})
    return frame.assign(profile=[numbers[key] for key in keys]), profiles


def _pairs(questionnaire, items, columns, joined, conditions, attributes, round_names, profiles,
           rounds: bool):
    """The paired items' pairs counted in the database (:data:`shifts.PAIR_COUNT_COLUMNS`), for
    pairing :func:`shifts.pair_counts` counts from the ratings: each code's first and latest
    rating (ordered by time, then response) and, with ``rounds``, its first in one round and
    latest in another. Not-applicable codes carry no number, so they are left out."""
    paired = [i for i in items if has_ratings(questionnaire, i)]
    if not paired:
        return {}, profiles
    rated = (
        select(Answer.question_key.label("question"), Answer.row_key.label("row"),
               Response.participant_code.label("code"), Response.round_id.label("round_id"),
               _rating_key(Response.submitted_at, Response.id, Answer.number).label("key"))
        .select_from(Answer).join(Response, Response.id == Answer.response_id)
        .where(
            *conditions,
            Response.participant_code.is_not(None),
            Answer.number.is_not(None),
            Answer.question_key.in_(sorted({i.question.key for i in paired})),
        )
    ).cte("rated")

    def ends(*by):
        """Per code and item (and ``by``): the keys of its first and its latest rating."""
        keys = (rated.c.question, rated.c.row, rated.c.code, *by)
        return select(*keys, func.min(rated.c.key).label("first"), func.max(rated.c.key).label("latest")
                      ).group_by(*keys)

    def pair(first, latest):
        """The latest rating's response, latest − first and the first (ratings of two responses)."""
        return ((_key_part(latest, "response_id").label("response_id"),
                 (_key_part(latest, "number") - _key_part(first, "number")).label("delta"),
                 _key_part(first, "number").label("first")),
                _key_part(first, "response_id") != _key_part(latest, "response_id"))

    nothing = cast(null(), Integer)
    overall = ends().subquery("overall")
    figures, distinct = pair(overall.c.first, overall.c.latest)
    every = [select(nothing.label("from_round"), nothing.label("to_round"), overall.c.question, overall.c.row,
                    *figures).where(distinct)]
    if rounds:
        in_round = ends(rated.c.round_id).cte("in_round")
        first, latest = in_round.alias("first_round"), in_round.alias("latest_round")
        figures, distinct = pair(first.c.first, latest.c.latest)
        every.append(
            select(first.c.round_id, latest.c.round_id, latest.c.question, latest.c.row, *figures)
            .select_from(first).join(latest, and_(
                first.c.question == latest.c.question, first.c.row == latest.c.row,
                first.c.code == latest.c.code, distinct))
        )
    pairs = (union_all(*every) if len(every) > 1 else every[0]).subquery("pairs")
    # the latest rating's response places the pair in its groups: each response's attributes
    # are found once (materialised, so that they are not looked up again for each pair)
    described = joined(select(Response.id.label("response_id"), *columns).select_from(Response)).where(
        *conditions, Response.participant_code.is_not(None)).cte("described")
    if db.session.get_bind().dialect.name == "postgresql":
        described = described.prefix_with("MATERIALIZED")
    keys = (pairs.c.from_round, pairs.c.to_round, pairs.c.question, pairs.c.row,
            *(described.c[c.name] for c in columns), pairs.c.delta)
    counted = (
        select(*keys, func.count(), func.sum(pairs.c.first))
        .select_from(pairs).join(described, described.c.response_id == pairs.c.response_id)
        .group_by(*keys)
    )
    names = ["from_round", "to_round", "question", "row", *attributes, "delta", "count", "first_total"]
    frame = pd.DataFrame.from_records(
        [tuple(row) for row in db.session.execute(counted)], columns=names)
    frame, profiles = _with_profile(_readable(frame, attributes, round_names), profiles, attributes)
    for column in ("from_round", "to_round"):
        frame[column] = frame[column].map(round_names) if len(frame) else frame[column]
    pairs = {}
    grouped = dict(tuple(frame.groupby(["question", "row"], sort=False))) if len(frame) else {}
    for item in paired:
        pairs[item.key] = typed_pair_counts(grouped.get((item.question.key, item.row_key), frame.iloc[:0]))
    return pairs, profiles


def _rating_key(submitted_at, response_id, number):
    """A value whose order is the ratings' order (by time, then response; the number only
    orders two ratings of one response), holding the response and the number: the least
    and the greatest of a code's are its first and its latest rating."""
    if db.session.get_bind().dialect.name == "postgresql":
        # date_part: seconds as a double (exact to the microsecond), cheaper than extract's numeric
        return postgresql.array([cast(func.date_part("epoch", submitted_at) * 1_000_000, BigInteger),
                                 cast(response_id, BigInteger), cast(number, BigInteger)])
    # SQLite keeps the time as text, its microseconds left out when they are none
    moment = func.substr(cast(submitted_at, String).concat(".000000"), 1, 26)
    return moment.concat(func.printf("%020d", response_id)).concat(func.printf("%d", number))


def _key_part(key, part: str):
    """The response id or the number held in a :func:`_rating_key`."""
    if db.session.get_bind().dialect.name == "postgresql":
        return key[2 if part == "response_id" else 3]
    if part == "response_id":
        return cast(func.substr(key, 27, 20), Integer)
    return cast(func.substr(key, 47), Integer)
