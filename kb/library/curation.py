"""Moderators' curation of published items: verified good practice, and outdated items superseded by newer ones."""

from __future__ import annotations

import re

from kb.auth.models import User
from kb.library import rules
from kb.library.decisions import Decided, record_decision
from kb.library.kinds import ADDRESS_PREFIXES
from kb.library.models import LibraryItem, Status
from kb.library.service import InvalidTransition, LibraryError
from kb.platform import clock
from kb.platform.extensions import db

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
    record_decision(item, by, Decided.VERIFY, note)
    db.session.commit()


def unverify(item: LibraryItem, by: User, note: str = "") -> None:
    if not rules.can_verify(by, item) or item.verified_at is None:
        raise InvalidTransition("This case study is not marked as verified.")
    item.verified_at = item.verified_by_id = item.verified_note = None
    record_decision(item, by, Decided.UNVERIFY, note)
    db.session.commit()


# "/case-studies/12-some-title", "https://host/lessons/7", or just "12".
ITEM_ADDRESS = re.compile(rf"(?:/(?:{ADDRESS_PREFIXES})/)?(\d{{1,9}})(?:-[\w-]*)?/?$")


def supersede(item: LibraryItem, by: User, replacement_address: str) -> LibraryItem:
    """Mark a published item as outdated, replaced by a newer published one."""
    if not rules.can_supersede(by, item):
        raise InvalidTransition("Only a published item can be marked as superseded, and only by a moderator.")
    match = ITEM_ADDRESS.search((replacement_address or "").strip())
    replacement = db.session.get(LibraryItem, int(match.group(1))) if match else None
    if replacement is None or replacement.status != Status.PUBLISHED:
        raise LibraryError(
            "Give the address of a published case study or lesson, for example /case-studies/12-a-newer-approach."
        )
    if replacement.id == item.id:
        raise LibraryError("An item cannot be superseded by itself.")
    item.superseded_by_id = replacement.id
    record_decision(item, by, Decided.SUPERSEDE, f"superseded by “{replacement.title}”")
    db.session.commit()
    return replacement


def clear_supersession(item: LibraryItem, by: User, note: str = "") -> None:
    if not rules.can_supersede(by, item) or item.superseded_by_id is None:
        raise InvalidTransition("This is not marked as superseded.")
    item.superseded_by_id = None
    record_decision(item, by, Decided.UNSUPERSEDE, note)
    db.session.commit()
