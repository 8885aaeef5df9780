from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timestamps are stored in UTC without a zone; pages convert to the reader's zone."""
    return datetime.now(UTC).replace(tzinfo=None)
