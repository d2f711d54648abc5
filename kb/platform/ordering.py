"""Moving one entry of a list a place up or down, the way every ordered list on the site is
arranged by moderators (categories, featured items, collections)."""

from __future__ import annotations

from typing import Any


def move_within(entries: list[Any], entry: Any, step: int) -> bool:
    """Swap entry with its neighbour above (step -1) or below (1) and renumber `position` from 1.
    False, changing nothing, when it is already at that end."""
    index = entries.index(entry)
    if not 0 <= index + step < len(entries):
        return False
    entries[index], entries[index + step] = entries[index + step], entries[index]
    for position, each in enumerate(entries, start=1):
        each.position = position
    return True


def at_the_end(step: int) -> str:
    return "It is already at the " + ("top." if step < 0 else "bottom.")
