"""The answer-level table: one row per response, pseudonymous, columns as in an import.

Answers are dated to the day, never the minute, and ordered by day and random id, so that
neither a time nor the order of the rows points to the participant who answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ..questionnaire import Questionnaire
from ..questionnaire.types import question_type
from .data import AnswerData


@dataclass(frozen=True)
class AnswerTable:
    """Column names (the import's: ``response_id``, ``submitted_at``, … then question keys
    and ``QUESTION.ROW``) and rows of values: str, int for scale steps, date, or None."""

    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def answer_table(data: AnswerData, include_text: bool = False) -> AnswerTable:
    """Free-text answers are left out unless ``include_text``: they may name people."""
    layout = answer_layout(data.questionnaire, include_text)
    meta, names, scale_names, multi = list(layout.meta), list(layout.names), layout.scale, layout.multi
    a = data.answers
    a = a.assign(name=a["question"].where(a["row"] == "", a["question"] + "." + a["row"]))
    a = a[a["name"].isin(names)]
    a = a.assign(value=a["code"].where(a["code"].notna(), a["text"]).astype(object))
    whole = a["question"].isin(layout.numbers) & a["value"].isna() & a["number"].notna()
    a.loc[whole, "value"] = [int(n) for n in a.loc[whole, "number"]]
    several = a["question"].isin(multi)
    # several codes of one multiple-choice question become one cell: "kon;alder"
    joined = a[several].groupby(["response_id", "name"], sort=False)["value"].agg(
        lambda values: ";".join(str(v) for v in values)
    )
    single = a[~several].drop_duplicates(["response_id", "name"]).set_index(["response_id", "name"])["value"]
    wide = pd.concat([single, joined]).unstack("name").reindex(columns=names)

    responses = data.responses.assign(day=data.responses["submitted_at"].dt.date)
    responses = responses.assign(uuid=responses["uuid"].astype(str)).sort_values(["day", "uuid"])
    wide = wide.reindex(responses["response_id"].to_numpy())
    meta_values = [
        responses["uuid"].astype(str).to_numpy(),
        responses["round"].astype(str).to_numpy(),
        responses["day"].to_numpy(),
        *[responses[c].to_numpy() for c in meta[3:]],
    ]
    columns = []
    for name in names:
        column = wide[name].to_numpy(dtype=object)
        if name in scale_names:
            column = [int(v) if isinstance(v, str) and v.isdigit() else v for v in column]
        columns.append(column)
    rows = tuple(
        tuple(None if _missing(v) else (v if isinstance(v, int | date) else str(v)) for v in values)
        for values in zip(*meta_values, *columns, strict=True)
    )
    return AnswerTable(tuple(meta + names), rows)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA


@dataclass(frozen=True)
class AnswerLayout:
    """The columns of the answer-level table of one questionnaire."""

    #: every column: :attr:`meta` then :attr:`names`
    columns: tuple[str, ...]
    #: the columns describing the response (``response_id``, ``round``, ``submitted_at``, …)
    meta: tuple[str, ...]
    #: a column per question, ``QUESTION.ROW`` per matrix row
    names: tuple[str, ...]
    #: columns of scale questions: their codes are written as numbers
    scale: frozenset[str]
    #: keys of multiple-choice questions: their codes share one cell, "kon;alder"
    multi: frozenset[str]
    #: keys of the questions with a column
    questions: frozenset[str]
    #: columns of whole-number questions: written as numbers
    numbers: frozenset[str] = frozenset()


def answer_layout(q: Questionnaire, include_text: bool = False) -> AnswerLayout:
    """The columns of :func:`answer_table` (free texts only with ``include_text``)."""
    meta = ["response_id", "round", "submitted_at", "language", "organisation", "channel"]
    if q.asks_role:
        meta.append("role")
    if q.uses_participant_code:
        meta.append("participant_code")
    names: list[str] = []
    scale: set[str] = set()
    questions: set[str] = set()
    for question in q.questions:
        if question.type == "text" and not include_text:
            continue
        questions.add(question.key)
        for name in question_type(question).input_names(question):
            names.append(name)
            if question.is_scale:
                scale.add(name)
    multi = frozenset(question.key for question in q.questions if question.type == "multi")
    numbers = frozenset(question.key for question in q.questions
                        if question.type == "integer" and question.key in questions)
    return AnswerLayout(tuple(meta + names), tuple(meta), tuple(names), frozenset(scale), multi,
                        frozenset(questions), numbers)


def answer_row(layout: AnswerLayout, meta: Sequence, answers: Iterable[tuple]) -> tuple:
    """One row of the table, as :func:`answer_table` makes it: ``meta`` holds the response's
    uuid, round, submission time, then its other :attr:`AnswerLayout.meta` values in order;
    ``answers`` its answers as (question, row, code, number, text), in the order they were
    stored."""
    cells: dict[str, list] = {}
    for question, row, code, number, text in answers:
        name = f"{question}.{row}" if row else question
        value = code if code is not None else text if text is not None else (
            number if question in layout.numbers else None)
        if value is None:
            continue
        values = cells.setdefault(name, [])
        if question in layout.multi or not values:
            values.append(value)
    uuid, round_, submitted_at, *rest = meta
    day = submitted_at.date() if isinstance(submitted_at, datetime) else submitted_at
    out: list = [str(uuid), str(round_), day]
    out += [None if v is None else str(v) for v in rest]
    for name in layout.names:
        values = cells.get(name)
        if not values:
            out.append(None)
        elif len(values) > 1:
            out.append(";".join(str(v) for v in values))
        else:
            value = values[0]
            if name in layout.numbers or (name in layout.scale and isinstance(value, str)
                                          and value.isdigit()):
                out.append(int(value))
            else:
                out.append(str(value))
    return tuple(out)


class AnswerRows:
    """The answer-level table as a stream: the column names, and rows read once, in order
    (by day, then random id). :attr:`count` tells how many rows have been read."""

    def __init__(self, columns: Sequence[str], rows: Iterable[tuple]):
        self.columns = tuple(columns)
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self._rows:
            self.count += 1
            yield row

    @classmethod
    def of(cls, table: AnswerTable) -> AnswerRows:
        return cls(table.columns, table.rows)
