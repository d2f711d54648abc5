"""The board's part of deleting an account (kb.erasure).

Reading marks, watches and reports go with the account (the database's cascades). Posts nobody
else could see (held, hidden, or removed by their author) lose their text and earlier versions, and
stay only as a removed post's place, so the thread around them still reads in order. Visible posts
stay credited to "a former member", or become such removed places too when the member chose to
remove what they published. A thread they started keeps its title while others have posted in it
(their replies answer it); with nobody else's posts, it goes with the member's choice to remove, or
always when nobody else could ever see it. Changes go through the session, so search follows.
"""

from __future__ import annotations

from sqlalchemy import select

from kb.auth.models import User
from kb.board.models import BoardPost, BoardThread, PostState
from kb.extensions import db

REMOVED_REASON = "Removed when its author deleted their account."


def _blank(post: BoardPost) -> None:
    post.body, post.body_html = "", ""
    post.state, post.state_reason, post.state_changed_by_id = PostState.REMOVED.value, REMOVED_REASON, None
    post.revisions.clear()


def erase(user: User, remove_published: bool) -> None:
    for thread in db.session.scalars(select(BoardThread).where(BoardThread.author_id == user.id)).all():
        others = db.session.scalar(select(BoardPost.id).where(
            BoardPost.thread_id == thread.id, BoardPost.author_id != user.id).limit(1))
        if others is None and (remove_published or not thread.approved):
            db.session.delete(thread)  # its posts with it (the database's cascade)
            db.session.flush()
            continue
        thread.author_id = None
    for post in db.session.scalars(select(BoardPost).where(BoardPost.author_id == user.id)).all():
        if remove_published or post.state != PostState.VISIBLE.value:
            _blank(post)
        post.author_id = None
    for thread in db.session.scalars(select(BoardThread).where(BoardThread.last_poster_id == user.id)).all():
        thread.last_poster_id = None
    db.session.flush()
