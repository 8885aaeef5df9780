"""Validating and coding one whole response against its questionnaire.

The web form and the import both go through :func:`code_answers`, so a row in a
spreadsheet is held to exactly the rules of a tablet submission.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import messages as m
from .conditions import is_shown
from .messages import Message
from .model import Questionnaire
from .types import CodedAnswer, question_type


class InvalidAnswers(Exception):
    """The answers break the questionnaire's rules; ``errors`` maps input name to message."""

    def __init__(self, errors: dict[str, Message]):
        super().__init__(", ".join(f"{k}: {v.render()}" for k, v in errors.items()))
        self.errors = errors


def input_names(questionnaire: Questionnaire) -> frozenset[str]:
    return questionnaire.input_names


def code_answers(
    questionnaire: Questionnaire,
    raw: Mapping[str, Sequence[str]],
    *,
    role: str | None = None,
    strict_keys: bool = False,
) -> list[CodedAnswer]:
    """Codes every answer of one response, or raises :class:`InvalidAnswers`.

    ``raw`` maps input names (question keys, ``QUESTION.ROW`` for matrix rows) to the
    submitted strings. Hidden questions must be left empty; with ``strict_keys`` an input
    name that is no question is an error too (imports), otherwise it is ignored (forms).
    """
    raw = {k: [v for v in vs if v is not None] for k, vs in raw.items()}
    errors: dict[str, Message] = {}
    coded: list[CodedAnswer] = []
    given: dict[str, set[str]] = {}

    if questionnaire.asks_role:
        if not role:
            errors["role"] = Message(m.ROLE_REQUIRED)
        elif role not in questionnaire.role_codes:
            errors["role"] = Message(m.UNKNOWN_ROLE, {"value": role})

    if strict_keys:
        for name in sorted(set(raw) - input_names(questionnaire)):
            if any(v.strip() for v in raw[name]):
                errors[name] = Message(m.UNKNOWN_QUESTION, {"key": name})

    conditions = questionnaire.condition_keys
    for q in questionnaire.questions:
        qtype = question_type(q)
        if q.show_if is not None and not is_shown(q, given, role):
            if any(v.strip() for name in qtype.input_names(q) for v in raw.get(name, ())):
                errors[q.key] = Message(m.NOT_SHOWN)
            continue
        answers, error = qtype.code(q, raw)
        if error is not None:
            errors[q.key] = error
            continue
        if not answers and q.required:
            errors[q.key] = Message(m.REQUIRED)
            continue
        if q.key in conditions:
            given[q.key] = {a.code for a in answers if a.code is not None}
        coded += answers

    if errors:
        raise InvalidAnswers(errors)
    return coded
