"""The pages worth indexing: the ones anonymous visitors may read. The library's published items
(never a draft, a submission or an archived item), the themes, the collections, and the board's
categories and threads only when the board is open to visitors (KB_BOARD_PUBLIC)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kb.board import rules as board_rules
from kb.board.models import BoardCategory, BoardThread
from kb.collections.models import Collection
from kb.collections.service import all_collections
from kb.library.models import LibraryItem, Status
from kb.platform.extensions import db
from kb.themes.models import Theme
from kb.themes.service import list_themes

# A sitemap file holds at most 50,000 addresses (sitemaps.org); the site's fixed pages take a few.
MOST_ADDRESSES = 50_000
FIXED_PAGES = 12


@dataclass
class PublicPages:
    themes: list[Theme]
    items: list[LibraryItem]
    collections: list[Collection]
    board_categories: list[BoardCategory]
    board_threads: list[BoardThread]


def public_pages() -> PublicPages:
    """Everything an anonymous visitor may read, for the sitemap: newest items first, so that a site
    grown past the file's limit drops its oldest threads and items rather than its newest."""
    themes, collections = list_themes(), all_collections()
    room = MOST_ADDRESSES - FIXED_PAGES - len(themes) - len(collections)
    items = list(
        db.session.scalars(
            select(LibraryItem)
            .where(LibraryItem.status == Status.PUBLISHED.value)
            .order_by(LibraryItem.published_at.desc(), LibraryItem.id.desc())
            .limit(room)
        )
    )
    room -= len(items)
    categories, threads = [], []
    if board_rules.can_read_board(None):  # as a visitor with no account
        categories = list(db.session.scalars(select(BoardCategory).order_by(BoardCategory.position, BoardCategory.id)))
        threads = list(
            db.session.scalars(
                select(BoardThread)
                .where(BoardThread.approved.is_(True))
                .order_by(BoardThread.last_activity_at.desc(), BoardThread.id.desc())
                .limit(max(room - len(categories), 0))
            )
        )
    return PublicPages(themes, items, collections, categories, threads)


# Areas that are private, or pages that only repeat what the sitemap lists (search results, forms).
DISALLOWED = (
    "/account",
    "/my/",
    "/moderation",
    "/admin",
    "/login",
    "/register",
    "/logout",
    "/search",
    "/case-studies/new",
    "/lessons/new",
    "/board/new",
    "/partnerships",
)


def robots_txt(sitemap_address: str) -> str:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "", f"Sitemap: {sitemap_address}"]
    return "\n".join(lines) + "\n"
