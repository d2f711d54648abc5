"""A moderator's decision on a library item is written to the audit log and told to its author (on
the site, and by email as they chose), in the same transaction as the decision itself."""

from __future__ import annotations

from enum import StrEnum

from kb.auth.models import User
from kb.library.models import LibraryItem
from kb.platform import audit
from kb.platform.notifications import Kind, tell


class Decided(StrEnum):
    """Each decision a moderator takes on a library item, named once: a form sends the value, the
    audit log records `audit_action` (its words, as the log has always read: "request changes"), and
    the author is told `message`."""

    PUBLISH = "publish"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"
    ARCHIVE = "archive"
    APPROVE_EDIT = "approve_edit"
    DECLINE_EDIT = "decline_edit"
    VERIFY = "verify"
    UNVERIFY = "unverify"
    SUPERSEDE = "supersede"
    UNSUPERSEDE = "unsupersede"

    @property
    def audit_action(self) -> str:
        return self.value.replace("_", " ")

    @property
    def message(self) -> str:
        """What the author is told; {kind} and {title} are filled in."""
        return MESSAGES[self]


MESSAGES = {
    Decided.PUBLISH: "Your {kind} “{title}” has been published.",
    Decided.REQUEST_CHANGES: "A moderator asked for changes to your {kind} “{title}”.",
    Decided.REJECT: "Your {kind} “{title}” was not accepted for publication.",
    Decided.ARCHIVE: "Your {kind} “{title}” has been archived.",
    Decided.APPROVE_EDIT: "Your edit of the {kind} “{title}” was approved and is now published.",
    Decided.DECLINE_EDIT: "Your edit of the {kind} “{title}” was declined.",
    Decided.VERIFY: "Your {kind} “{title}” has been marked as verified good practice.",
    Decided.UNVERIFY: "Your {kind} “{title}” is no longer marked as verified good practice.",
    Decided.SUPERSEDE: "Your {kind} “{title}” is now marked as superseded by a newer item.",
    Decided.UNSUPERSEDE: "Your {kind} “{title}” is no longer marked as superseded.",
}


def record_decision(item: LibraryItem, by: User, decided: Decided, note: str = "") -> None:
    note = (note or "").strip()
    audit.record(by, decided.audit_action, item.kind, item.id, item.title, note)
    if item.author is not None and item.author_id != by.id:
        message = decided.message.format(kind=item.kind, title=item.title)
        message += f" Moderator's note: {note}" if note else ""
        themes = [theme.title for theme in item.themes]
        tell(item.author, Kind.DECISIONS, item.title, item.path(), message=message, themes=themes)
