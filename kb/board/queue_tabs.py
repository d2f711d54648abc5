"""The board's tabs in the moderation queue: posts held for approval, oldest first, and reported
posts, most reported first, each with every reporter's reason. Declared on the board's Feature."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb.board import queries as board_queries
from kb.board import rules as board_rules
from kb.board import service as board_service
from kb.board.models import BoardPost, BoardThread, PostFlag, PostState
from kb.board.reviewables import HELD_POST, REASON_HINT, REPORTED_POST
from kb.platform.extensions import db
from kb.platform.reviewable import QueueEntry, QueueTab


def _post_options(query):
    return query.options(
        selectinload(BoardPost.author),
        selectinload(BoardPost.revisions),
        selectinload(BoardPost.thread).selectinload(BoardThread.category),
    )


def held(offset: int, limit: int) -> list[QueueEntry]:
    posts = db.session.scalars(
        _post_options(select(BoardPost).where(BoardPost.state == PostState.HELD.value))
        .order_by(BoardPost.created_at, BoardPost.id)
        .offset(offset)
        .limit(limit)
    )
    return [QueueEntry(post) for post in posts]


def reports(offset: int, limit: int) -> list[QueueEntry]:
    open_flags = PostFlag.resolution.is_(None)
    ranked = list(
        db.session.execute(
            select(PostFlag.post_id)
            .where(open_flags)
            .group_by(PostFlag.post_id)
            .order_by(func.count(PostFlag.id).desc(), func.min(PostFlag.created_at), PostFlag.post_id)
            .offset(offset)
            .limit(limit)
        ).scalars()
    )
    posts = {
        post.id: post for post in db.session.scalars(_post_options(select(BoardPost).where(BoardPost.id.in_(ranked))))
    }
    entries = {post_id: QueueEntry(posts[post_id]) for post_id in ranked if post_id in posts}
    for flag in db.session.scalars(
        select(PostFlag)
        .where(open_flags, PostFlag.post_id.in_(list(entries)))
        .options(selectinload(PostFlag.flagger))
        .order_by(PostFlag.created_at)
    ):
        entries[flag.post_id].flags.append(flag)
    uncounted = board_service.why_reports_do_not_count(
        list({flag.flagger_id: flag.flagger for entry in entries.values() for flag in entry.flags}.values())
    )
    for entry in entries.values():
        entry.reports_can_hide = board_rules.can_be_hidden_by_reports(entry.subject)
        entry.uncounted_reporters = {
            flag.flagger_id: uncounted[flag.flagger_id] for flag in entry.flags if flag.flagger_id in uncounted
        }
    return list(entries.values())


QUEUE_TABS = (
    QueueTab(
        "held",
        "Held posts",
        "posts",
        "No posts are waiting for approval.",
        BoardPost,
        (HELD_POST,),
        lambda _post: HELD_POST,
        REASON_HINT,
        count=board_queries.held_count,
        entries=held,
    ),
    QueueTab(
        "reports",
        "Reported posts",
        "posts",
        "No open reports.",
        BoardPost,
        (REPORTED_POST,),
        lambda _post: REPORTED_POST,
        REASON_HINT,
        count=board_queries.reported_count,
        entries=reports,
    ),
)
