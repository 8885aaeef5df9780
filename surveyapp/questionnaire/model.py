"""Questionnaire definitions as plain, immutable objects.

A questionnaire file is loaded into these dataclasses by :mod:`loader`; everything
else (forms, validation, analysis, reports) reads them and never the YAML itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class RespondentKind(StrEnum):
    """Who fills in a questionnaire."""

    PARTICIPANT = "participant"
    STAFF = "staff"
    STAFF_ABOUT_PARTICIPANT = "staff_about_participant"


@dataclass(frozen=True)
class Option:
    """One answer alternative. ``code`` is the stable machine key stored with answers."""

    code: str
    label: str
    help: str | None = None
    picture: str | None = None
    #: an answer with this code is left out of n, shares and means (ej_svar, vet_ej, ingen)
    not_applicable: bool = False


@dataclass(frozen=True)
class Row:
    """One row of a matrix question; every row is answered on the matrix's scale."""

    key: str
    text: str


@dataclass(frozen=True)
class Condition:
    """Shows a question only when an earlier answer (or the respondent's role) is one of ``values``.

    ``source`` is ``"answer"`` (``key`` names an earlier question) or ``"role"``.
    """

    source: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ShowIf:
    """A question is shown when any of its conditions holds."""

    any_of: tuple[Condition, ...]


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: str
    help: str | None = None
    options: tuple[Option, ...] = ()
    rows: tuple[Row, ...] = ()
    required: bool = False
    show_if: ShowIf | None = None
    #: option codes counted as positive in shares ("k of n")
    positive: tuple[str, ...] = ()
    max_length: int | None = None
    #: the smallest and largest answer of an integer question (None: only the database's limit)
    minimum: int | None = None
    maximum: int | None = None
    #: True for the shared background questions (kön, ålder, födelseregion)
    background: bool = False

    @cached_property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)

    @cached_property
    def not_applicable_codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options if o.not_applicable)

    @cached_property
    def scale_codes(self) -> tuple[str, ...]:
        """Codes of a scale or band that carry a value, in their order."""
        return tuple(o.code for o in self.options if not o.not_applicable)

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)

    @property
    def is_scale(self) -> bool:
        return self.type in ("scale", "matrix")


@dataclass(frozen=True)
class Goal:
    """A project goal: at least ``target`` per cent positive answers on ``question``."""

    question: str
    target: float
    label: str
    #: "share" (positive share of answers), "moved_up" (share of pairs that moved up at
    #: least one band, paired questionnaires) or "mean_shift" (mean paired difference must
    #: exceed ``target``, which is then on the scale, not a percentage)
    measure: str = "share"
    #: codes counted as reaching the goal; empty means the question's positive codes
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Questionnaire:
    key: str
    title: str
    respondent: RespondentKind
    questions: tuple[Question, ...]
    intro: str | None = None
    paired: bool = False
    #: an unpaired questionnaire whose answers may carry the participant's code (reach)
    optional_code: bool = False
    roles: tuple[Option, ...] = ()
    goals: tuple[Goal, ...] = ()
    #: the source file's name, for error messages
    source: str = field(default="", compare=False)

    def question(self, key: str) -> Question:
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)

    @cached_property
    def input_names(self) -> frozenset[str]:
        """Every form or import column name a question reads (``QUESTION.ROW`` for matrix rows)."""
        from .types import question_type

        return frozenset(name for q in self.questions for name in question_type(q).input_names(q))

    @cached_property
    def condition_keys(self) -> frozenset[str]:
        """The questions whose answers decide whether another question is shown."""
        return frozenset(c.key for q in self.questions if q.show_if for c in q.show_if.any_of
                         if c.source != "role")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(q.key for q in self.questions)

    @property
    def uses_participant_code(self) -> bool:
        """Paired questionnaires and forms filled in about a participant carry the code."""
        return self.paired or self.respondent is RespondentKind.STAFF_ABOUT_PARTICIPANT

    @property
    def accepts_participant_code(self) -> bool:
        return self.uses_participant_code or self.optional_code

    @property
    def answered_through_links(self) -> bool:
        """Forms about a participant are filled in on the participant's page, behind a login."""
        return self.respondent is not RespondentKind.STAFF_ABOUT_PARTICIPANT

    @property
    def role_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.roles)

    @property
    def asks_role(self) -> bool:
        return bool(self.roles)
