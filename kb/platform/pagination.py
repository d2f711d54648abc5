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


@dataclass(frozen=True)
class Window:
    """Which page of a list to show: the page asked for, kept between the first and the last (a list
    with nothing in it has one, empty, page), and where it starts."""

    number: int
    pages: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def window(total: int, asked: int, size: int) -> Window:
    pages = max(1, -(-total // size))
    return Window(min(max(1, asked), pages), pages, size)
