"""How an export words a report for its reader: interface texts, questionnaire texts and
dates in one language.

The page hands in its gettext functions (the staff member's language); files written from
the command line use :data:`SWEDISH`, the source language, where every text is its own
translation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from ..analysis.data import Item
from ..analysis.groups import Label
from ..questionnaire import Question


def _same(text: str) -> str:
    return text


@dataclass(frozen=True)
class Words:
    #: the ``messages`` domain's gettext (interface texts)
    message: Callable[[str], str] = _same
    #: the ``questionnaires`` domain's gettext (questions, options, rows, roles, goals)
    questionnaire: Callable[[str], str] = _same
    locale: str = "sv"

    def label(self, labels: tuple[Label, ...]) -> str:
        """A group's or dimension's label; a crossing's two parts joined by ×."""
        parts = []
        for lab in labels:
            if lab.domain == "questionnaires":
                parts.append(self.questionnaire(lab.text))
            elif lab.domain == "messages":
                parts.append(self.message(lab.text))
            else:
                parts.append(lab.text)
        return " × ".join(parts)

    def question(self, question: Question) -> str:
        return self.questionnaire(question.text)

    def item(self, item: Item) -> str:
        """A question's text, or a matrix row's text after its question's."""
        if item.row is None:
            return self.question(item.question)
        return f"{self.question(item.question)} – {self.questionnaire(item.row.text)}"

    def row(self, item: Item) -> str:
        """An item's own words: a matrix row's text, else the question's."""
        return self.questionnaire(item.row.text) if item.row else self.question(item.question)

    def option(self, question: Question, code: str) -> str:
        option = question.option(code)
        return self.questionnaire(option.label) if option else code

    def day(self, value: date) -> str:
        """A date as the reader writes it (Swedish: 2 dec. 2026; English: 2 Dec 2026)."""
        return format_date(value, format="medium", locale=self.locale)


SWEDISH = Words()
