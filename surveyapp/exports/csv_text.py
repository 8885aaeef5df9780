"""Text in the CSV files the app writes: a cell that a spreadsheet would run as a formula
(starting with =, +, -, @, tab or carriage return) gets a leading apostrophe, so it opens as
text, as the Excel export writes it. Imports take the apostrophe off again."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The text :func:`neutralise` was given."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
