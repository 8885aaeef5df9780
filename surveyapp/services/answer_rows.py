"""The answer-level table streamed from the database: the responses in sheet order through a
server-side cursor, each thousand's answers with one query, pivoted response by response, so
that memory does not grow with the number of answers (the Excel summary's answer sheet)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date

from sqlalchemy import ARRAY, Integer, any_, bindparam, func, select

from ..analysis.disclosure import coarsen_rows
from ..analysis.records import AnswerLayout, AnswerRows, answer_layout, answer_row
from ..analysis.register import BACKGROUND
from ..analysis.release import ReleasedRows, quasi_values, release_layout, release_rows
from ..extensions import db
from ..models import Answer, Organisation, ParticipantCode, Response, Round
from .frames import selection
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
    project_id: int | None = None,
) -> AnswerRows:
    """The answer-level rows of the selection :func:`~.frames.load_answers` makes with the same
    arguments (free texts only with ``include_text``; ``enrolled_until`` and ``min_days`` limit
    forms with a participant code as :func:`~..analysis.register.limit_enrolment` does), in
    the columns and order of :func:`~..analysis.records.answer_table`. The query runs when the
    rows are read, once; raises :class:`~.frames.SelectionError` at once for an unknown
    questionnaire or round."""
    questionnaire, _, conditions = selection(
        questionnaire_key, rounds=rounds, organisation_ids=organisation_ids, since=since, until=until,
        covering=covering, enrolled_until=enrolled_until, min_days=min_days, project_id=project_id,
    )
    layout = answer_layout(questionnaire, include_text)
    return AnswerRows(layout.columns, _rows(layout, conditions))


def _rows(layout: AnswerLayout, conditions: list) -> Iterator[tuple]:
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
    answers_of = select(Answer.response_id, Answer.question_key, Answer.row_key, Answer.code, Answer.number,
                        Answer.text)
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


def released_answer_rows(
    questionnaire_key: str,
    *,
    coarsened: bool,
    threshold: int,
    include_text: bool = False,
    **chosen,
) -> ReleasedRows:
    """The answer rows of a selection (the arguments of :func:`answer_rows`) as released:
    coarsened for anyone but the administrator (see :mod:`~..analysis.release`), with the
    register's groups on forms about a participant. Coarsening reads the rows twice, keeping
    only each row's quasi-identifiers in between, so memory stays small."""
    rows = answer_rows(questionnaire_key, include_text=include_text, **chosen)
    questionnaire = definition_of(current_version(questionnaire_key))
    release = release_layout(questionnaire, answer_layout(questionnaire, include_text), coarsened)
    groups = register_groups() if release.register else {}
    if not coarsened:
        return ReleasedRows(release, release_rows(release, rows, groups), None, questionnaire)
    # the quasi-identifiers only, each distinct value held once
    shared: dict = {}
    ids, keys = [], []
    for row in rows:
        ids.append(row[0])
        keys.append(tuple(shared.setdefault(v, v) for v in quasi_values(release, row, groups).values()))
    coarse, coarsening = coarsen_rows(ids, keys, release.quasi, threshold)
    del ids, keys, shared
    again = answer_rows(questionnaire_key, include_text=include_text, **chosen)
    return ReleasedRows(release, release_rows(release, again, groups, coarse), coarsening, questionnaire)


def register_groups() -> dict[str, tuple[str | None, ...]]:
    """Each registered participant code's background groups (kön, åldersgrupp, födelseregion)."""
    columns = [getattr(ParticipantCode, key) for key in BACKGROUND]
    found = db.session.execute(select(ParticipantCode.code, *columns))
    return {code: tuple(values) for code, *values in found}
