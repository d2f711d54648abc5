"""The rules for collections: moderators make them; only published items (and visible threads, and
web addresses) can be added; an item archived later stays in the collection, marked as archived."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.board.models import BoardThread
from kb.collections.models import NOTE_MAX, TITLE_MAX, Collection, CollectionEntry
from kb.library.kinds import ADDRESS_PREFIXES
from kb.library.models import LibraryItem, Status
from kb.platform import audit, clock
from kb.platform.extensions import db
from kb.platform.ordering import at_the_end, move_within
from kb.platform.permissions import require_moderator
from kb.platform.text import one_line, slugify
from kb.themes.models import Theme

# "/case-studies/12-title", "/lessons/7", "/board/t/3-title", with or without the site's host.
LOCAL_ADDRESS = re.compile(rf"^(?:https?://[^/\s]+)?/({ADDRESS_PREFIXES}|board/t)/(\d{{1,9}})(?:-[\w-]*)?/?$")


class CollectionError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


def all_collections() -> list[Collection]:
    # Lists show each collection's theme and how many entries it holds: load both with it, not one query each.
    return list(
        db.session.scalars(
            select(Collection)
            .order_by(Collection.title)
            .options(selectinload(Collection.entries), selectinload(Collection.theme))
        )
    )


def for_theme(theme: Theme) -> list[Collection]:
    return list(
        db.session.scalars(select(Collection).where(Collection.theme_id == theme.id).order_by(Collection.title))
    )


def save(collection: Collection | None, title: str, introduction: str, theme: Theme | None, by: User) -> Collection:
    require_moderator(by, CollectionError, "Only moderators make collections.")
    title = one_line(title or "")
    if not 3 <= len(title) <= TITLE_MAX:
        raise CollectionError(f"The title must be 3 to {TITLE_MAX} characters long.")
    created = collection is None
    if created:
        collection = Collection(created_by_id=by.id, created_at=clock.now())
        db.session.add(collection)
    collection.title, collection.slug = title, slugify(title)
    collection.introduction = (introduction or "").strip()
    collection.theme_id = theme.id if theme else None
    db.session.flush()
    audit.record(by, "create collection" if created else "edit collection", "collection", collection.id, title)
    db.session.commit()
    return collection


def add_entry(collection: Collection, address: str, note: str, by: User, title: str = "") -> CollectionEntry:
    """Add a published case study or lesson, a visible board thread (by its address), or an
    external resource (a web address with a title)."""
    require_moderator(by, CollectionError, "Only moderators make collections.")
    address, note = one_line(address or ""), (note or "").strip()
    if len(note) > NOTE_MAX:
        raise CollectionError(f"Keep the note to {NOTE_MAX} characters or fewer.")
    entry = CollectionEntry(note=note, position=len(collection.entries) + 1)
    local = LOCAL_ADDRESS.match(address)
    if local and local.group(1) == "board/t":
        thread = db.session.get(BoardThread, int(local.group(2)))
        if thread is None or not thread.approved:
            raise CollectionError("There is no board thread at that address.")
        entry.thread, label = thread, thread.title
    elif local:
        item = db.session.get(LibraryItem, int(local.group(2)))
        if item is None or item.status != Status.PUBLISHED:
            raise CollectionError("Only published case studies and lessons can be added.")
        entry.item, label = item, item.title
    elif address.lower().startswith(("http://", "https://")) and len(address) <= 1000:
        title = one_line(title or "")
        if not title:
            raise CollectionError("Give the external resource a title.")
        entry.external_url, entry.external_title, label = address, title[:300], title
    else:
        raise CollectionError(
            "Enter the address of a case study, lesson or board thread on this site, or a web "
            "address starting with https://."
        )
    collection.entries.append(entry)
    audit.record(by, "add to collection", "collection", collection.id, collection.title, label[:200])
    db.session.commit()
    return entry


def described(entry: CollectionEntry) -> str:
    """What an entry points at, in words and with its address: what the audit log keeps of it."""
    if entry.item is not None:
        return f"{entry.item.kind} “{entry.item.title}” ({entry.item.path(with_slug=False)})"
    if entry.thread is not None:
        return f"board thread “{entry.thread.title}” (/board/t/{entry.thread.id})"
    if entry.external_url:
        return f"“{entry.external_title}” ({entry.external_url})"
    return "an entry whose page no longer exists"


def remove_entry(entry: CollectionEntry, by: User) -> None:
    require_moderator(by, CollectionError, "Only moderators make collections.")
    collection = entry.collection
    # The row goes: the log says what it was, so it still reads right afterwards.
    audit.record(
        by, "remove from collection", "collection", collection.id, collection.title, f"removed {described(entry)}"
    )
    collection.entries.remove(entry)
    for position, each in enumerate(collection.entries, start=1):
        each.position = position
    db.session.commit()


def move_entry(entry: CollectionEntry, step: int, by: User) -> None:
    require_moderator(by, CollectionError, "Only moderators make collections.")
    if not move_within(list(entry.collection.entries), entry, step):
        raise CollectionError(at_the_end(step))
    audit.record(
        by,
        "reorder collection",
        "collection",
        entry.collection.id,
        entry.collection.title,
        f"moved {described(entry)} {'up' if step < 0 else 'down'}",
    )
    db.session.commit()
