"""The one place the application asks what time it is, so tests can move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current time as a naive UTC datetime (how every timestamp is stored)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC).replace(tzinfo=None)


def freeze(moment: datetime | None) -> None:
    """Pin now() to a moment (tests only); None lets the clock run again."""
    global _frozen
    _frozen = moment
