"""The answering rules a browser checks before an answer waits offline, as plain data.

One definition for the server and the page: :func:`form_rules` serialises, from the same
questionnaire definition that :func:`~surveyapp.questionnaire.answers.code_answers` applies,
which questions are required and when each is shown; ``static/rules.js`` evaluates it. The
messages are the engine's msgids, translated by the page.
"""

from __future__ import annotations

from . import messages as m
from .model import Questionnaire
from .types import Matrix, WholeNumber, question_type


def form_rules(questionnaire: Questionnaire) -> dict:
    """Required questions, matrix rows, show_if conditions and whole numbers' limits, in the
    order the server checks."""
    conditions = questionnaire.condition_keys
    return {
        "questions": [
            {
                "key": q.key,
                "inputs": list(question_type(q).input_names(q)),
                "required": q.required,
                "rows": isinstance(question_type(q), Matrix),
                "condition": q.key in conditions,
                "show_if": [{"source": c.source, "key": c.key, "values": list(c.values)}
                            for c in q.show_if.any_of] if q.show_if else [],
                **({"number": {"minimum": q.minimum, "maximum": q.maximum}}
                   if isinstance(question_type(q), WholeNumber) else {}),
            }
            for q in questionnaire.questions
        ],
        "messages": {"required": m.REQUIRED, "required_row": m.REQUIRED_ROW,
                     "role_required": m.ROLE_REQUIRED, "too_many": m.TOO_MANY,
                     "not_a_number": m.NOT_A_NUMBER, "too_small": m.TOO_SMALL,
                     "too_large": m.TOO_LARGE},
    }
