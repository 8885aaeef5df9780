"""Reading uploaded .xlsx files safely: how far one may unpack, and a sheet read as text.

An .xlsx is a zip archive; a small file may expand to gigabytes (a zip bomb). The sizes the
archive declares are read from its directory before anything is expanded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

#: an .xlsx may unpack to at most this many times its own size, and never more than MAX_UNPACKED
UNPACK_RATIO = 100
MAX_UNPACKED = 1024 * 1024 * 1024


def out_of_proportion(path: Path, limit: int = MAX_UNPACKED) -> tuple[int, int] | None:
    """``(unpacked, packed)`` sizes in bytes when the archive unpacks out of proportion, else None.

    Raises :class:`zipfile.BadZipFile` when the file is no zip archive at all.
    """
    packed = Path(path).stat().st_size
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > min(limit, max(packed, 1024 * 1024) * UNPACK_RATIO):
        return unpacked, packed
    return None


class Sheet:
    """One sheet read whole: its header and its non-empty rows as ``(number, {column: text})``."""

    def __init__(self, name: str, header: list[str], rows: list[tuple[int, dict[str, str]]]):
        self.name = name
        self.header = header
        self.rows = rows

    def where(self, number: int, column: str) -> str:
        """``survey row 5, column C (type)``."""
        if column in self.header:
            letter = column_letter(self.header.index(column) + 1)
            return f"{self.name} row {number}, column {letter} ({column})"
        return f"{self.name} row {number}, column {column}"


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(worksheet, name: str, max_rows: int, problems: list[str]) -> Sheet | None:
    """A sheet's values as text; a formula is a problem (named by row and column), not a value.

    None when the sheet has more than ``max_rows`` non-empty rows.
    """
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in enumerate(worksheet.iter_rows(), start=1):
        if number == 1:
            header = [cell_text(getattr(c, "value", None)) for c in cells]
            continue
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            if value is None:
                continue
            column = header[index] if index < len(header) else ""
            if getattr(cell, "data_type", None) == "f":
                where = f"{name} row {number}, column {column_letter(index + 1)}"
                problems.append(f"{where}{f' ({column})' if column else ''}: a formula; "
                                "write the value itself")
                continue
            text = cell_text(value)
            if text and column:
                values[column] = text
        if values:
            rows.append((number, values))
            if len(rows) > max_rows:
                problems.append(f"{name}: more than {max_rows} rows; at most {max_rows} are read")
                return None
    return Sheet(name, header, rows)
