"""One page of a list, for every feature's paginated listings."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    """One page of a list, as the shared pagination macro reads it; extra holds per-page data."""

    items: list
    total: int
    number: int
    pages: int
    extra: dict = field(default_factory=dict)
