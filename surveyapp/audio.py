"""Recognising uploaded audio from its own bytes, and its length where the format tells it.

A name or a browser's content type says nothing about what a file holds: the type is taken
from the content's magic bytes only, and anything else is refused.
"""

from __future__ import annotations

import struct

#: the content types accepted, in the order they are tried
AUDIO_TYPES = ("audio/wav", "audio/ogg", "audio/webm", "audio/mp4", "audio/mpeg")
#: file name endings for exported recordings
EXTENSIONS = {"audio/wav": "wav", "audio/ogg": "ogg", "audio/webm": "webm", "audio/mp4": "m4a",
              "audio/mpeg": "mp3"}


def sniff_audio(data: bytes) -> str | None:
    """The audio content type of ``data`` (mp3, m4a/mp4, ogg, webm, wav), or None."""
    if len(data) < 12:
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "audio/webm"
    if data[4:8] == b"ftyp":
        return "audio/mp4"
    if data[:3] == b"ID3":
        return "audio/mpeg"
    # an MPEG audio frame: 11 sync bits, a layer other than "reserved", a valid bitrate index
    if data[0] == 0xFF and data[1] & 0xE0 == 0xE0 and data[1] & 0x06 and (data[2] >> 4) not in (0, 15):
        return "audio/mpeg"
    return None


def duration_ms(data: bytes, mime_type: str) -> int | None:
    """The length of the audio in milliseconds where its header tells it, else None."""
    try:
        reader = {
            "audio/wav": _wav_duration,
            "audio/mp4": _mp4_duration,
            "audio/ogg": _ogg_duration,
            "audio/webm": _webm_duration,
            "audio/mpeg": _mp3_duration,
        }[mime_type]
        value = reader(data)
    except (KeyError, struct.error, IndexError, ValueError, ZeroDivisionError):
        return None
    return int(value) if value is not None and value >= 0 else None


def _wav_duration(data: bytes) -> float | None:
    pos, byte_rate = 12, None
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if chunk == b"fmt ":
            byte_rate = struct.unpack("<I", data[pos + 16:pos + 20])[0]
        elif chunk == b"data" and byte_rate:
            size = min(size, len(data) - pos - 8)
            return 1000 * size / byte_rate
        pos += 8 + size + (size & 1)
    return None


def _mp4_duration(data: bytes) -> float | None:
    """From the ``mvhd`` box inside ``moov``."""
    index = data.find(b"mvhd")
    if index < 4:
        return None
    version = data[index + 4]
    if version == 1:
        timescale, duration = struct.unpack(">IQ", data[index + 24:index + 36])
    else:
        timescale, duration = struct.unpack(">II", data[index + 16:index + 24])
    return 1000 * duration / timescale if timescale else None


def _ogg_duration(data: bytes) -> float | None:
    """The last page's granule position over the stream's sample rate (Opus always counts 48 kHz)."""
    if b"OpusHead" in data[:200]:
        rate = 48000
    elif (index := data.find(b"\x01vorbis", 0, 200)) >= 0:
        rate = struct.unpack("<I", data[index + 12:index + 16])[0]
    else:
        return None
    last = data.rfind(b"OggS")
    granule = struct.unpack("<q", data[last + 6:last + 14])[0]
    return 1000 * granule / rate if granule >= 0 else None


def _webm_duration(data: bytes) -> float | None:
    """The Segment Info's Duration (0x4489) times its TimecodeScale; a browser's live recording
    often has none."""
    index = data.find(b"\x44\x89", 0, 4096)
    if index < 0:
        return None
    size_byte = data[index + 2]
    if size_byte == 0x84:
        value = struct.unpack(">f", data[index + 3:index + 7])[0]
    elif size_byte == 0x88:
        value = struct.unpack(">d", data[index + 3:index + 11])[0]
    else:
        return None
    scale_index = data.find(b"\x2a\xd7\xb1", 0, 4096)
    scale = 1_000_000
    if scale_index >= 0:
        length = data[scale_index + 3] & 0x0F if data[scale_index + 3] & 0x80 else 0
        if length:
            scale = int.from_bytes(data[scale_index + 4:scale_index + 4 + length], "big")
    return value * scale / 1_000_000


_MP3_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # MPEG-1 layer III


def _mp3_duration(data: bytes) -> float | None:
    """An estimate from the first frame's bitrate (exact for constant-bitrate files)."""
    pos = 0
    if data[:3] == b"ID3":
        pos = 10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9])
    while pos + 4 <= len(data) and not (data[pos] == 0xFF and data[pos + 1] & 0xE0 == 0xE0):
        pos += 1
    if pos + 4 > len(data):
        return None
    header = data[pos + 1]
    if header & 0x18 != 0x18 or header & 0x06 != 0x02:  # only MPEG-1 layer III is estimated
        return None
    kbps = _MP3_BITRATES[data[pos + 2] >> 4]
    return 8 * (len(data) - pos) / kbps if kbps else None
