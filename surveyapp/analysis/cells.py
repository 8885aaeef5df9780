"""Answers counted per cell: what a report is computed from.

A *profile* is one combination of the attributes a breakdown can use (round, organisation,
role, channel, the background answers, the register's entry); every response has exactly
one. The counts hold, per profile and item, how many answers gave each code (a
multiple-choice item: each set of codes), with the sum and the sum of squares of the scale
steps. Any group of responses is a set of profiles, so every figure of a report (n, shares,
means, Welch intervals, goals) adds up from these small frames. The paired figures add up
in the same way from the pairs counted (:attr:`Cells.pairs`): per pairing, the latest
rating's profile and the number of steps between the two ratings, how many pairs.

The database computes the same frames with one GROUP BY (``services/cells.py``); this module
also builds them from the frames of :class:`AnswerData`, so both paths share every figure.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import pandas as pd

from ..questionnaire import Question, Questionnaire
from .data import AnswerData, Item, items_of
from .numbers import NUMBER_COLUMNS, number_questions
from .register import BACKGROUND
from .shifts import pair_counts

#: joins the codes of one multiple-choice answer (codes are identifiers: no commas)
COMBO_SEPARATOR = ","
#: columns of :attr:`Cells.counts` besides ``profile``
COUNT_COLUMNS = ("question", "row", "combo", "count", "total", "total_sq", "numbers")
#: columns of one item's ratings, from which its pairs are counted
RATING_COLUMNS = ("response_id", "participant_code", "round", "submitted_at", "number", "profile")
#: attributes every profile has
BASE_ATTRIBUTES = ("round", "organisation")


def answer_attribute(key: str) -> str:
    """The attribute of a background question's answer (``answer_kon``)."""
    return f"answer_{key}"


def register_attribute(key: str) -> str:
    """The attribute of the register's background code (``register_kon``)."""
    return f"register_{key}"


def attributes_for(questionnaire: Questionnaire, keys: Collection[str]) -> tuple[str, ...]:
    """The profile attributes that the dimension keys (crossings included) need."""
    attributes = list(BASE_ATTRIBUTES)
    for key in keys:
        for part in key.split("*"):
            attributes += _single_attributes(questionnaire, part)
    return tuple(dict.fromkeys(attributes))


def _single_attributes(questionnaire: Questionnaire, key: str) -> list[str]:
    if key in ("organisation", "role", "channel"):
        return [key]
    if key == "inskrivning":
        return ["enrolled_year"]
    if key == "inskrivning_kvartal":
        return ["enrolled_year", "enrolled_month"]
    if key == "tid_i_projekt":
        return ["days_in_project"]
    attributes = []
    if questionnaire.uses_participant_code and key in BACKGROUND:
        attributes.append(register_attribute(key))
    if key in questionnaire.keys:
        attributes.append(answer_attribute(key))
    return attributes


def answered_background(questionnaire: Questionnaire, attributes: Sequence[str]) -> dict[str, Question]:
    """The background questions whose answers are attributes, by attribute name."""
    return {
        answer_attribute(q.key): q for q in questionnaire.questions
        if answer_attribute(q.key) in attributes
    }


@dataclass(frozen=True, eq=False)
class Cells:
    """One questionnaire's answers in the selected rounds, counted per profile and item."""

    questionnaire: Questionnaire
    #: the selected rounds' names, ordered by their start
    rounds: tuple[str, ...]
    #: one row per profile (index: profile number): the attributes and ``responses``
    profiles: pd.DataFrame
    #: one row per profile, item and code (set of codes): ``profile`` and :data:`COUNT_COLUMNS`
    counts: pd.DataFrame
    #: item key → the pairs of a paired item counted (:data:`shifts.PAIR_COUNT_COLUMNS`),
    #: for every pairing of the selected rounds; only paired questionnaires have them
    pairs: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    #: whether :attr:`pairs` holds the pairs between every two rounds, besides each code's
    #: first and latest rating
    between_rounds: bool = True
    round_starts: tuple[date, ...] = ()
    #: the background questions (kön, ålder, födelseregion), for the groups the register gives
    background: tuple[Question, ...] = ()
    #: response_id → profile number, when built from answer frames
    response_profiles: pd.Series | None = None
    #: whole-number question key → its answers (:data:`numbers.NUMBER_COLUMNS`), one row each
    numbers: Mapping[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(c for c in self.profiles.columns if c != "responses")

    @property
    def respondents(self) -> int:
        return int(self.profiles["responses"].sum()) if len(self.profiles) else 0


def has_ratings(questionnaire: Questionnaire, item: Item) -> bool:
    """Paired figures exist for the scale and band items of paired questionnaires."""
    return questionnaire.paired and item.question.type in ("scale", "band")


def empty_profiles(attributes: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame({a: pd.Series(dtype="object") for a in attributes})
    frame["responses"] = pd.Series(dtype="int64")
    return frame


@cache
def _empty_counts() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in ("profile", *COUNT_COLUMNS)})
    return frame.astype({"profile": "int64", "count": "int64", "total": "float64", "total_sq": "float64",
                         "numbers": "int64"})


def empty_counts() -> pd.DataFrame:
    """No counts, with the columns and types of counted ones (made once: building the typed
    frame costs more than copying it)."""
    return _empty_counts().copy()


def normalise_combos(counts: pd.DataFrame) -> pd.DataFrame:
    """Sorts the codes within each set and adds up rows that become equal, so that a set of
    codes has one spelling whoever joined it."""
    if counts.empty:
        return counts
    several = counts["combo"].str.contains(COMBO_SEPARATOR, regex=False, na=False)
    if not several.any():
        return counts
    counts = counts.copy()
    counts.loc[several, "combo"] = counts.loc[several, "combo"].map(
        lambda combo: COMBO_SEPARATOR.join(sorted(combo.split(COMBO_SEPARATOR))))
    keys = ["profile", "question", "row", "combo"]
    return counts.groupby(keys, as_index=False, sort=False).agg(
        count=("count", "sum"), total=("total", "sum"), total_sq=("total_sq", "sum"),
        numbers=("numbers", "sum"))


def response_attributes(data: AnswerData, attributes: Sequence[str]) -> pd.DataFrame:
    """Each response's attributes (indexed by response_id), as the database gives them."""
    responses = data.responses.set_index("response_id")
    frame = pd.DataFrame(index=responses.index)
    a = data.answers
    register = None
    for attribute in attributes:
        if attribute in ("round", "organisation", "role", "channel"):
            frame[attribute] = responses[attribute]
        elif attribute.startswith("answer_"):
            question = data.questionnaire.question(attribute.removeprefix("answer_"))
            answers = a[(a["question"] == question.key) & (a["row"] == "")
                        & a["code"].notna() & ~a["code"].isin(question.not_applicable_codes)]
            frame[attribute] = answers.drop_duplicates("response_id").set_index("response_id")["code"]
        else:
            if register is None:
                register = _registered(data)
            frame[attribute] = register[attribute]
    return frame.reindex(columns=list(attributes)).astype(object).where(frame.notna(), None)


def _registered(data: AnswerData) -> pd.DataFrame:
    """The register's attributes of each response whose participant code is registered."""
    from .register import registered

    joined = registered(data)
    frame = pd.DataFrame(index=joined.index)
    for key in BACKGROUND:
        frame[register_attribute(key)] = joined[key]
    enrolled = joined["enrolled_on"]
    frame["enrolled_year"] = enrolled.dt.year.astype("Int64")
    frame["enrolled_month"] = enrolled.dt.month.astype("Int64")
    frame["days_in_project"] = (joined["submitted_at"].dt.normalize() - enrolled).dt.days.astype("Int64")
    return frame


def cells_of(data: AnswerData, dimensions: Collection[str] = ()) -> Cells:
    """Counts the answers of ``data`` per profile: the attributes ``dimensions`` need (and
    every goal's)."""
    from .groups import GOAL_DIMENSIONS, available

    q = data.questionnaire
    keys = [*dimensions, *(d for d in GOAL_DIMENSIONS if d in available(q))]
    attributes = attributes_for(q, keys)
    attrs = response_attributes(data, attributes)
    if len(attrs):
        grouped = attrs.groupby(list(attributes), dropna=False, sort=False)
        response_profiles = grouped.ngroup()
        profiles = grouped.size().rename("responses").reset_index()
        profiles = profiles.astype({a: object for a in attributes})
        profiles = profiles.where(profiles.notna(), None)
    else:
        response_profiles = pd.Series(dtype="int64")
        profiles = empty_profiles(attributes)

    multi = {question.key for question in q.questions if question.type == "multi"}
    answers = data.answers[data.answers["code"].notna()]
    answers = answers.assign(profile=answers["response_id"].map(response_profiles))
    answers = answers.dropna(subset=["profile"]).astype({"profile": "int64"})
    several = answers["question"].isin(multi)
    single = answers[~several].assign(total_sq=answers["number"] ** 2)
    parts = []
    if len(single):
        parts.append(single.groupby(["profile", "question", "row", "code"], as_index=False, sort=False).agg(
            count=("response_id", "size"), total=("number", "sum"), total_sq=("total_sq", "sum"),
            numbers=("number", "count"),
        ).rename(columns={"code": "combo"}))
    if several.any():
        per_response = answers[several].groupby(["response_id", "profile", "question", "row"], sort=False)
        sets = per_response["code"].agg(lambda codes: COMBO_SEPARATOR.join(sorted(codes)))
        sets = sets.rename("combo").reset_index()
        combos = sets.groupby(["profile", "question", "row", "combo"], as_index=False, sort=False).size()
        combos = combos.rename(columns={"size": "count"}).assign(total=0.0, total_sq=0.0, numbers=0)
        parts.append(combos)
    counts = pd.concat(parts, ignore_index=True) if parts else empty_counts()

    pairs = {}
    for item in items_of(q):
        if has_ratings(q, item):
            pairs[item.key] = pair_counts(_ratings(data, item, response_profiles), data.rounds)
    numbers = {}
    for question in number_questions(q):
        mine = data.answers[(data.answers["question"] == question.key) & data.answers["number"].notna()]
        mine = mine.assign(profile=mine["response_id"].map(response_profiles)).dropna(subset=["profile"])
        numbers[question.key] = mine[list(NUMBER_COLUMNS)].astype(
            {"response_id": "int64", "number": "float64", "profile": "int64"}).reset_index(drop=True)
    return Cells(
        questionnaire=q,
        rounds=data.rounds,
        profiles=profiles,
        counts=counts,
        pairs=pairs,
        round_starts=data.round_starts,
        background=data.background,
        response_profiles=response_profiles,
        numbers=numbers,
    )


def _ratings(data: AnswerData, item: Item, response_profiles: pd.Series) -> pd.DataFrame:
    a = data.answers
    mask = ((a["question"] == item.question.key) & (a["row"] == item.row_key)
            & ~a["code"].isin(item.question.not_applicable_codes) & a["number"].notna())
    numbers = a.loc[mask, ["response_id", "number"]].drop_duplicates("response_id")
    responses = data.responses.dropna(subset=["participant_code"])[
        ["response_id", "participant_code", "round", "submitted_at"]]
    rated = responses.merge(numbers, on="response_id")
    rated["profile"] = rated["response_id"].map(response_profiles).astype("int64")
    return rated[list(RATING_COLUMNS)].reset_index(drop=True)
