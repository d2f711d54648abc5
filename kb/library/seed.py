"""The leaflet's case studies, and the lessons drawn from them, loaded by `flask kb seed` as
published items credited to the taskforce."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from kb import clock
from kb.extensions import db
from kb.library.models import Kind, LibraryItem, Status
from kb.library.service import ItemFields, apply_fields, cleaned, fields_of, record_revision

LEAFLET_CREDIT = "Local Partnerships Taskforce"


def seeded_item(key: str) -> LibraryItem | None:
    return db.session.scalar(select(LibraryItem).where(LibraryItem.seed_key == key))


def seed_item(key: str, fields: ItemFields, kind: Kind = Kind.CASE_STUDY) -> str:
    """Create or update one seeded item; returns 'created', 'updated', 'unchanged' or 'kept'
    (edited on the site, so left as it is)."""
    item = seeded_item(key)
    if item is None:
        item = LibraryItem(kind=kind.value, seed_key=key, credited_to=LEAFLET_CREDIT,
                           status=Status.PUBLISHED.value, has_pending_edit=False,
                           created_at=clock.now(), published_at=clock.now())
        apply_fields(item, fields)
        db.session.add(item)
        record_revision(item, None, "Loaded from the leaflet (seed_content)")
        return "created"
    if asdict(cleaned(fields_of(item))) == asdict(cleaned(fields)):
        return "unchanged"
    if any(revision.saved_by_id is not None for revision in item.revisions):
        # Someone has worked on it on the site since: their work wins over the seed file.
        return "kept"
    apply_fields(item, fields)
    record_revision(item, None, "Updated from seed_content")
    return "updated"
