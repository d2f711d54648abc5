"""Who may do what with a library item. Views, templates and services all ask here."""

from __future__ import annotations

from kb.auth.service import why_unverified
from kb.library.models import SUBMITTED, Kind, LibraryItem, Status
from kb.platform.permissions import is_moderator

EDITABLE_BY_AUTHOR = (Status.DRAFT, Status.CHANGES_REQUESTED)


def is_author(user, item: LibraryItem) -> bool:
    return bool(getattr(user, "is_authenticated", False) and item.author_id is not None and item.author_id == user.id)


def can_view(user, item: LibraryItem) -> bool:
    return item.is_readable or is_author(user, item) or is_moderator(user)


def can_edit(user, item: LibraryItem) -> bool:
    """Authors edit their drafts and, through review, their published items; moderators more."""
    if item.status in (Status.ARCHIVED, Status.REJECTED):
        return False
    if is_moderator(user):
        return True
    return is_author(user, item) and (item.status in EDITABLE_BY_AUTHOR or item.status == Status.PUBLISHED)


def edit_needs_review(user, item: LibraryItem) -> bool:
    """A member's edit of a published item waits for a moderator; the public keeps the approved text."""
    return item.status == Status.PUBLISHED and not is_moderator(user)


def can_submit(user, item: LibraryItem) -> bool:
    return is_author(user, item) and item.status in EDITABLE_BY_AUTHOR and why_cannot_submit(user) is None


def why_cannot_submit(user) -> str | None:
    """A member whose email address is not verified yet saves drafts but does not submit them."""
    return why_unverified(user, "submit your work for review")


def can_publish_directly(user, item: LibraryItem) -> bool:
    """Moderators and admins may publish their own work without waiting for review."""
    return is_moderator(user) and is_author(user, item) and item.status in EDITABLE_BY_AUTHOR


def can_review(user, item: LibraryItem) -> bool:
    return is_moderator(user) and item.status in SUBMITTED


def can_review_edit(user, item: LibraryItem) -> bool:
    return is_moderator(user) and item.has_pending_edit and item.status == Status.PUBLISHED


def can_archive(user, item: LibraryItem) -> bool:
    return is_moderator(user) and item.status == Status.PUBLISHED


def can_see_history(user, item: LibraryItem) -> bool:
    # Earlier revisions may hold text a moderator turned down, so only the author and moderators see them.
    return is_author(user, item) or is_moderator(user)


def can_restore(user, item: LibraryItem) -> bool:
    if is_moderator(user):
        return item.status not in (Status.ARCHIVED, Status.REJECTED)
    return is_author(user, item) and item.status in EDITABLE_BY_AUTHOR


def missing_for_submission(item: LibraryItem) -> list[str]:
    """What a draft still lacks before a moderator can review it (drafts may be saved unfinished)."""
    missing = []
    if item.kind == Kind.CASE_STUDY and not (item.summary or "").strip():
        missing.append("write a short summary")
    if not item.themes:
        missing.append("choose at least one theme")
    if not (item.body or "").strip():
        missing.append("write the " + ("case study" if item.kind == Kind.CASE_STUDY else "lesson"))
    if item.kind == Kind.LESSON and not item.outcome:
        missing.append("say whether it worked well or didn't work")
    return missing


def can_verify(user, item: LibraryItem) -> bool:
    """Moderators mark published case studies as verified good practice (and can take it back)."""
    return is_moderator(user) and item.kind == Kind.CASE_STUDY and item.status == Status.PUBLISHED


def can_supersede(user, item: LibraryItem) -> bool:
    return is_moderator(user) and item.status == Status.PUBLISHED
