"""The answer-level table streamed from the database: the responses in sheet order through a
server-side cursor, each thousand's answers with one query, pivoted response by response, so
that memory does not grow with the number of answers (the Excel summary's answer sheet)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import ARRAY, Integer, any_, bindparam, func, select

from ..analysis.records import AnswerLayout, AnswerRows, answer_layout, answer_row
from ..analysis.register import limit_register
from ..extensions import db
from ..models import Answer, Organisation, Response, Round
from .frames import SelectionError, ordered_rounds, register_frame
from .questionnaires import current_version, definition_of

#: responses fetched from the cursor at a time, and whose answers one query reads
FETCH = 1000


def answer_rows(
    questionnaire_key: str,
    *,
    rounds: Sequence[str] = (),
    organisation_ids: Collection[int] | None = None,
    since: date | None = None,
    until: date | None = None,
    covering: Collection[int] | None = None,
    include_text: bool = False,
    enrolled_until: date | None = None,
    min_days: int | None = None,
) -> AnswerRows:
    """The answer-level rows of the selection :func:`~.frames.load_answers` makes with the same
    arguments (free texts only with ``include_text``; ``enrolled_until`` and ``min_days`` limit
    forms with a participant code as :func:`~..analysis.register.limit_enrolment` does), in
    the columns and order of :func:`~..analysis.records.answer_table`. The query runs when the
    rows are read, once; raises :class:`~.frames.SelectionError` at once for an unknown
    questionnaire or round."""
    version = current_version(questionnaire_key)
    if version is None:
        raise SelectionError(f"no questionnaire {questionnaire_key!r}")
    questionnaire = definition_of(version)
    known = ordered_rounds(questionnaire_key, covering)
    if rounds:
        names = {r.name for r in known}
        missing = [name for name in rounds if name not in names]
        if missing:
            raise SelectionError(
                f"{questionnaire_key} has no round {', '.join(map(repr, missing))}; "
                f"its rounds are: {', '.join(r.name for r in known) or 'none'}"
            )
        selected = [r for r in known if r.name in set(rounds)]
    else:
        selected = known

    conditions = [Response.round_id.in_([r.id for r in selected])]
    if organisation_ids is not None:
        conditions.append(Response.organisation_id.in_(list(organisation_ids)))
    if since is not None:
        conditions.append(Response.submitted_at >= datetime.combine(since, time.min))
    if until is not None:
        conditions.append(Response.submitted_at < datetime.combine(until + timedelta(days=1), time.min))
    codes = None
    if questionnaire.uses_participant_code and (enrolled_until is not None or min_days is not None):
        register = limit_register(register_frame(organisation_ids), enrolled_until=enrolled_until,
                                  min_days=min_days)
        codes = frozenset(register["participant_code"])
    layout = answer_layout(questionnaire, include_text)
    return AnswerRows(layout.columns, _rows(layout, conditions, codes))


def _rows(layout: AnswerLayout, conditions: list, codes: frozenset[str] | None) -> Iterator[tuple]:
    connection = db.session.connection()
    uuid = Response.uuid
    if connection.dialect.name == "postgresql":
        uuid = uuid.collate("C")  # the order Python sorts strings in, whatever the database's locale
    responses = (
        select(
            Response.id, Response.uuid, Round.name, Response.submitted_at, Response.language,
            Organisation.name, Response.channel, Response.role, Response.participant_code,
        )
        .join(Round, Round.id == Response.round_id)
        .join(Organisation, Organisation.id == Response.organisation_id)
        .where(*conditions)
        # by day and random id: neither a time nor the order of the rows points to the
        # participant who answered
        .order_by(func.date(Response.submitted_at), uuid, Response.id)
        .execution_options(yield_per=FETCH)
    )
    questions = sorted(layout.questions) or [""]
    answers_of = select(Answer.response_id, Answer.question_key, Answer.row_key, Answer.code, Answer.text)
    if connection.dialect.name == "postgresql":
        # one array parameter: the same statement, prepared once, for every part
        answers_of = answers_of.where(Answer.response_id == any_(bindparam("ids", type_=ARRAY(Integer))))
    else:
        answers_of = answers_of.where(Answer.response_id.in_(bindparam("ids", expanding=True)))
    answers_of = answers_of.where(Answer.question_key.in_(questions)).order_by(Answer.response_id, Answer.id)
    position = {"language": 4, "organisation": 5, "channel": 6, "role": 7, "participant_code": 8}
    extra = [position[c] for c in layout.meta[3:]]
    # Core rows, not ORM ones: plain tuples, FETCH at a time from a server-side cursor; the
    # answers of each FETCH responses are read with one query on the answers' index
    result = connection.execute(responses)
    try:
        for part in result.partitions():
            if codes is not None:
                part = [row for row in part if row[8] in codes]
            answers: dict[int, list[tuple]] = {}
            if part:
                found = connection.execute(answers_of, {"ids": [row[0] for row in part]}).all()
                for response_id, *answer in found:
                    answers.setdefault(response_id, []).append(answer)
            for row in part:
                meta = (row[1], row[2], row[3], *(row[i] for i in extra))
                yield answer_row(layout, meta, answers.get(row[0], ()))
    finally:
        result.close()
