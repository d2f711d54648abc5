"""What a meeting pack holds. A pack gathers what the public pages show, in one place: a theme's aim,
checklist, supporting actions and reading list with its published case studies and lessons; or a
collection's entries in order, with its theme's checklist when it has one.

Packs are their own package rather than routes in themes and collections: a theme's pack needs the
library's items, and the themes package sits below the library (kb/themes/sections.py), so only a
package above both can gather them without an import cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.board import rules as board_rules
from kb.board.models import BoardThread
from kb.collections.models import Collection, CollectionEntry
from kb.library import queries as library_queries
from kb.library.models import Kind, LibraryItem
from kb.platform.extensions import db
from kb.themes.models import Theme
from kb.themes.service import get_theme

# Items the public can read in full; an archived one stays in a collection, marked as archived.


class EntryKind(StrEnum):
    ITEM = "item"  # a case study or lesson, printed in full on its own page
    THREAD = "thread"  # a board discussion the reader may open
    MEMBERS_THREAD = "members thread"  # a board discussion the reader may not open: no title shown
    EXTERNAL = "external"  # a resource elsewhere on the web
    GONE = "gone"  # an item no longer public, or a removed page


@dataclass
class PackEntry:
    kind: EntryKind
    note: str = ""
    item: LibraryItem | None = None
    thread: BoardThread | None = None
    title: str = ""
    url: str = ""


@dataclass
class Pack:
    title: str
    introduction: str
    theme: Theme | None
    entries: list[PackEntry] = field(default_factory=list)
    collection: Collection | None = None  # the collection a collection's pack was made from

    @property
    def printed_items(self) -> list[PackEntry]:
        """The entries printed in full, each on a page of its own."""
        return [entry for entry in self.entries if entry.kind == EntryKind.ITEM]


def _published_on_theme(theme: Theme, kind: Kind) -> list[LibraryItem]:
    return library_queries.all_published(kind, library_queries.Filters(theme=theme.slug))


def theme_pack(slug: str) -> Pack | None:
    """The theme's pack: its case studies, then its lessons, newest first; what the theme page and
    the lists filtered by the theme show anyone."""
    theme = get_theme(slug)
    if theme is None:
        return None
    items = _published_on_theme(theme, Kind.CASE_STUDY) + _published_on_theme(theme, Kind.LESSON)
    return Pack(
        title=theme.title,
        introduction=theme.summary,
        theme=theme,
        entries=[PackEntry(EntryKind.ITEM, item=item) for item in items],
    )


def _collection_with_entries(collection_id: int) -> Collection | None:
    item = selectinload(Collection.entries).selectinload(CollectionEntry.item)
    return db.session.scalar(
        select(Collection)
        .where(Collection.id == collection_id)
        .options(
            item.selectinload(LibraryItem.themes),
            item.selectinload(LibraryItem.tags),
            item.selectinload(LibraryItem.author),
            item.selectinload(LibraryItem.source_case_study),
            selectinload(Collection.entries).selectinload(CollectionEntry.thread),
            selectinload(Collection.theme),
        )
    )


def _entry_for(entry: CollectionEntry, reader) -> PackEntry:
    # The same rules as the collection's page: a thread's title only for those who may read it.
    if entry.item is not None:
        if entry.item.is_readable:
            return PackEntry(EntryKind.ITEM, entry.note, item=entry.item)
        return PackEntry(EntryKind.GONE, entry.note, title=entry.item.title)
    if entry.thread is not None:
        if board_rules.can_read_board(reader) and board_rules.can_see_thread(reader, entry.thread):
            return PackEntry(EntryKind.THREAD, entry.note, thread=entry.thread, title=entry.thread.title)
        return PackEntry(EntryKind.MEMBERS_THREAD, entry.note, thread=entry.thread)
    if entry.external_url:
        return PackEntry(
            EntryKind.EXTERNAL, entry.note, title=entry.external_title or entry.external_url, url=entry.external_url
        )
    return PackEntry(EntryKind.GONE, entry.note)


def collection_pack(collection_id: int, reader) -> Pack | None:
    """The collection's pack, its entries in the moderators' order; with its theme's checklist."""
    collection = _collection_with_entries(collection_id)
    if collection is None:
        return None
    theme = get_theme(collection.theme.slug) if collection.theme else None
    return Pack(
        title=collection.title,
        introduction=collection.introduction,
        theme=theme,
        collection=collection,
        entries=[_entry_for(entry, reader) for entry in collection.entries],
    )
