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
   (their values withheld too);
4. if even that cannot make k (fewer than k rows in all), those rows are left out.

Every step is deterministic: the same rows give the same released file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

#: the value a released row shows for a merged or withheld quasi-identifier
WITHHELD = "*"
#: the quasi-identifiers, in the order their values are given up (month first, kommun last)
GIVE_UP_ORDER = (
    "month", "language", "channel", "aldersgrupp", "fodelseregion", "kon",
    "reg_aldersgrupp", "reg_fodelseregion", "reg_kon", "role", "organisation",
)
_NONE = "\x00"  # stands for a missing value while grouping


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
    released, and what was done. Columns not in :data:`GIVE_UP_ORDER` are given up last."""
    k = max(1, int(threshold))
    columns = [c for c in GIVE_UP_ORDER if c in keys.columns]
    columns += [c for c in keys.columns if c not in columns]
    values = keys[columns].astype(object).where(keys[columns].notna(), _NONE).astype(str)
    kept = pd.Series(True, index=keys.index)
    merged: dict[str, tuple[str, ...]] = {}
    if columns and len(values):
        # 1. rare values of a column merge into one
        for column in columns:
            counts = values[column].value_counts()
            rare = sorted(v for v in counts[counts < k].index if v != WITHHELD)
            if rare and _sizes(values, columns).min() < k:
                values.loc[values[column].isin(rare), column] = WITHHELD
                merged[column] = tuple("" if v == _NONE else v for v in rare)
        # 2. local suppression, column by column, where it brings rows up to k
        for column in columns:
            small = _sizes(values, columns) < k
            if not small.any():
                break
            trial = values.copy()
            trial.loc[small, column] = WITHHELD
            # withheld where it merges combinations: a value the small rows share says nothing more
            if _key(trial[small], columns).nunique() < _key(values[small], columns).nunique():
                values = trial
        small = _sizes(values, columns) < k
        values.loc[small, columns] = WITHHELD
        # 3. rows withheld whole but still too few: rows of large combinations join them
        sizes = _sizes(values, columns)
        small = sizes < k
        if small.any():
            need = k - int(small.sum())
            spare = (sizes - k).where(~small, 0)
            key = _key(values, columns)
            donors = (pd.DataFrame({"key": key, "spare": spare, "size": sizes})[~small]
                      .drop_duplicates("key").sort_values(["size", "key"], ascending=[False, True]))
            for group, surplus in zip(donors["key"], donors["spare"], strict=True):
                if need <= 0:
                    break
                take = min(int(surplus), need)
                if take > 0:
                    rows = key.index[key == group][-take:]
                    values.loc[rows, columns] = WITHHELD
                    need -= take
            # 4. not enough rows in all: those left are not released
            small = _sizes(values, columns) < k
            kept &= ~small
    released = values.where(values != _NONE, None)
    shown = values[kept]
    smallest = int(_sizes(shown, columns).min()) if len(shown) and columns else (len(shown) or 0)
    coarsening = Coarsening(
        threshold=k,
        columns=tuple(columns),
        rows=int(kept.sum()),
        merged=merged,
        withheld_cells={c: int((shown[c] == WITHHELD).sum()) for c in columns},
        rows_left_out=int((~kept).sum()),
        smallest_group=smallest,
    )
    return released, kept, coarsening


def smallest_group(keys: pd.DataFrame) -> int:
    """The fewest rows sharing one combination of ``keys``' columns (missing is a value too):
    what a test checks against the threshold. 0 for no rows."""
    if not len(keys):
        return 0
    if not len(keys.columns):
        return len(keys)
    values = keys.astype(object).where(keys.notna(), _NONE).astype(str)
    return int(_sizes(values, list(values.columns)).min())


def _key(values: pd.DataFrame, columns: list[str]) -> pd.Series:
    key = values[columns[0]]
    for column in columns[1:]:
        key = key + "\x1f" + values[column]
    return key


def _sizes(values: pd.DataFrame, columns: list[str]) -> pd.Series:
    """For each row, how many rows share its combination."""
    key = _key(values, columns)
    return key.map(key.value_counts())


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
