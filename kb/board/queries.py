"""Reading the board: counted with SQL, paged in SQL, and eager-loading what each page shows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select, tuple_
from sqlalchemy.orm import aliased, joinedload, selectinload

from kb.auth.models import User
from kb.board import cache, rules
from kb.board.models import (
    BoardCategory,
    BoardPost,
    BoardThread,
    PostFlag,
    PostState,
    ThreadRead,
    ThreadWatch,
    WatchedWord,
    thread_path,
)
from kb.platform.extensions import db
from kb.platform.pagination import Page, window
from kb.platform.permissions import is_moderator
from kb.platform.text import member_name

POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 20


FORMER_MEMBER = member_name(None, capitalised=True)  # rows carry names, not members


# Listings are kept between requests (kb.board.cache), so they hold plain values, never ORM objects
# that belong to one request's session.


@dataclass(frozen=True)
class ThemeLink:
    slug: str
    title: str


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    slug: str
    title: str
    description: str
    moderators_only: bool
    theme: ThemeLink | None


@dataclass(frozen=True)
class ThreadRow:
    id: int
    slug: str
    title: str
    pinned: bool
    locked: bool
    author_name: str
    replies: int
    last_poster_name: str
    last_activity_at: datetime

    def path(self) -> str:
        return thread_path(self.id, self.slug)


@dataclass(frozen=True)
class CategorySummary:
    category: CategoryInfo
    threads: int
    posts: int
    latest: ThreadRow | None


def categories() -> list[BoardCategory]:
    return list(db.session.scalars(select(BoardCategory).order_by(BoardCategory.position, BoardCategory.id)))


def category_by_slug(slug: str) -> BoardCategory | None:
    return db.session.scalar(select(BoardCategory).where(BoardCategory.slug == slug))


def category_for_theme(theme_id: int) -> BoardCategory | None:
    return db.session.scalar(select(BoardCategory).where(BoardCategory.theme_id == theme_id))


def _category_info(category: BoardCategory) -> CategoryInfo:
    theme = ThemeLink(category.theme.slug, category.theme.title) if category.theme else None
    return CategoryInfo(
        category.id, category.slug, category.title, category.description, category.moderators_only, theme
    )


_Author, _LastPoster = aliased(User), aliased(User)


def _thread_rows(*conditions) -> Select:
    """The columns a listing shows for each thread, names included, without loading ORM objects."""
    return (
        select(
            BoardThread.id,
            BoardThread.slug,
            BoardThread.title,
            BoardThread.pinned,
            BoardThread.locked,
            _Author.display_name,
            BoardThread.visible_posts,
            _LastPoster.display_name,
            BoardThread.last_activity_at,
            BoardThread.category_id,
        )
        .outerjoin(_Author, _Author.id == BoardThread.author_id)
        .outerjoin(_LastPoster, _LastPoster.id == BoardThread.last_poster_id)
        .where(BoardThread.approved.is_(True), *conditions)
    )


def _thread_row(row) -> ThreadRow:
    (thread_id, slug, title, pinned, locked, author, visible_posts, last_poster, last_activity_at, _) = row
    return ThreadRow(
        thread_id,
        slug,
        title,
        pinned,
        locked,
        author or FORMER_MEMBER,
        max(visible_posts - 1, 0),
        last_poster or FORMER_MEMBER,
        last_activity_at,
    )


def overview() -> list[CategorySummary]:
    return cache.remembered(("overview",), _overview)


def _overview() -> list[CategorySummary]:
    """Every category with its thread and post counts and its latest activity, in three small
    queries: the counts come from one pass over an index, the latest threads by their keys."""
    listed = list(
        db.session.scalars(
            select(BoardCategory)
            .order_by(BoardCategory.position, BoardCategory.id)
            .options(joinedload(BoardCategory.theme))
        )
    )
    counted = {
        category_id: (threads, posts or 0, newest)
        for category_id, threads, posts, newest in db.session.execute(
            select(
                BoardThread.category_id,
                func.count(),
                func.sum(BoardThread.visible_posts),
                func.max(BoardThread.last_activity_at),
            )
            .where(BoardThread.approved.is_(True))
            .group_by(BoardThread.category_id)
        )
    }
    latest = {}
    if counted:
        keys = [(category_id, newest) for category_id, (_, _, newest) in counted.items()]
        for row in db.session.execute(
            _thread_rows(tuple_(BoardThread.category_id, BoardThread.last_activity_at).in_(keys))
        ):
            latest.setdefault(row.category_id, _thread_row(row))
    return [
        CategorySummary(_category_info(category), *counted.get(category.id, (0, 0, None))[:2], latest.get(category.id))
        for category in listed
    ]


def _read_marks(viewer, thread_ids: list[int]) -> dict[int, datetime]:
    if not rules.signed_in(viewer) or not thread_ids:
        return {}
    return dict(
        db.session.execute(
            select(ThreadRead.thread_id, ThreadRead.read_at).where(
                ThreadRead.user_id == viewer.id, ThreadRead.thread_id.in_(thread_ids)
            )
        ).all()
    )


def category_listing(slug: str, viewer, number: int = 1) -> tuple[CategoryInfo, Page] | None:
    """A category and one page of its threads, pinned first, then by last activity; None if there is
    no such category. The rows are shared by every reader; the unread marks are this viewer's own."""
    listing = cache.remembered(("category", slug, number), lambda: _category_listing(slug, number))
    if listing is None:
        return None
    category, page = listing
    unread = set()
    if rules.signed_in(viewer):
        # New posts since the member's last visit; a thread never opened is new if active since they joined.
        reads, joined = _read_marks(viewer, [thread.id for thread in page.items]), viewer.created_at
        unread = {thread.id for thread in page.items if thread.last_activity_at > reads.get(thread.id, joined)}
    return category, replace(page, extra={"unread": unread})


def _category_listing(slug: str, number: int) -> tuple[CategoryInfo, Page] | None:
    category = db.session.scalar(
        select(BoardCategory).where(BoardCategory.slug == slug).options(joinedload(BoardCategory.theme))
    )
    if category is None:
        return None
    total = db.session.scalar(
        select(func.count(BoardThread.id)).where(BoardThread.category_id == category.id, BoardThread.approved.is_(True))
    )
    shown = window(total, number, THREADS_PER_PAGE)
    rows = db.session.execute(
        _thread_rows(BoardThread.category_id == category.id)
        .order_by(BoardThread.pinned.desc(), BoardThread.last_activity_at.desc(), BoardThread.id.desc())
        .offset(shown.offset)
        .limit(shown.size)
    )
    return _category_info(category), Page(
        items=[_thread_row(row) for row in rows], total=total, number=shown.number, pages=shown.pages
    )


def get_thread(thread_id: int) -> BoardThread | None:
    return db.session.scalar(
        select(BoardThread).where(BoardThread.id == thread_id).options(joinedload(BoardThread.category))
    )


def get_post(post_id: int) -> BoardPost | None:
    return db.session.get(BoardPost, post_id)


def _shown_posts(thread: BoardThread, viewer):
    """The posts this person sees in the thread, placeholders included: held posts only for their
    author and moderators (a held post sets off nothing for anyone else)."""
    query = select(BoardPost).where(BoardPost.thread_id == thread.id)
    if is_moderator(viewer):
        return query
    if rules.signed_in(viewer):
        return query.where(or_(BoardPost.state != PostState.HELD.value, BoardPost.author_id == viewer.id))
    return query.where(BoardPost.state != PostState.HELD.value)


def posts_of(thread: BoardThread, viewer, number: int = 1) -> Page:
    shown = _shown_posts(thread, viewer)

    def posts_and_total(number: int) -> list:
        # Each row carries the count of all the posts shown, so a page costs one query, not two.
        return db.session.execute(
            shown.add_columns(func.count().over())
            .order_by(BoardPost.id)
            .offset((number - 1) * POSTS_PER_PAGE)
            .limit(POSTS_PER_PAGE)
            .options(joinedload(BoardPost.author))
        ).all()

    rows = posts_and_total(max(1, number))
    if rows:
        total = rows[0][1]
        page = window(total, number, POSTS_PER_PAGE)
    else:  # past the last page (or none at all): count, and show the last page instead
        total = db.session.scalar(select(func.count()).select_from(shown.subquery()))
        page = window(total, number, POSTS_PER_PAGE)
        rows = posts_and_total(page.number) if total else []
    number, pages = page.number, page.pages
    posts = [post for post, _ in rows]
    flags = {}
    if is_moderator(viewer) and posts:
        flags = dict(
            db.session.execute(
                select(PostFlag.post_id, func.count(PostFlag.id))
                .where(PostFlag.post_id.in_([post.id for post in posts]), PostFlag.resolution.is_(None))
                .group_by(PostFlag.post_id)
            ).all()
        )
    return Page(items=posts, total=total, number=number, pages=pages, extra={"open_flags": flags})


def page_of_post(post: BoardPost, viewer) -> int:
    before = db.session.scalar(
        select(func.count()).select_from(_shown_posts(post.thread, viewer).where(BoardPost.id < post.id).subquery())
    )
    return before // POSTS_PER_PAGE + 1


@dataclass(frozen=True)
class MemberMarks:
    read_at: datetime | None  # how far the member has read the thread; None if never opened
    watching: bool


NO_MARKS = MemberMarks(None, False)


def _marks_columns(viewer, thread_id):
    read_at = (
        select(ThreadRead.read_at)
        .where(ThreadRead.user_id == viewer.id, ThreadRead.thread_id == thread_id)
        .scalar_subquery()
    )
    watching = (
        select(ThreadWatch.user_id).where(ThreadWatch.user_id == viewer.id, ThreadWatch.thread_id == thread_id).exists()
    )
    return read_at, watching


def thread_with_marks(thread_id: int, viewer) -> tuple[BoardThread | None, MemberMarks]:
    """The thread and the member's marks on it in one round trip (the thread page's first query)."""
    if not rules.signed_in(viewer):
        return get_thread(thread_id), NO_MARKS
    row = db.session.execute(
        select(BoardThread, *_marks_columns(viewer, BoardThread.id))
        .where(BoardThread.id == thread_id)
        .options(joinedload(BoardThread.category))
    ).first()
    if row is None:
        return None, NO_MARKS
    thread, read_at, watching = row
    return thread, MemberMarks(read_at, bool(watching))


def first_unread_post(thread: BoardThread, viewer, marks: MemberMarks) -> BoardPost | None:
    """Where to open a thread the member has read before: the first post visible since then."""
    if not rules.signed_in(viewer) or marks.read_at is None or marks.read_at >= thread.last_activity_at:
        return None  # first visit, or nothing new: no need to look for a post
    return db.session.scalar(
        select(BoardPost)
        .where(
            BoardPost.thread_id == thread.id,
            BoardPost.state == PostState.VISIBLE.value,
            BoardPost.visible_since > marks.read_at,
        )
        .order_by(BoardPost.id)
        .limit(1)
    )


def watched_threads(user) -> list[tuple[BoardThread, int]]:
    """Threads the member watches, each with how many posts appeared since they last read it."""
    since = func.coalesce(ThreadRead.read_at, ThreadWatch.created_at)
    new_posts = (
        select(func.count(BoardPost.id))
        .where(
            BoardPost.thread_id == BoardThread.id,
            BoardPost.state == PostState.VISIBLE.value,
            BoardPost.visible_since > since,
        )
        .correlate(BoardThread, ThreadRead, ThreadWatch)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(BoardThread, new_posts)
        .join(ThreadWatch, and_(ThreadWatch.thread_id == BoardThread.id, ThreadWatch.user_id == user.id))
        .outerjoin(ThreadRead, and_(ThreadRead.thread_id == BoardThread.id, ThreadRead.user_id == user.id))
        .where(BoardThread.approved.is_(True))
        .order_by(BoardThread.last_activity_at.desc())
        .options(selectinload(BoardThread.category), selectinload(BoardThread.last_poster))
    ).all()
    return [(thread, count) for thread, count in rows]


def newest_threads(category: BoardCategory, limit: int) -> list[BoardThread]:
    """The category's threads that everyone who reads the board may see, newest first."""
    return list(
        db.session.scalars(
            select(BoardThread)
            .where(BoardThread.category_id == category.id, BoardThread.approved.is_(True))
            .order_by(BoardThread.created_at.desc(), BoardThread.id.desc())
            .limit(limit)
            .options(selectinload(BoardThread.author))
        )
    )


def opening_posts(threads: list[BoardThread]) -> dict[int, BoardPost]:
    """Each thread's first post, by thread id, in one query whatever the number of threads."""
    if not threads:
        return {}
    first_ids = (
        select(func.min(BoardPost.id))
        .where(BoardPost.thread_id.in_([thread.id for thread in threads]))
        .group_by(BoardPost.thread_id)
    )
    return {post.thread_id: post for post in db.session.scalars(select(BoardPost).where(BoardPost.id.in_(first_ids)))}


def thread_for_case_study(case_study_id: int) -> BoardThread | None:
    return db.session.scalar(select(BoardThread).where(BoardThread.case_study_id == case_study_id))


# --- for moderators ----------------------------------------------------------------------------


def held_count() -> int:
    return db.session.scalar(select(func.count(BoardPost.id)).where(BoardPost.state == PostState.HELD.value))


def reported_count() -> int:
    """Posts with at least one open report."""
    return db.session.scalar(select(func.count(func.distinct(PostFlag.post_id))).where(PostFlag.resolution.is_(None)))


def watched_words() -> list[WatchedWord]:
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.word)))
