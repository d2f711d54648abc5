"""Forgetting a member who deletes their account (UK GDPR article 17), feature by feature.

Nothing here knows the features, as with the data download (kb.platform.personal_data): each feature
declares an eraser (`eraser=` in its Feature, kb/platform/features.py), `erase(user, remove_published)`,
that removes or anonymises that member's rows in the caller's transaction, before the account row
itself goes (kb.auth.deletion). An eraser:

- removes what only the member could see (drafts, unpublished work, pending edits, watches, marks);
- for what others can see, keeps it credited to "a former member", or removes it too when
  `remove_published` is true (the member's choice);
- changes rows through the ORM session, so the search outbox re-indexes what changed;
- commits nothing: the deletion is one transaction, or nothing happens.

A feature may also say what the member must settle first (`reason_to_wait`: the only coordinator
of a partnership hands it over), shown on the page instead of the form. A feature whose rows only
point at the member as their maker, with nothing personal in them (collections, featured items),
needs no eraser: the database sets those pointers to nothing when the account row goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kb.platform import features


@dataclass(frozen=True)
class Eraser:
    name: str
    erase: Callable[[object, bool], None]
    # What the member must do before their account can go ("hand over the partnership"), or None.
    reason_to_wait: Callable[[object], str | None] | None = None


def erasers() -> list[Eraser]:
    """Every feature's eraser, in the features' order."""
    return list(features.each("eraser"))


def reasons_to_wait(user: Any) -> list[str]:
    """What the member must settle first, feature by feature (empty: nothing)."""
    reasons = (eraser.reason_to_wait(user) for eraser in erasers() if eraser.reason_to_wait is not None)
    return [reason for reason in reasons if reason]


def erase_member(user: Any, remove_published: bool) -> None:
    """Run every feature's eraser for this member, in the features' order."""
    for eraser in erasers():
        eraser.erase(user, remove_published)
