"""Moderators' curation of published items: marking case studies as verified good practice."""

from __future__ import annotations

from kb import clock
from kb.auth.models import User
from kb.extensions import db
from kb.library import rules
from kb.library.decisions import record_decision
from kb.library.models import LibraryItem
from kb.library.service import InvalidTransition, LibraryError

VERIFIED_NOTE_MAX = 500


def verify(item: LibraryItem, by: User, note: str) -> None:
    """Mark a published case study as verified good practice, saying what was checked."""
    if not rules.can_verify(by, item):
        raise InvalidTransition("Only a published case study can be verified, and only by a moderator.")
    note = (note or "").strip()
    if not note:
        raise LibraryError("Say what was checked: readers see it with the “verified” badge.")
    if len(note) > VERIFIED_NOTE_MAX:
        raise LibraryError(f"Keep the note on what was checked to {VERIFIED_NOTE_MAX} characters or fewer.")
    item.verified_at, item.verified_by_id, item.verified_note = clock.now(), by.id, note
    record_decision(item, by, "verify", note)
    db.session.commit()


def unverify(item: LibraryItem, by: User, note: str = "") -> None:
    if not rules.can_verify(by, item) or item.verified_at is None:
        raise InvalidTransition("This case study is not marked as verified.")
    item.verified_at = item.verified_by_id = item.verified_note = None
    record_decision(item, by, "unverify", note)
    db.session.commit()
