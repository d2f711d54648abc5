"""One page of a list, for every feature's paginated listings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Page:
    """One page of a list, as the shared pagination macro reads it; extra holds per-page data."""

    items: list[Any]
    total: int
    number: int
    pages: int
    extra: dict[str, Any] = field(default_factory=dict)
