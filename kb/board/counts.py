"""Each thread's count of visible posts, kept right by the database session itself.

Whenever a flush adds, changes or deletes posts, their threads are recounted with SQL on the
flush's own connection, so the count commits (or rolls back) with the change that caused it and
no service function can forget it.
"""

from __future__ import annotations

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from kb.board.models import BoardPost, BoardThread, PostState


@event.listens_for(Session, "after_flush")
def _recount_changed_threads(session: Session, _flush_context) -> None:
    thread_ids = {
        obj.thread_id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, BoardPost) and obj.thread_id is not None
    }
    for thread_id in sorted(thread_ids):
        visible = (
            select(func.count(BoardPost.id))
            .where(BoardPost.thread_id == thread_id, BoardPost.state == PostState.VISIBLE.value)
            .scalar_subquery()
        )
        session.connection().execute(
            update(BoardThread).where(BoardThread.id == thread_id).values(visible_posts=visible)
        )
