"""Decisions apply to what the moderator saw. Every decision form carries the version of the
content it showed in a hidden "revision" field (a library item's revision number, a board post's
count of edits); a decision on content that changed since is refused and changes nothing.

The moderation queue, the item pages and the board's post actions all check through here, so the
field, its reading and the refusal are written once."""

from __future__ import annotations

FIELD = "revision"


def seen_revision(value: str | None) -> int | None:
    """The version a form carried; None when it carried none (or something that is not a number)."""
    value = value or ""
    return int(value) if value.isdecimal() and len(value) < 10 else None


def changed_since_shown(seen: int | None, current: int, what: str, shown: str = "you were shown it") -> str | None:
    """None when the decision is about what is there now; otherwise the refusal, in words.
    A form that carried no version (an older page, a script) is not checked."""
    if seen is None or seen == current:
        return None
    return f"{what} has changed since {shown}, so nothing was decided: read it again below."
