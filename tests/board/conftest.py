"""Board fixtures: seeded categories, members and a moderator, each with their own logged-in client,
and helpers that post the real forms."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kb.auth.models import Role
from kb.board.models import BoardPost, BoardThread
from kb.platform.extensions import db
from tests.conftest import sign_in
from tests.factories import category_named, make_user
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
    return lambda user: sign_in(app.test_client(), user)


category = category_named


def start(client, title="How do you run a compact working group?", body="We meet monthly.", slug="general"):
    """Start a thread through the form; returns the response."""
    return post(client, "/board/new", {"category": slug, "title": title, "body": body})


def the_thread(title="How do you run a compact working group?") -> BoardThread:
    return db.session.scalar(select(BoardThread).where(BoardThread.title == title))


def posts_in(thread: BoardThread) -> list[BoardPost]:
    return list(db.session.scalars(select(BoardPost).where(BoardPost.thread_id == thread.id).order_by(BoardPost.id)))


def texts(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", body).strip()
        for body in re.findall(r'<div class="prose post__body[^"]*">(.*?)</div>', page, re.S)
    ]
