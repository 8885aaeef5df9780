"""Question types: one class per type, in a registry. Each validates and codes a raw answer.

A raw answer is the list of strings a form or an import row gave for one input name;
coding turns it into :class:`CodedAnswer` rows or a :class:`Message` saying what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import messages as m
from .characters import has_forbidden_character
from .messages import Message
from .model import Question


@dataclass(frozen=True)
class CodedAnswer:
    """One stored answer: an option code (with its number on scales) or a free text."""

    question: str
    row: str = ""
    code: str | None = None
    number: int | None = None
    text: str | None = None


class QuestionType:
    name: str = ""
    #: True when the type stores option codes (and so has options)
    has_options: bool = True

    def input_names(self, q: Question) -> tuple[str, ...]:
        """The form/import column names this question reads."""
        return (q.key,)

    def code(
        self, q: Question, raw: dict[str, Sequence[str]]
    ) -> tuple[list[CodedAnswer], Message | None]:
        """Codes the raw values; returns ``([], None)`` when nothing was answered."""
        raise NotImplementedError

    # helpers shared by the choice-like types
    def _single(
        self, q: Question, values: Sequence[str], row: str = ""
    ) -> tuple[list[CodedAnswer], Message | None]:
        if len(values) == 1:  # the usual case: one value
            value = values[0].strip()
            if not value:
                return [], None
        else:
            values = [v for v in (v.strip() for v in values) if v]
            if not values:
                return [], None
            if len(set(values)) > 1:
                return [], Message(m.TOO_MANY)
            value = values[0]
        if value not in q.option_codes:
            return [], Message(m.UNKNOWN_OPTION, {"value": value})
        return [CodedAnswer(q.key, row, value, self.number(q, value))], None

    def number(self, q: Question, code: str) -> int | None:
        return None


class SingleChoice(QuestionType):
    name = "single"

    def code(self, q, raw):
        return self._single(q, raw.get(q.key, ()))


class MultipleChoice(QuestionType):
    name = "multi"

    def code(self, q, raw):
        values = []
        for v in raw.get(q.key, ()):
            v = v.strip()
            if v and v not in values:
                values.append(v)
        for v in values:
            if v not in q.option_codes:
                return [], Message(m.UNKNOWN_OPTION, {"value": v})
        order = {c: i for i, c in enumerate(q.option_codes)}
        values.sort(key=order.__getitem__)
        return [CodedAnswer(q.key, "", v) for v in values], None


class Scale(QuestionType):
    """1–5 scale with a label per step; not-applicable codes carry no number."""

    name = "scale"

    def code(self, q, raw):
        return self._single(q, raw.get(q.key, ()))

    def number(self, q, code):
        return None if code in q.not_applicable_codes else int(code)


class Band(QuestionType):
    """An ordered set of bands (e.g. hours per week); the number is the band's position."""

    name = "band"

    def code(self, q, raw):
        return self._single(q, raw.get(q.key, ()))

    def number(self, q, code):
        if code in q.not_applicable_codes:
            return None
        return q.scale_codes.index(code)


class Matrix(Scale):
    """Rows answered on one shared scale; the input of a row is named ``QUESTION.ROW``."""

    name = "matrix"

    def input_names(self, q):
        return tuple(f"{q.key}.{r.key}" for r in q.rows)

    def code(self, q, raw):
        coded: list[CodedAnswer] = []
        missing = False
        for r, name in zip(q.rows, self.input_names(q), strict=False):
            answers, error = self._single(q, raw.get(name, ()), row=r.key)
            if error:
                return [], error
            if not answers:
                missing = True
            coded += answers
        if coded and missing and q.required:
            return [], Message(m.REQUIRED_ROW)
        return coded, None


def _one_value(q, raw) -> tuple[str | None, Message | None]:
    """The one value a question of a single field was given (None: none, or the problem)."""
    values = [v for v in raw.get(q.key, ()) if v.strip()]
    if len(values) > 1:
        return None, Message(m.TOO_MANY)
    return (values[0] if values else None), None


class FreeText(QuestionType):
    name = "text"
    has_options = False

    def code(self, q, raw):
        value, problem = _one_value(q, raw)
        if value is None:
            return [], problem
        text = value.strip().replace("\r\n", "\n")
        if has_forbidden_character(text):
            return [], Message(m.CONTROL_CHARACTER)
        limit = q.max_length or 2000
        if len(text) > limit:
            return [], Message(m.TOO_LONG, {"limit": limit})
        return [CodedAnswer(q.key, "", None, None, text)], None


#: the digits a whole number may be written with: 0–9, Arabic-Indic and Persian (Eastern
#: Arabic-Indic), as phones in those languages type them
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")


def whole_number(value: str) -> int | None:
    """The whole number a participant wrote (``" 34 "``, ``"-2"``, ``"٣٤"``), or None."""
    value = value.strip().translate(DIGITS)
    if not WHOLE_NUMBER.fullmatch(value):
        return None
    return int(value)


class WholeNumber(QuestionType):
    """A whole number, e.g. an age or a number of hours, within the question's minimum and maximum."""

    name = "integer"
    has_options = False

    def code(self, q, raw):
        value, problem = _one_value(q, raw)
        if value is None:
            return [], problem
        number = whole_number(value)
        if number is None:
            return [], Message(m.NOT_A_NUMBER)
        if q.minimum is not None and number < q.minimum:
            return [], Message(m.TOO_SMALL, {"minimum": q.minimum})
        if q.maximum is not None and number > q.maximum:
            return [], Message(m.TOO_LARGE, {"maximum": q.maximum})
        return [CodedAnswer(q.key, "", None, number)], None


REGISTRY: dict[str, QuestionType] = {
    t.name: t
    for t in (SingleChoice(), MultipleChoice(), Scale(), Band(), Matrix(), FreeText(), WholeNumber())
}


def question_type(q: Question) -> QuestionType:
    return REGISTRY[q.type]
