"""What each feed holds: the newest things an anonymous visitor may see, gathered through the
features' own queries and rules.

Every feed is written for a visitor who is not signed in, whoever asks for it: a moderator's feed
reader must never pick up a draft or a held post and show it somewhere else. Addresses here are
paths on this site ("/case-studies/12"); the views make them absolute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_login import AnonymousUserMixin
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.board import queries as board_queries
from kb.board import rules as board_rules
from kb.board.models import BoardPost, BoardThread
from kb.collections.models import Collection, CollectionEntry
from kb.library import queries as library_queries
from kb.library import rules as library_rules
from kb.library.kinds import pages_for
from kb.library.models import LibraryItem, Status
from kb.library.tags import current_name, is_public
from kb.platform.extensions import db
from kb.platform.markup import plain_text
from kb.platform.text import member_name
from kb.search.documents import providers
from kb.search.service import FILTER_PARAMETERS, SearchRequest, parse, search, visibilities_for
from kb.themes.service import get_theme

FEED_SIZE = 30
SUMMARY_MAX = 300
# A feed with nothing in it yet has never changed, but Atom still asks when it last did.
NEVER = datetime(1970, 1, 1)
ANONYMOUS = AnonymousUserMixin()
SITE_NAME = "Common Ground"
# What an item's entry shows besides the item itself, loaded with it.
ITEM_DISPLAY = (selectinload(LibraryItem.themes), selectinload(LibraryItem.tags), selectinload(LibraryItem.author))


@dataclass(frozen=True)
class Category:
    term: str
    label: str


@dataclass(frozen=True)
class Entry:
    id: str  # a permanent address, unchanged by a new title: feed readers know the entry by it
    link: str  # where the entry is read: a path on this site, or a web address elsewhere
    title: str
    updated: datetime
    author: str | None = None  # None: the feed's own author (the site) stands for it
    summary: str = ""
    content_html: str | None = None  # the sanitised HTML the entry's page shows
    published: datetime | None = None
    categories: tuple[Category, ...] = ()


@dataclass(frozen=True)
class Feed:
    title: str
    entries: list[Entry]

    @property
    def updated(self) -> datetime:
        return max((entry.updated for entry in self.entries), default=NEVER)


def feed_title(what: str, name: str = "") -> str:
    """A feed's title: the same words in the feed and in the pages' links to it."""
    name = " ".join(name.split())
    titles = {
        "latest": f"New case studies and lessons on {SITE_NAME}",
        "theme": f"{name}: new case studies and lessons",
        "tag": f"Case studies and lessons tagged “{name}”",
        "collection": f"{name}: a {SITE_NAME} collection",
        "board_category": f"{name}: new threads on the {SITE_NAME} board",
        "search": f"Search results for “{name}” on {SITE_NAME}" if name else f"Search results on {SITE_NAME}",
    }
    return titles[what]


def shortened(text: str, limit: int = SUMMARY_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


# --- entries -------------------------------------------------------------------------------------


def item_entry(item: LibraryItem, note: str = "") -> Entry:
    """A case study or lesson as its page shows it: the approved text, never an edit waiting for review."""
    pages = pages_for(item)
    archived = item.status == Status.ARCHIVED
    return Entry(
        id=item.path(with_slug=False),
        link=item.path(),
        title=f"{item.title} (archived)" if archived else item.title,
        updated=item.updated_at,
        published=item.published_at,
        author=item.credit,
        # A lesson has no summary of its own: its first words stand in.
        summary=note or item.summary or shortened(plain_text(item.body_html)),
        content_html=item.body_html,
        categories=(
            Category(pages.key, pages.singular.capitalize()),
            *(Category(theme.slug, theme.title) for theme in item.themes),
            *(Category(tag.name, tag.name) for tag in item.tags),
        ),
    )


def thread_entry(thread: BoardThread, opening: BoardPost | None, note: str = "") -> Entry:
    """A board thread with its opening post, whose text is left out once it is held, hidden or removed."""
    shown = opening is not None and board_rules.can_see_post_text(ANONYMOUS, opening)
    return Entry(
        id=thread.path(with_slug=False),
        link=thread.path(),
        title=thread.title,
        updated=max(thread.created_at, opening.edited_at or thread.created_at) if shown else thread.created_at,
        published=thread.created_at,
        author=member_name(thread.author, capitalised=True),
        summary=note or (shortened(plain_text(opening.body_html)) if shown else "The opening post is not shown."),
        content_html=opening.body_html if shown else None,
    )


def board_is_public() -> bool:
    """Board feeds exist only when anonymous visitors may read the board (KB_BOARD_PUBLIC)."""
    return board_rules.can_read_board(ANONYMOUS)


def threads_shown(threads: list[BoardThread]) -> list[BoardThread]:
    if not board_is_public():
        return []
    return [thread for thread in threads if board_rules.can_see_thread(ANONYMOUS, thread)]


# --- the feeds -----------------------------------------------------------------------------------


def latest_feed() -> Feed:
    return Feed(feed_title("latest"), [item_entry(item) for item in library_queries.newest_published(limit=FEED_SIZE)])


def theme_feed(slug: str) -> Feed | None:
    theme = get_theme(slug)
    if theme is None:
        return None
    items = library_queries.newest_published(theme_slug=theme.slug, limit=FEED_SIZE)
    return Feed(feed_title("theme", theme.title), [item_entry(item) for item in items])


def tag_name(name: str) -> str:
    """A tag as the library writes it: lower case, single spaces."""
    return " ".join(name.split()).lower()


def renamed_tag(name: str) -> str | None:
    """The tag an old name became after a rename or merge (its feed moves there), if it is not a tag itself."""
    name = tag_name(name)
    return None if is_public(name) else current_name(name)


def tag_feed(name: str) -> Feed | None:
    name = tag_name(name)
    if not is_public(name):
        return None
    items = library_queries.newest_published(tag=name, limit=FEED_SIZE)
    return Feed(feed_title("tag", name), [item_entry(item) for item in items])


def collection_feed(collection_id: int) -> Feed | None:
    """The collection's entries an anonymous visitor sees on its page (archived items marked as such),
    the most recently added last, as the list grows."""
    listed = selectinload(Collection.entries)
    collection = db.session.scalar(
        select(Collection)
        .where(Collection.id == collection_id)
        .options(
            listed.selectinload(CollectionEntry.item).options(*ITEM_DISPLAY),
            listed.selectinload(CollectionEntry.thread).selectinload(BoardThread.author),
        )
    )
    if collection is None:
        return None
    threads = threads_shown([entry.thread for entry in collection.entries if entry.thread is not None])
    openings = board_queries.opening_posts(threads)
    entries = []
    for entry in collection.entries:
        if entry.item is not None and library_rules.can_view(ANONYMOUS, entry.item):
            entries.append(item_entry(entry.item, note=entry.note))
        elif entry.thread is not None and entry.thread in threads:
            entries.append(thread_entry(entry.thread, openings.get(entry.thread.id), note=entry.note))
        elif entry.external_url:
            entries.append(
                Entry(
                    id=f"{collection.path()}#entry-{entry.id}",
                    link=entry.external_url,
                    title=entry.external_title or entry.external_url,
                    updated=collection.created_at,
                    summary=entry.note,
                )
            )
    return Feed(feed_title("collection", collection.title), entries[-FEED_SIZE:])


def board_category_feed(slug: str) -> Feed | None:
    """New threads in a board category, only while the board is open to anonymous visitors."""
    if not board_is_public():
        return None
    category = board_queries.category_by_slug(slug)
    if category is None:
        return None
    threads = threads_shown(board_queries.newest_threads(category, FEED_SIZE))
    openings = board_queries.opening_posts(threads)
    return Feed(
        feed_title("board_category", category.title),
        [thread_entry(thread, openings.get(thread.id)) for thread in threads],
    )


def search_feed(text: str, filters: dict[str, str]) -> Feed:
    """A saved search that comes to the reader: the newest matches an anonymous visitor may find.
    Each match is read again from the database and checked against the rules, so a change the index
    has not caught up with yet cannot carry an unpublished item into a feed."""
    outcome = search(
        SearchRequest(
            parsed=parse(text),
            visibilities=visibilities_for(ANONYMOUS),
            filters={FILTER_PARAMETERS[name]: value for name, value in filters.items() if name in FILTER_PARAMETERS},
            sort="newest",
            page_size=FEED_SIZE,
        )
    )
    keys = [hit.fields.get("doc_id", "") for hit in outcome.hits]
    return Feed(feed_title("search", text), entries_for_documents(keys))


def entries_for_documents(keys: list[str]) -> list[Entry]:
    """Entries for search documents ("library_item:12"), in the order given, of those anonymous visitors may see."""
    models = {provider.key_prefix: provider.model for provider in providers()}
    found = []
    for key in keys:
        prefix, _, row_id = key.partition(":")
        if prefix in models and row_id.isdecimal():
            found.append((models[prefix], int(row_id)))
    items = {
        item.id: item
        for item in db.session.scalars(
            select(LibraryItem)
            .where(LibraryItem.id.in_([row_id for model, row_id in found if model is LibraryItem]))
            .options(*ITEM_DISPLAY)
        )
    }
    threads = {
        thread.id: thread
        for thread in threads_shown(
            list(
                db.session.scalars(
                    select(BoardThread)
                    .where(BoardThread.id.in_([row_id for model, row_id in found if model is BoardThread]))
                    .options(selectinload(BoardThread.author))
                )
            )
        )
    }
    openings = board_queries.opening_posts(list(threads.values()))
    entries = []
    for model, row_id in found:
        if model is LibraryItem and row_id in items and library_rules.can_view(ANONYMOUS, items[row_id]):
            entries.append(item_entry(items[row_id]))
        elif model is BoardThread and row_id in threads:
            entries.append(thread_entry(threads[row_id], openings.get(row_id)))
    return entries
