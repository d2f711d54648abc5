"""The tests' factories: members, case studies and lessons, and board threads, made through the
real services (so every rule and side effect runs) with sensible defaults and keyword overrides."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import select

from kb.auth.models import Role, User
from kb.auth.service import Profile, create_account
from kb.board import service as board
from kb.board.models import BoardCategory, BoardThread
from kb.library import service as library
from kb.library.models import Kind, LibraryItem
from kb.platform import clock
from kb.platform.extensions import db

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def make_user(
    email: str | None = None, password: str = PASSWORD, role: Role = Role.MEMBER, verified: bool = True, **profile
) -> User:
    """A member (verified, unless verified=False: one who has not followed the link yet)."""
    number = next(_numbers)
    details = {
        "display_name": f"Member {number}",
        "organisation": "Stratford-on-Avon District Council",
        "sector": "public body",
        "region": "West Midlands",
    }
    details.update(profile)
    return create_account(
        email or f"member{number}@example.org", password, Profile(**details), role=role, verified=verified
    )


def item_fields(**changes) -> library.ItemFields:
    values = {
        "title": "Joint training for councillors and charities",
        "summary": "A short summary.",
        "body": "## What we did\n\nWe trained together.",
        "theme_slugs": ["improving-understanding"],
        "region": "London",
        "sectors": ["public body"],
    }
    values.update(changes)
    return library.ItemFields(**values)


def make_item(
    author, kind: Kind = Kind.CASE_STUDY, status: str = "published", moderator=None, **changes
) -> LibraryItem:
    """An item by `author` in the given state, moved there through the real workflow."""
    if kind == Kind.LESSON:
        changes.setdefault("outcome", "worked well")
        changes.setdefault("summary", "")
    item = library.start_item(kind, item_fields(**changes), by=author)
    if status == "draft":
        return item
    library.submit_for_review(item, by=author)
    if status == "published":
        library.publish(item, by=moderator or make_user(role=Role.MODERATOR))
    return item


def category_named(slug: str) -> BoardCategory:
    return db.session.scalar(select(BoardCategory).where(BoardCategory.slug == slug))


def make_thread(
    author,
    count: int = 1,
    title: str = "A long conversation about funding",
    category: str = "general",
    start_at: datetime = datetime(2026, 1, 5, 9, 0),
) -> BoardThread:
    """A thread with `count` posts, a minute apart, written through the service (faster than forms)."""
    clock.freeze(start_at)
    thread = board.start_thread(category_named(category), title, "Post number 1", by=author).thread
    for number in range(2, count + 1):
        clock.freeze(start_at + timedelta(minutes=number))
        board.reply(thread, f"Post number {number}", by=author)
    clock.freeze(None)
    return thread
