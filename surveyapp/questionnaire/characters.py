"""Characters no text may hold: control characters (NUL among them) and lone surrogates.

PostgreSQL refuses NUL in text, and none of these can be typed on purpose; tab, line feed
and carriage return are ordinary text.
"""

from __future__ import annotations

import re

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_forbidden_character(text: str) -> bool:
    return FORBIDDEN.search(text) is not None
