"""The answers a report is computed from, as DataFrames, and the items reported on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..questionnaire import Question, Questionnaire, Row

#: columns of :attr:`AnswerData.responses`
RESPONSE_COLUMNS = (
    "response_id", "uuid", "round", "organisation", "language", "submitted_at", "channel",
    "participant_code", "role",
)
#: columns of :attr:`AnswerData.answers`; ``number`` is NaN for not-applicable codes and texts
ANSWER_COLUMNS = ("response_id", "question", "row", "code", "number", "text")


@dataclass(frozen=True, eq=False)
class AnswerData:
    """One questionnaire's responses in the selected rounds, one row per response / answer."""

    questionnaire: Questionnaire
    responses: pd.DataFrame
    answers: pd.DataFrame
    #: the selected rounds' names, ordered by their start
    rounds: tuple[str, ...]
    #: when each selected round started (its opens_on, else its first answer), in that order
    round_starts: tuple[date, ...] = ()
    #: the participant register (questionnaires with a participant code): one row per code,
    #: columns :data:`register.REGISTER_COLUMNS`; None when not loaded
    register: pd.DataFrame | None = None
    #: the background questions (kön, ålder, födelseregion), for the groups the register gives
    background: tuple[Question, ...] = ()


def empty_responses() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in RESPONSE_COLUMNS})


def empty_answers() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ANSWER_COLUMNS})


def normalise(responses: pd.DataFrame, answers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gives both frames their columns and dtypes, whatever built them."""
    responses = responses.reindex(columns=list(RESPONSE_COLUMNS)).copy()
    answers = answers.reindex(columns=list(ANSWER_COLUMNS)).copy()
    responses["response_id"] = responses["response_id"].astype("int64")
    responses["submitted_at"] = pd.to_datetime(responses["submitted_at"])
    answers["response_id"] = answers["response_id"].astype("int64")
    answers["row"] = answers["row"].fillna("").astype(str)
    answers["number"] = pd.to_numeric(answers["number"], errors="coerce").astype("float64")
    return responses, answers


@dataclass(frozen=True)
class Item:
    """One reported figure source: a question, or one row of a matrix (``QUESTION.ROW``)."""

    question: Question
    row: Row | None = None

    @property
    def key(self) -> str:
        return f"{self.question.key}.{self.row.key}" if self.row else self.question.key

    @property
    def row_key(self) -> str:
        return self.row.key if self.row else ""

    @property
    def has_mean(self) -> bool:
        return self.question.is_scale

    @property
    def has_share(self) -> bool:
        return bool(self.question.positive)


def items_of(questionnaire: Questionnaire) -> tuple[Item, ...]:
    """Every question (matrix rows one by one) that has figures counted by option code; free
    texts have none, whole numbers their own (analysis/numbers.py)."""
    items: list[Item] = []
    for q in questionnaire.questions:
        if q.type in ("text", "integer"):
            continue
        if q.type == "matrix":
            items += [Item(q, r) for r in q.rows]
        else:
            items.append(Item(q))
    return tuple(items)


def item_answers(data: AnswerData, item: Item) -> pd.DataFrame:
    """The item's answers with each response's round: response_id, code, number, round."""
    a = data.answers
    mask = (a["question"] == item.question.key) & (a["row"] == item.row_key) & a["code"].notna()
    answers = a.loc[mask, ["response_id", "code", "number"]]
    rounds = data.responses[["response_id", "round"]]
    return answers.merge(rounds, on="response_id", how="inner")
