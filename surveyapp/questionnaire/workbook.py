"""Guards shared by everything that opens an uploaded .xlsx: how far it may unpack.

An .xlsx is a zip archive; a small file may expand to gigabytes (a zip bomb). The sizes the
archive declares are read from its directory before anything is expanded.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

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
