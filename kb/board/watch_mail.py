"""Telling the members watching a thread when a reply in it is published, and a post's author when a
moderator decides on it, as each member chose (kb.platform.notifications)."""

from __future__ import annotations

from sqlalchemy import func, select

from kb.auth.models import User
from kb.board.models import BoardPost, ThreadWatch
from kb.platform.extensions import db
from kb.platform.markup import plain_text
from kb.platform.notifications import Kind, tell, tell_many
from kb.platform.text import member_name

EXCERPT = 200


def _themes(post: BoardPost) -> list[str]:
    theme = post.thread.category.theme
    return [theme.title] if theme is not None else []


def _excerpt(post: BoardPost) -> str:
    text = " ".join(plain_text(post.body_html).split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rsplit(" ", 1)[0] + "…"


def tell_watchers(post: BoardPost) -> None:
    """A reply everyone may now read: tell the thread's watchers but its author. Called once, when
    the post is first visible (a held post when it is approved), after it has an id."""
    thread = post.thread
    if post.id is None or thread.id is None or not thread.approved or not post.is_visible:
        return
    opening = db.session.scalar(select(func.min(BoardPost.id)).where(BoardPost.thread_id == thread.id))
    if opening == post.id:
        return  # a new thread, not a reply
    watchers = db.session.scalars(
        select(User)
        .join(ThreadWatch, ThreadWatch.user_id == User.id)
        .where(ThreadWatch.thread_id == thread.id, User.id != post.author_id)
        .order_by(User.id)
    )
    tell_many(
        list(watchers),
        Kind.REPLIES,
        thread.title,
        post.path(),
        themes=_themes(post),
        summary=f"{member_name(post.author, capitalised=True)} replied: {_excerpt(post)}",
    )


def tell_author_of_decision(post: BoardPost, message: str) -> None:
    """In the author's inbox, and by mail as they chose."""
    tell(post.author, Kind.DECISIONS, post.thread.title, post.path(), message=message, themes=_themes(post))
