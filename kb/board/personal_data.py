"""The board's part of a member's data download: threads they started, posts they wrote with their
edit history, reports they made, and threads they watch or have read. Other people's posts stay
out: a thread is named by its title and address."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.board.models import BoardPost, BoardThread, PostFlag, ThreadRead, ThreadWatch
from kb.platform.extensions import db
from kb.platform.personal_data import iso


def thread_named(thread: BoardThread) -> dict:
    return {"title": thread.title, "address": thread.path()}


def posts(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(BoardPost)
        .where(BoardPost.author_id == user.id)
        .options(selectinload(BoardPost.thread), selectinload(BoardPost.revisions))
        .order_by(BoardPost.id)
    )
    return [
        {
            "thread": thread_named(post.thread),
            "body": post.body,
            "state": post.state,
            "state_reason": post.state_reason,
            "created_at": iso(post.created_at),
            "edited_at": iso(post.edited_at),
            # Earlier versions; an edit by a moderator says so without naming them.
            "earlier_versions": [
                {
                    "body": old.body,
                    "edited_at": iso(old.edited_at),
                    "reason": old.reason,
                    "edited_by_you": old.edited_by_id == user.id,
                }
                for old in post.revisions
            ],
        }
        for post in rows
    ]


def board(user: User) -> dict:
    threads = db.session.scalars(select(BoardThread).where(BoardThread.author_id == user.id).order_by(BoardThread.id))
    flags = db.session.scalars(
        select(PostFlag)
        .where(PostFlag.flagger_id == user.id)
        .options(selectinload(PostFlag.post).selectinload(BoardPost.thread))
        .order_by(PostFlag.id)
    )
    watches = db.session.scalars(
        select(ThreadWatch)
        .where(ThreadWatch.user_id == user.id)
        .options(selectinload(ThreadWatch.thread))
        .order_by(ThreadWatch.created_at)
    )
    reads = db.session.execute(
        select(ThreadRead.read_at, BoardThread)
        .join(BoardThread, BoardThread.id == ThreadRead.thread_id)
        .where(ThreadRead.user_id == user.id)
        .order_by(ThreadRead.thread_id)
    )
    return {
        "threads_started": [
            {**thread_named(thread), "created_at": iso(thread.created_at), "approved": thread.approved}
            for thread in threads
        ],
        "posts": posts(user),
        # The report, not the post reported: that post is someone else's words.
        "reports": [
            {
                "thread": thread_named(flag.post.thread),
                "post_id": flag.post_id,
                "reason": flag.reason,
                "note": flag.note,
                "created_at": iso(flag.created_at),
                "resolution": flag.resolution,
                "resolved_at": iso(flag.resolved_at),
            }
            for flag in flags
        ],
        "watched_threads": [{**thread_named(watch.thread), "since": iso(watch.created_at)} for watch in watches],
        "threads_read": [{**thread_named(thread), "read_up_to": iso(read_at)} for read_at, thread in reads],
    }
