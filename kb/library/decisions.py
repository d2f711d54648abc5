"""A moderator's decision on a library item is written to the audit log and told to its author (on
the site, and by email as they chose), in the same transaction as the decision itself."""

from __future__ import annotations

from kb.auth.models import User
from kb.library.models import LibraryItem
from kb.platform import audit
from kb.platform.notifications import Kind, tell

# What the author is told, by action; {kind} and {title} are filled in.
MESSAGES = {
    "publish": "Your {kind} “{title}” has been published.",
    "request changes": "A moderator asked for changes to your {kind} “{title}”.",
    "reject": "Your {kind} “{title}” was not accepted for publication.",
    "archive": "Your {kind} “{title}” has been archived.",
    "approve edit": "Your edit of the {kind} “{title}” was approved and is now published.",
    "decline edit": "Your edit of the {kind} “{title}” was declined.",
    "verify": "Your {kind} “{title}” has been marked as verified good practice.",
    "unverify": "Your {kind} “{title}” is no longer marked as verified good practice.",
    "supersede": "Your {kind} “{title}” is now marked as superseded by a newer item.",
    "unsupersede": "Your {kind} “{title}” is no longer marked as superseded.",
}


def record_decision(item: LibraryItem, by: User, action: str, note: str = "") -> None:
    note = (note or "").strip()
    audit.record(by, action, item.kind, item.id, item.title, note)
    if item.author is not None and item.author_id != by.id:
        message = MESSAGES[action].format(kind=item.kind, title=item.title)
        message += f" Moderator's note: {note}" if note else ""
        themes = [theme.title for theme in item.themes]
        tell(item.author, Kind.DECISIONS, item.title, item.path(), message=message, themes=themes)
