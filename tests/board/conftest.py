"""Board fixtures: seeded categories, members and a moderator, each with their own logged-in client,
and helpers that post the real forms."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from kb import clock
from kb.auth.models import Role
from kb.board import service
from kb.board.models import BoardCategory, BoardPost, BoardThread
from kb.extensions import db
from tests.conftest import Auth
from tests.factories import make_user
from tests.library.conftest import post

__all__ = ["post", "start", "the_thread", "posts_in", "category"]


@pytest.fixture
def board(seeded):
    """The seeded board with pre-moderation off and reports counting from an account's first day;
    tests about pre-moderation and trust switch them back on."""
    seeded.config["KB_PREMODERATION_POSTS"] = 0
    seeded.config["KB_REPORTER_MIN_ACCOUNT_DAYS"] = 0
    return seeded


@pytest.fixture
def people(board):
    return {
        "ann": make_user(email="ann@example.org", display_name="Ann Author"),
        "ben": make_user(email="ben@example.org", display_name="Ben Reader"),
        "cat": make_user(email="cat@example.org", display_name="Cat Member"),
        "dev": make_user(email="dev@example.org", display_name="Dev Member"),
        "mod": make_user(email="mod@example.org", display_name="Mo Moderator", role=Role.MODERATOR),
    }


@pytest.fixture
def client_of(app):
    """client_of(user): a separate logged-in test client per person."""
    def log_in(user):
        client = app.test_client()
        assert Auth(client).login(user.email).status_code == 302
        return client
    return log_in


def category(slug: str) -> BoardCategory:
    return db.session.scalar(select(BoardCategory).where(BoardCategory.slug == slug))


def start(client, title="How do you run a compact working group?", body="We meet monthly.", slug="general"):
    """Start a thread through the form; returns the response."""
    return post(client, "/board/new", {"category": slug, "title": title, "body": body})


def the_thread(title="How do you run a compact working group?") -> BoardThread:
    return db.session.scalar(select(BoardThread).where(BoardThread.title == title))


def posts_in(thread: BoardThread) -> list[BoardPost]:
    return list(db.session.scalars(select(BoardPost).where(BoardPost.thread_id == thread.id).order_by(BoardPost.id)))


def thread_with_posts(author, count: int, title="A long conversation about funding",
                      start_at=datetime(2026, 1, 5, 9, 0)) -> BoardThread:
    """A thread with `count` posts, a minute apart, written through the service (faster than forms)."""
    clock.freeze(start_at)
    thread = service.start_thread(category("general"), title, "Post number 1", by=author).thread
    for number in range(2, count + 1):
        clock.freeze(start_at + timedelta(minutes=number))
        service.reply(thread, f"Post number {number}", by=author)
    clock.freeze(None)
    return thread


def texts(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", body).strip()
            for body in re.findall(r'<div class="prose post__body[^"]*">(.*?)</div>', page, re.S)]
