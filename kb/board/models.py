"""The discussion board: categories, threads, posts (with their edit history and flags), what each
member has read and watches, and the moderators' watched words."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.auth.models import User
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import Theme

CATEGORY_TITLE_MAX = 80
CATEGORY_DESCRIPTION_MAX = 300
THREAD_TITLE_MIN, THREAD_TITLE_MAX = 5, 150
POST_MAX = 20_000
FLAG_NOTE_MAX = 500
REASON_MAX = 500
WORD_MAX = 60


class PostState(StrEnum):
    VISIBLE = "visible"
    HELD = "held"  # waiting for a moderator (pre-moderation or a watched word): nobody else sees it
    HIDDEN = "hidden"  # by a moderator, or by enough flags until a moderator decides
    REMOVED = "removed"  # deleted by its author; kept for moderators


class FlagReason(StrEnum):
    SPAM = "spam"
    OFFENSIVE = "offensive"
    OFF_TOPIC = "off-topic"
    OTHER = "other"


# What each reason reads as, in the report form and the moderation queue.
FLAG_LABELS = {
    FlagReason.SPAM: "Spam or advertising",
    FlagReason.OFFENSIVE: "Offensive or abusive",
    FlagReason.OFF_TOPIC: "Off-topic",
    FlagReason.OTHER: "Something else (say what in the note)",
}


class BoardCategory(db.Model):
    __tablename__ = "board_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(CATEGORY_TITLE_MAX))
    description: Mapped[str] = mapped_column(String(CATEGORY_DESCRIPTION_MAX), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"), unique=True)
    # Announcements: only moderators start threads there (everyone may reply).
    moderators_only: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    theme: Mapped[Theme | None] = relationship()


class BoardThread(db.Model):
    __tablename__ = "board_threads"
    __table_args__ = (
        # The category page: pinned first, then by last activity, among the threads others may see.
        Index("ix_board_threads_listing", "category_id", "approved", "pinned", "last_activity_at"),
        # The board's overview: counts and latest activity per category, read from the index alone.
        Index("ix_board_threads_overview", "approved", "category_id", "last_activity_at", "visible_posts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("board_categories.id", ondelete="RESTRICT"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(THREAD_TITLE_MAX))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # False while the opening post is held: the thread then exists only for its author and moderators.
    approved: Mapped[bool] = mapped_column(Boolean, default=True)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    case_study_id: Mapped[int | None] = mapped_column(ForeignKey("library_items.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # When a post last became visible to everyone (held posts count from their approval).
    last_activity_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Posts everyone can see, recounted with SQL whenever a post of the thread changes (see
    # kb.board.counts), so listing pages need not count thousands of posts on every view.
    visible_posts: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[BoardCategory] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])

    def path(self, with_slug: bool = True) -> str:
        return thread_path(self.id, self.slug if with_slug else None)


def thread_path(thread_id: int, slug: str | None = None) -> str:
    """A thread's address on this site, /board/t/3-a-title (or /board/t/3, which redirects there): the
    one place it is built, for the pages (address_of) and links made outside a request (search
    documents, feeds). It matches the board's routes."""
    return f"/board/t/{thread_id}-{slug}" if slug else f"/board/t/{thread_id}"


# A post's permanent address: it redirects to the post's place in its thread, wherever that is now.
POST_PREFIX = "/board/p/"


def post_path(post_id: int) -> str:
    return f"{POST_PREFIX}{post_id}"


def quote_attribution(name: str, post_id: int) -> str:
    """The line that ends a quote: "— [Name](/board/p/12)" (erasure rewrites the name, kb/board/erasure.py)."""
    return f"— [{name}]({post_path(post_id)})"


class BoardPost(db.Model):
    __tablename__ = "board_posts"
    __table_args__ = (
        Index("ix_board_posts_thread_state", "thread_id", "state", "id"),
        Index("ix_board_posts_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # Rendered and sanitised once on save, not on every view.
    body_html: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=PostState.VISIBLE.value)
    # Why it is held or hidden, in words a member can read ("hidden by a moderator: ...").
    state_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    state_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # When everyone could first see it: unread marks and watch notices count from here.
    visible_since: Mapped[datetime | None] = mapped_column(DateTime)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)

    thread: Mapped[BoardThread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post", order_by="PostRevision.id", cascade="all, delete-orphan"
    )

    def path(self) -> str:
        return post_path(self.id)

    @property
    def is_visible(self) -> bool:
        return self.state == PostState.VISIBLE

    @property
    def revision_number(self) -> int:
        """How many times it was edited: the version a moderator's decision form carries (kb.platform.versions)."""
        return len(self.revisions)


class PostRevision(db.Model):
    """The text of a post before an edit: moderators can see every earlier version."""

    __tablename__ = "board_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    post: Mapped[BoardPost] = relationship(back_populates="revisions")
    edited_by: Mapped[User | None] = relationship()


class PostFlag(db.Model):
    __tablename__ = "board_post_flags"
    __table_args__ = (UniqueConstraint("post_id", "flagger_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_posts.id", ondelete="CASCADE"), index=True)
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(FLAG_NOTE_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # Set when a moderator decides ("upheld" hides the post, "dismissed" leaves or restores it).
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    post: Mapped[BoardPost] = relationship()
    flagger: Mapped[User] = relationship(foreign_keys=[flagger_id])


class ThreadRead(db.Model):
    """How far a member has read a thread: posts visible since read_at are unread."""

    __tablename__ = "board_thread_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_threads.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime)


class ThreadWatch(db.Model):
    __tablename__ = "board_thread_watches"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_threads.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    thread: Mapped[BoardThread] = relationship()


class WatchedWord(db.Model):
    """A word or phrase that holds a post for a moderator when it appears in it."""

    __tablename__ = "board_watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(WORD_MAX), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
