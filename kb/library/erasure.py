"""The library's part of deleting an account (kb.platform.erasure): a former member's case studies and lessons.

Drafts, submissions, rejected items and pending edits were never anyone else's to read: they go.
Published (and archived) items stay, credited to "a former member" (the author is simply gone, as
LibraryItem.credit already reads it), or go too when the member chose that. Every change goes
through the session, so the search outbox re-indexes or removes each item.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.library.models import LibraryItem, RevisionState, Status
from kb.platform.extensions import db

SEEN_BY_OTHERS = (Status.PUBLISHED.value, Status.ARCHIVED.value)


def erase(user: User, remove_published: bool) -> None:
    items = db.session.scalars(
        select(LibraryItem).where(LibraryItem.author_id == user.id).options(selectinload(LibraryItem.revisions))
    ).all()
    for item in items:
        if remove_published or item.status not in SEEN_BY_OTHERS:
            db.session.delete(item)  # its revisions with it; the database clears the places that named it
            continue
        for revision in list(item.revisions):
            if revision.state == RevisionState.PENDING.value:
                item.revisions.remove(revision)  # an edit nobody has approved is the member's alone
        if item.has_pending_edit:
            item.has_pending_edit, item.awaiting_since = False, None
        item.author_id = None
    db.session.flush()
