"""The evaluator's files: SPSS (.sav), Stata (.dta) and CSV, thin writers over one
:class:`~.dataset.Dataset` (pyreadstat writes the two statistics formats).

Each file is written to a temporary file beside its place and moved there whole."""

from __future__ import annotations

import csv
import math
import os
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyreadstat

from ..analysis.dataset import MISSING_RANGE, STATA_MISSING, Dataset
from .csv_text import neutralise

FORMATS = ("sav", "dta", "csv")
MIMETYPES = {"sav": "application/x-spss-sav", "dta": "application/x-stata-dta", "csv": "text/csv"}
#: Stata's limit on a variable's and the file's label, in bytes
STATA_LABEL = 80


def write_export(dataset: Dataset, path: str | Path, file_format: str) -> Path:
    """Writes ``dataset`` to ``path`` in ``file_format`` (one of :data:`FORMATS`)."""
    writers: dict[str, Callable[[Dataset, str], None]] = {"sav": _sav, "dta": _dta, "csv": _csv}
    if file_format not in writers:
        raise ValueError(f"unknown format {file_format!r}; choose one of: {', '.join(FORMATS)}")
    path = Path(path)
    fd, temporary = tempfile.mkstemp(suffix=f".{file_format}", dir=path.parent or None)
    os.close(fd)
    try:
        writers[file_format](dataset, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _short(text: str, size: int) -> str:
    """``text`` in at most ``size`` bytes of UTF-8 (the formats count bytes), cut with "…"."""
    if len(text.encode()) <= size:
        return text
    while len(text.encode()) > size - 3:
        text = text[:-1]
    return text + "…"


def _note_lines(text: str, size: int = 80) -> list[str]:
    """The file's note as SPSS document lines, each at most ``size`` bytes of UTF-8."""
    lines = []
    for line in textwrap.wrap(text, size * 3 // 4):
        while len(line.encode()) > size:
            cut = size
            while len(line[:cut].encode()) > size:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def _file_label(dataset: Dataset) -> str:
    """The title and, in short, whether the rows were coarsened (Stata has no notes to say more)."""
    c = dataset.coarsening
    shown = f"grovkornig, k ≥ {c.threshold}" if c is not None else "ej grovkornig"
    return f"{dataset.questionnaire.title} ({shown}; se kodboken)"


def _sav(dataset: Dataset, path: str) -> None:
    numeric = [v for v in dataset.variables if v.kind == "numeric"]
    pyreadstat.write_sav(
        dataset.frame, path,
        file_label=_short(dataset.questionnaire.title, 64),
        note=_note_lines(dataset.metadata()),
        column_labels={v.name: v.label for v in dataset.variables},
        variable_value_labels={v.name: {**v.values, **v.missing} for v in numeric if v.values or v.missing},
        missing_ranges={v.name: [{"lo": MISSING_RANGE[0], "hi": MISSING_RANGE[1]}]
                        for v in numeric if v.missing},
        variable_measure={v.name: v.measure for v in dataset.variables},
        variable_format={v.name: "F8.0" for v in numeric} | {
            v.name: "DATE11" for v in dataset.variables if v.kind == "date"},
    )


def _dta(dataset: Dataset, path: str) -> None:
    frame = dataset.frame
    labels: dict[str, dict] = {}
    missing: dict[str, list[str]] = {}
    for v in dataset.variables:
        if v.kind != "numeric":
            continue
        if v.missing:
            # Stata's extended missing values stand where the user-missing codes were
            letters = {code: STATA_MISSING[code] for code in v.missing}
            column = frame[v.name].astype(object)
            for code, letter in letters.items():
                column = column.mask(frame[v.name] == code, letter)
            if frame is dataset.frame:
                frame = frame.copy(deep=False)
            frame[v.name] = column
            missing[v.name] = sorted(set(letters.values()))
            labels[v.name] = {**v.values, **{letters[c]: text for c, text in v.missing.items()}}
        elif v.values:
            labels[v.name] = dict(v.values)
    pyreadstat.write_dta(
        frame, path,
        file_label=_short(_file_label(dataset), STATA_LABEL),
        column_labels={v.name: _short(v.label, STATA_LABEL) for v in dataset.variables},
        variable_value_labels=labels,
        missing_user_values=missing,
        version=15,
    )


def _csv(dataset: Dataset, path: str) -> None:
    """Codes as in the SPSS file; empty for system missing; text that a spreadsheet would run
    as a formula starts with an apostrophe."""
    kinds = [v.kind for v in dataset.variables]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([v.name for v in dataset.variables])
        for values in dataset.frame.itertuples(index=False, name=None):
            writer.writerow([_cell(value, kind) for value, kind in zip(values, kinds, strict=True)])


def _cell(value, kind: str):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "numeric":
        return int(value) if float(value).is_integer() else value
    if kind == "date":
        return value.isoformat()
    return neutralise(str(value))
