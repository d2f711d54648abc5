"""How board threads become search documents: the thread's title and the text of its visible posts.

Held, hidden and removed posts are left out, and a thread whose opening post is held is not in the
index at all: search shows no more than the thread page does.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from kb.board.models import BoardPost, BoardThread, PostState
from kb.platform.extensions import db
from kb.platform.markup import plain_text
from kb.search.documents import MEMBERS, DocumentProvider, SearchDocument

CONTENT_TYPE = "board thread"


def document(thread_id: int) -> SearchDocument | None:
    thread = db.session.get(BoardThread, thread_id)
    if thread is None or not thread.approved:
        return None
    posts = db.session.scalars(
        select(BoardPost.body_html)
        .where(BoardPost.thread_id == thread.id, BoardPost.state == PostState.VISIBLE.value)
        .order_by(BoardPost.id)
    ).all()
    texts = [plain_text(html) for html in posts]
    theme = thread.category.theme
    return SearchDocument(
        doc_id=f"board_thread:{thread.id}",
        content_type=CONTENT_TYPE,
        title=thread.title,
        url=thread.path(),
        # Members only, unless the board is public: the search service decides per person.
        visibility=MEMBERS,
        summary=(texts[0][:300] if texts else ""),
        body="\n\n".join(texts),
        themes=[theme.slug] if theme is not None else [],
        status="locked" if thread.locked else "open",
        published_at=thread.created_at,
        updated_at=thread.last_activity_at,
    )


def all_ids() -> Iterator[int]:
    return iter(
        db.session.scalars(select(BoardThread.id).where(BoardThread.approved.is_(True)).order_by(BoardThread.id)).all()
    )


def count_by_type() -> dict[str, int]:
    return {CONTENT_TYPE: db.session.scalar(select(func.count(BoardThread.id)).where(BoardThread.approved.is_(True)))}


PROVIDER = DocumentProvider(
    key_prefix="board_thread",
    model=BoardThread,
    document=document,
    all_ids=all_ids,
    count_by_type=count_by_type,
    # A change to a post changes its thread's document.
    related=((BoardPost, lambda post: post.thread_id),),
)
