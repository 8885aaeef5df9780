"""When a question is shown: conditions on earlier answers or on the respondent's role."""

from __future__ import annotations

from collections.abc import Mapping, Set

from .model import Question


def is_shown(
    question: Question, given: Mapping[str, Set[str]], role: str | None = None
) -> bool:
    """True when ``question`` applies, given the codes answered so far (key -> codes)."""
    if question.show_if is None:
        return True
    for cond in question.show_if.any_of:
        if cond.source == "role":
            if role is not None and role in cond.values:
                return True
        elif given.get(cond.key, frozenset()) & set(cond.values):
            return True
    return False
