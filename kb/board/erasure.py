"""The board's part of deleting an account (kb.platform.erasure).

Reading marks, watches and reports go with the account (the database's cascades). Posts nobody
else could see (held, hidden, or removed by their author) lose their text and earlier versions, and
stay only as a removed post's place, so the thread around them still reads in order. Visible posts
stay credited to "a former member", or become such removed places too when the member chose to
remove what they published; where others quoted them, the attribution names "a former member".
A thread they started keeps its title while others have posted in it (their replies answer it);
with nobody else's posts, it goes with the member's choice to remove, or always when nobody else
could ever see it. Changes go through the session, so search follows.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from kb.auth.models import User
from kb.board.models import POST_PREFIX, BoardPost, BoardThread, PostState, quote_attribution
from kb.board.service import link_mentions
from kb.platform.extensions import db
from kb.platform.markup import render_markdown
from kb.platform.text import member_name

REMOVED_REASON = "Removed when its author deleted their account."


def _blank(post: BoardPost) -> None:
    post.body, post.body_html = "", ""
    post.state, post.state_reason, post.state_changed_by_id = PostState.REMOVED.value, REMOVED_REASON, None
    post.revisions.clear()


def _unname_quotes_of(user: User, post_ids: list[int]) -> None:
    """Others' posts that quote the member end with the attribution the site wrote for them
    ("— [Name](/board/p/12)"): it names "A former member" instead. The rest of their text is theirs."""
    theirs = set(post_ids)
    attribution = re.compile(re.escape(f"— [{user.display_name}]({POST_PREFIX}") + r"(\d+)\)")
    former = member_name(None, capitalised=True)

    def unnamed(match: re.Match) -> str:
        return quote_attribution(former, int(match[1])) if int(match[1]) in theirs else match[0]

    found = select(BoardPost).where(BoardPost.body.contains(f"— [{user.display_name}]({POST_PREFIX}"))
    for quoting in db.session.scalars(found).all():
        body = attribution.sub(unnamed, quoting.body)
        if body != quoting.body:
            quoting.body, quoting.body_html = body, render_markdown(link_mentions(body))


def erase(user: User, remove_published: bool) -> None:
    for thread in db.session.scalars(select(BoardThread).where(BoardThread.author_id == user.id)).all():
        others = db.session.scalar(
            select(BoardPost.id).where(BoardPost.thread_id == thread.id, BoardPost.author_id != user.id).limit(1)
        )
        if others is None and (remove_published or not thread.approved):
            db.session.delete(thread)  # its posts with it (the database's cascade)
            db.session.flush()
            continue
        thread.author_id = None
    posts = db.session.scalars(select(BoardPost).where(BoardPost.author_id == user.id)).all()
    _unname_quotes_of(user, [post.id for post in posts])
    for post in posts:
        if remove_published or post.state != PostState.VISIBLE.value:
            _blank(post)
        post.author_id = None
    for thread in db.session.scalars(select(BoardThread).where(BoardThread.last_poster_id == user.id)).all():
        thread.last_poster_id = None
    db.session.flush()
