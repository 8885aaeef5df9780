"""Released answer rows: the answer-level table as it leaves the system, in the Excel answer
sheet and in the evaluator's SPSS, Stata and CSV files alike.

Rows released to anyone but the administrator are coarsened (see :mod:`.disclosure`): dated to
the month, the response's random id replaced by a row number, the participant code by a number
that holds only within the file (pairs stay pairs, yet the file links to nothing else), and the
quasi-identifiers merged or withheld until every combination is shared by the small-cell
threshold of rows. Forms about a participant carry the register's groups (``reg_kon`` …).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..questionnaire import Questionnaire
from .disclosure import Coarsening, month_of
from .records import AnswerLayout, AnswerRows
from .register import BACKGROUND

#: the register's groups, as released columns
REGISTER_COLUMNS = tuple(f"reg_{key}" for key in BACKGROUND)


@dataclass(frozen=True)
class ReleaseLayout:
    """The released columns and where each comes from in an answer row."""

    #: the answer rows' layout
    source: AnswerLayout
    coarsened: bool
    #: every released column, in order
    columns: tuple[str, ...]
    #: the register columns this questionnaire's rows carry
    register: tuple[str, ...]
    #: the released columns that are quasi-identifiers (coarsened when :attr:`coarsened`)
    quasi: tuple[str, ...]


def release_layout(q: Questionnaire, layout: AnswerLayout, coarsened: bool) -> ReleaseLayout:
    """The released columns of ``q``'s answer rows: coarsened or the administrator's own."""
    meta = list(layout.meta)
    if coarsened:
        meta[0], meta[2] = "row", "month"
        meta = ["participant" if c == "participant_code" else c for c in meta]
    asked = {question.key for question in q.questions}
    register = tuple(f"reg_{key}" for key in BACKGROUND
                     if q.uses_participant_code and key not in asked)
    columns = (*meta, *register, *layout.names)
    quasi = tuple(c for c in columns if c in ("month", "language", "organisation", "channel", "role")
                  or c in register or (c in BACKGROUND and c in layout.names))
    return ReleaseLayout(layout, coarsened, columns, register, quasi)


def quasi_values(release: ReleaseLayout, row: Sequence, groups: Mapping[str, tuple]) -> dict:
    """An answer row's quasi-identifiers by released column (month for the date), before
    coarsening; ``groups`` maps a participant code to its register entry (kön, ålder, region)."""
    source = dict(zip(release.source.columns, row, strict=True))
    found = _register(release, source.get("participant_code"), groups)
    values = {}
    for column in release.quasi:
        if column == "month":
            values[column] = month_of(source["submitted_at"])
        elif column in found:
            values[column] = found[column]
        else:
            values[column] = source[column]
    return values


def _register(release: ReleaseLayout, code: str | None, groups: Mapping[str, tuple]) -> dict:
    entry = groups.get(code) if code else None
    return {f"reg_{key}": (entry[n] if entry else None) for n, key in enumerate(BACKGROUND)
            if f"reg_{key}" in release.register}


class ReleasedRows(AnswerRows):
    """Answer rows as released: :attr:`layout` says which columns, :attr:`coarsening` what
    was merged or withheld (None for the administrator's uncoarsened rows)."""

    def __init__(self, layout: ReleaseLayout, rows: Iterable[tuple], coarsening: Coarsening | None,
                 questionnaire: Questionnaire):
        super().__init__(layout.columns, rows)
        self.layout = layout
        self.coarsening = coarsening
        self.questionnaire = questionnaire


def release_rows(release: ReleaseLayout, rows: Iterable[Sequence], groups: Mapping[str, tuple],
                 coarse: Mapping[str, tuple] | None = None) -> Iterator[tuple]:
    """The released rows of answer ``rows``. When coarsened, ``coarse`` maps a response's id
    to its released quasi-identifiers (in :attr:`ReleaseLayout.quasi` order); rows it lacks
    (left out, or answered since the rows were coarsened) are not released."""
    source_columns = release.source.columns
    participants: dict[str, int] = {}
    number = 0
    for row in rows:
        source = dict(zip(source_columns, row, strict=True))
        if release.coarsened:
            quasi = coarse.get(source["response_id"]) if coarse is not None else None
            if quasi is None:
                continue
            number += 1
            source.update(zip(release.quasi, quasi, strict=True))
            source["row"] = number
            code = source.get("participant_code")
            if code is not None:
                source["participant"] = participants.setdefault(code, len(participants) + 1)
        else:
            source.update(_register(release, source.get("participant_code"), groups))
        yield tuple(source.get(column) for column in release.columns)
