"""Coarsening of answer-level rows so that no one can be singled out: the one place where
released rows' quasi-identifiers (kommun, channel, language, role, background groups, month)
are merged or withheld until every combination of them is shared by at least the small-cell
threshold of rows (k-anonymity, k = the threshold).

The steps, each taken only while some combination is still shared by fewer than k rows:

1. a value of one quasi-identifier that fewer than k rows hold at all is merged with the
   other rare values of that column into one withheld value (``*``);
2. local suppression: in the order of :data:`GIVE_UP_ORDER` (the least useful to an
   evaluator first), the column's value is withheld in every row of a too small combination,
   when that merges some of their combinations (withholding a value they all share would
   hide it and protect no one);
3. rows still in too small combinations have every quasi-identifier withheld; if they are
   still fewer than k, rows of the largest combinations that have rows to spare join them
   (their values withheld too), and if that is not enough, the smallest combinations whole;
4. if even that cannot make k (fewer than k rows in all), those rows are left out.

Every step is deterministic: the same rows give the same released file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: the value a released row shows for a merged or withheld quasi-identifier
WITHHELD = "*"
#: the quasi-identifiers, in the order their values are given up (month first, kommun last)
GIVE_UP_ORDER = (
    "month", "language", "channel", "aldersgrupp", "fodelseregion", "kon",
    "reg_aldersgrupp", "reg_fodelseregion", "reg_kon", "role", "organisation",
)
_NONE = "\x00"  # stands for a missing value while counting combinations


@dataclass(frozen=True)
class Coarsening:
    """What coarsening did, for the released file's metadata and the audit log."""

    threshold: int
    #: the quasi-identifier columns the rows had
    columns: tuple[str, ...]
    rows: int
    #: column → the rare values merged into the withheld value
    merged: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: column → how many of its cells are withheld in all (merged values included)
    withheld_cells: dict[str, int] = field(default_factory=dict)
    #: rows left out because not even full withholding gave k of them
    rows_left_out: int = 0
    #: the smallest number of released rows sharing one combination (0: no rows)
    smallest_group: int = 0

    def describe(self) -> str:
        """In Swedish, for the file's metadata: dates to the month, what was merged and withheld."""
        parts = [f"Datum till månad; varje kombination av {', '.join(self.columns) or '–'} "
                 f"delas av minst {self.threshold} rader (minsta grupp {self.smallest_group})"]
        for column in self.columns:
            if self.withheld_cells.get(column):
                merged = self.merged.get(column)
                text = f"{column}: {self.withheld_cells[column]} värden dolda"
                if merged:
                    text += f" (sammanslagna: {', '.join(merged)})"
                parts.append(text)
        if self.rows_left_out:
            parts.append(f"{self.rows_left_out} rader utelämnade")
        return "; ".join(parts)


def month_of(day) -> str | None:
    """A date as its month, "2026-03": released rows are never dated closer than that."""
    return None if day is None else f"{day.year:04d}-{day.month:02d}"


def coarsen(keys: pd.DataFrame, threshold: int) -> tuple[pd.DataFrame, pd.Series, Coarsening]:
    """The released quasi-identifiers of ``keys`` (one row per answer row, a column per
    quasi-identifier; values are strings or None), a boolean Series saying which rows are
    released, and what was done. Columns not in :data:`GIVE_UP_ORDER` are given up last.

    Each column is held as small integer codes (0: withheld), so that a hundred thousand
    rows take a few megabytes and every step is a sort, not a loop."""
    k = max(1, int(threshold))
    columns = [c for c in GIVE_UP_ORDER if c in keys.columns]
    columns += [c for c in keys.columns if c not in columns]
    n = len(keys)
    matrix = np.zeros((n, len(columns)), dtype=np.int32)
    uniques: list[np.ndarray] = []
    for j, column in enumerate(columns):
        codes, values = pd.factorize(keys[column].astype(object), use_na_sentinel=False)
        matrix[:, j] = codes + 1
        uniques.append(np.array([None if _is_missing(v) else v for v in values], dtype=object))
    kept = np.ones(n, dtype=bool)
    merged: dict[str, tuple[str, ...]] = {}
    if columns and n:
        # 1. rare values of a column merge into one
        for j, column in enumerate(columns):
            counts = np.bincount(matrix[:, j], minlength=len(uniques[j]) + 1)
            rare = [code for code in range(1, len(counts)) if 0 < counts[code] < k]
            if rare and _sizes(matrix).min() < k:
                matrix[np.isin(matrix[:, j], rare), j] = 0
                merged[column] = tuple(sorted("" if uniques[j][r - 1] is None else str(uniques[j][r - 1])
                                              for r in rare))
        # 2. local suppression, column by column, where it merges combinations
        for j in range(len(columns)):
            small = _sizes(matrix) < k
            if not small.any():
                break
            rows = matrix[small]
            trial = rows.copy()
            trial[:, j] = 0
            # a value the small rows share says nothing more: withholding it protects no one
            if _distinct(trial) < _distinct(rows):
                matrix[small, j] = 0
        small = _sizes(matrix) < k
        matrix[small] = 0
        # 3. rows withheld whole but still too few: rows of large combinations join them
        if small.any():
            need = k - int(small.sum())
            _, inverse, counts = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
            inverse = inverse.reshape(-1)
            empty = inverse[np.flatnonzero(small)[0]]
            for group in sorted(range(len(counts)), key=lambda g: (-counts[g], g)):
                if need <= 0:
                    break
                if group == empty or counts[group] <= k:
                    continue
                take = min(int(counts[group]) - k, need)
                matrix[np.flatnonzero(inverse == group)[-take:]] = 0
                need -= take
            # no rows to spare: the smallest combinations join them whole
            for group in sorted(range(len(counts)), key=lambda g: (counts[g], g)):
                if int((matrix == 0).all(axis=1).sum()) >= k:
                    break
                if group != empty:
                    matrix[inverse == group] = 0
            # 4. not enough rows in all: those left are not released
            kept &= ~(_sizes(matrix) < k)
    released = pd.DataFrame(index=keys.index)
    for j, column in enumerate(columns):
        values = np.full(n, WITHHELD, dtype=object)
        shown = matrix[:, j] > 0
        values[shown] = uniques[j][matrix[shown, j] - 1]
        released[column] = values
    shown = matrix[kept]
    coarsening = Coarsening(
        threshold=k,
        columns=tuple(columns),
        rows=int(kept.sum()),
        merged=merged,
        withheld_cells={c: int((shown[:, j] == 0).sum()) for j, c in enumerate(columns)},
        rows_left_out=int((~kept).sum()),
        smallest_group=int(_sizes(shown).min()) if len(shown) and columns else len(shown),
    )
    return released, pd.Series(kept, index=keys.index), coarsening


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _sizes(matrix: np.ndarray) -> np.ndarray:
    """For each row, how many rows share its combination."""
    if not len(matrix):
        return np.zeros(0, dtype=np.int64)
    _, inverse, counts = np.unique(matrix, axis=0, return_inverse=True, return_counts=True)
    return counts[inverse.reshape(-1)]


def _distinct(matrix: np.ndarray) -> int:
    return len(np.unique(matrix, axis=0)) if len(matrix) else 0


def smallest_group(keys: pd.DataFrame) -> int:
    """The fewest rows sharing one combination of ``keys``' columns (missing is a value too):
    what a test checks against the threshold. 0 for no rows."""
    if not len(keys):
        return 0
    if not len(keys.columns):
        return len(keys)
    values = keys.astype(object).where(keys.notna(), _NONE).astype(str)
    key = _key(values, list(values.columns))
    return int(key.map(key.value_counts()).min())


def _key(values: pd.DataFrame, columns: list[str]) -> pd.Series:
    key = values[columns[0]]
    for column in columns[1:]:
        key = key + "\x1f" + values[column]
    return key


def coarsen_rows(ids: Sequence, keys: Sequence[tuple], columns: Sequence[str],
                 threshold: int) -> tuple[dict, Coarsening]:
    """:func:`coarsen` over plain rows: ``keys`` holds each row's quasi-identifiers in
    ``columns`` order, ``ids`` its id; returns the released rows' quasi-identifiers by id
    (rows left out are missing) and what was done."""
    frame = pd.DataFrame(list(keys), index=list(ids), columns=list(columns))
    released, kept, coarsening = coarsen(frame, threshold)
    del frame
    released = released[kept][list(columns)]
    shared: dict = {}  # released rows share few combinations: each is held once
    coarse = {row_id: shared.setdefault(values, values)
              for row_id, values in zip(released.index, released.itertuples(index=False, name=None),
                                        strict=True)}
    return coarse, coarsening
