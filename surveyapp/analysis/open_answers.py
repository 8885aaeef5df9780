"""Open (free-text) answers as the report page and the workbook list them: which may be
shown, and how many carry each theme. Plain data; the database work is in services."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from . import suppression


@dataclass(frozen=True)
class OpenAnswer:
    """One free-text answer with the round and kommun it was given in and its themes."""

    id: int
    question: str
    submitted_at: datetime
    round: str
    organisation: str
    text: str
    #: the ids of the themes it is tagged with
    themes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Theme:
    id: int
    name: str


@dataclass(frozen=True)
class Listing:
    """One free-text question's answers in a selection: a page of them, newest first."""

    question: str
    answers: tuple[OpenAnswer, ...]
    #: answers that may be listed (on every page)
    total: int
    page: int
    pages: int
    #: respondents in the selection
    respondents: int
    #: the selection itself has fewer respondents than the threshold: nothing is listed
    too_few: bool
    #: answers not listed because their kommun had fewer respondents in that round
    withheld: int
    #: theme id → answers (of those that may be listed) tagged with it
    theme_counts: Mapping[int, int] = field(default_factory=dict)
    #: answers (of those that may be listed) without a theme
    untagged: int = 0


@dataclass(frozen=True)
class Shown:
    """Which groups' answers may be listed, from the respondents per (round, kommun) cell."""

    #: respondents in the whole selection
    respondents: int
    #: the whole selection is below the threshold
    too_few: bool
    #: (round id, organisation id) cells whose answers are listed
    listed: frozenset

    @classmethod
    def decide(cls, respondents: Mapping[tuple[int, int], int], threshold: int) -> Shown:
        """Free text can name a person: a selection below the threshold lists nothing, and a
        kommun with fewer respondents than the threshold in a round keeps its answers of
        that round to itself (every listed answer names its round and kommun)."""
        total = sum(respondents.values())
        if suppression.is_small(total, threshold):
            return cls(total, True, frozenset())
        small = suppression.small_groups(respondents, threshold)
        return cls(total, False, frozenset(k for k in respondents if k not in small))


@dataclass(frozen=True)
class OpenAnswerSheet:
    """What the workbook's "Öppna svar" sheet lists: answers newest first (read once, as
    they arrive) and the names of their themes."""

    themes: Mapping[int, str]
    answers: Iterable[OpenAnswer]
