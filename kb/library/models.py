"""The library: case studies (what a partnership did) and lessons (a short learning point).

Both kinds share one table because they share everything that matters to the rules: the review
workflow, revisions, themes, tags and visibility. Kind-specific columns are simply left empty.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.auth.models import User
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.text import member_name
from kb.themes.models import Theme

TITLE_MIN, TITLE_MAX = 5, 200
SUMMARY_MAX = 300
BODY_MAX = 100_000
LESSON_BODY_MAX = 2_000
TAGS_MAX = 10
TAG_MAX = 40


class Kind(StrEnum):
    CASE_STUDY = "case study"
    LESSON = "lesson"


# The first part of each kind's addresses: /case-studies/12-a-title, /lessons/3-a-title.
ADDRESS_PREFIX = {Kind.CASE_STUDY: "case-studies", Kind.LESSON: "lessons"}


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RESUBMITTED = "resubmitted"  # submitted again after a moderator asked for changes
    CHANGES_REQUESTED = "changes requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


# The status groups, named once for Python and templates (`item.is_readable`, `item.awaiting_review`).
READABLE = frozenset({Status.PUBLISHED, Status.ARCHIVED})  # anyone may read it (archived: marked so)
SUBMITTED = frozenset({Status.SUBMITTED, Status.RESUBMITTED})  # a submission waiting for review


class Outcome(StrEnum):
    """A lesson is one of the leaflet's Do's or Don'ts, learned the hard or the easy way."""

    WORKED_WELL = "worked well"
    DID_NOT_WORK = "didn't work"


class RevisionState(StrEnum):
    SAVED = "saved"  # part of the item's history
    PENDING = "pending"  # an edit of a published item, waiting for a moderator
    APPROVED = "approved"
    DECLINED = "declined"
    SUPERSEDED = "superseded"  # a pending edit replaced by a newer one before review


item_themes = Table(
    "library_item_themes",
    db.metadata,
    Column("item_id", ForeignKey("library_items.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

LEAFLET_SEED_PREFIX = "leaflet-"  # the seed keys of the leaflet's case studies and lessons

item_tags = Table(
    "library_item_tags",
    db.metadata,
    Column("item_id", ForeignKey("library_items.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX), unique=True)


class TagAlias(db.Model):
    """An old tag name, after a rename or merge: its addresses redirect to the tag it became."""

    __tablename__ = "tag_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX), unique=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"))

    tag: Mapped[Tag] = relationship()


class LibraryItem(db.Model):
    __tablename__ = "library_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    body: Mapped[str] = mapped_column(Text)
    # Rendered and sanitised once on save, not on every view.
    body_html: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(40))
    locality: Mapped[str] = mapped_column(String(120), default="")
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    year_started: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))
    source_case_study_id: Mapped[int | None] = mapped_column(ForeignKey("library_items.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT.value, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Shown instead of the author's name for material the site did not get from a member (the leaflet).
    credited_to: Mapped[str | None] = mapped_column(String(120))
    # Set on items loaded from seed_content, so a second seed finds them again.
    seed_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    moderator_note: Mapped[str | None] = mapped_column(Text)
    has_pending_edit: Mapped[bool] = mapped_column(Boolean, default=False)
    # When it started waiting for a moderator (a submission or a proposed edit); None when not waiting.
    awaiting_since: Mapped[datetime | None] = mapped_column(DateTime)
    # The new-item form's one-time token: posting the same form twice makes one item, not two.
    creation_token: Mapped[str | None] = mapped_column(String(40), unique=True)
    # "Verified good practice": a moderator checked it, and says what was checked.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_note: Mapped[str | None] = mapped_column(String(500))
    # Outdated: a newer published item replaces it (shown on it, with a link).
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("library_items.id", ondelete="SET NULL"))
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    themes: Mapped[list[Theme]] = relationship(secondary=item_themes, order_by=Theme.position)
    tags: Mapped[list[Tag]] = relationship(secondary=item_tags, order_by=Tag.name)
    source_case_study: Mapped[LibraryItem | None] = relationship(remote_side=[id], foreign_keys=[source_case_study_id])
    superseded_by: Mapped[LibraryItem | None] = relationship(remote_side=[id], foreign_keys=[superseded_by_id])
    revisions: Mapped[list[ItemRevision]] = relationship(
        back_populates="item", order_by="ItemRevision.number", cascade="all, delete-orphan"
    )

    @property
    def from_the_leaflet(self) -> bool:
        """Loaded from the 2004 checklist (seed_content), not written on the site: dated by the
        leaflet, not by the day the site was set up."""
        return bool(self.seed_key) and self.seed_key.startswith(LEAFLET_SEED_PREFIX)

    def path(self, with_slug: bool = True) -> str:
        """The item's address on this site, /case-studies/12-a-title (or /case-studies/12, which
        redirects there): the one place it is built, for links made outside a request (notifications,
        search documents, board mentions, feeds, the API). It matches the library's routes."""
        path = f"/{ADDRESS_PREFIX[Kind(self.kind)]}/{self.id}"
        return f"{path}-{self.slug}" if with_slug else path

    @property
    def is_case_study(self) -> bool:
        return self.kind == Kind.CASE_STUDY

    @hybrid_property
    def awaiting_review(self) -> bool:
        """Waiting for a moderator: a submission, or a published item with a proposed edit."""
        return self.status in SUBMITTED or (self.status == Status.PUBLISHED and self.has_pending_edit)

    @awaiting_review.inplace.expression
    @classmethod
    def _awaiting_review_in_sql(cls):
        # The same rule for queries (the queue's list and count); keep the two together.
        return or_(
            cls.status.in_([status.value for status in SUBMITTED]),
            (cls.status == Status.PUBLISHED.value) & cls.has_pending_edit.is_(True),
        )

    @property
    def is_readable(self) -> bool:
        """Anyone may read it: published, or archived (shown marked as archived)."""
        return self.status in READABLE

    @property
    def credit(self) -> str:
        if self.credited_to:
            return self.credited_to
        return member_name(self.author, capitalised=True)

    def __repr__(self) -> str:
        return f"<LibraryItem {self.id} {self.kind} {self.status} {self.title!r}>"


class ItemRevision(db.Model):
    """Every save of an item, so nothing typed is ever lost and every change can be traced."""

    __tablename__ = "library_item_revisions"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("library_items.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20), default=RevisionState.SAVED.value)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    note: Mapped[str] = mapped_column(String(300), default="")
    # A moderator's note when a proposed edit was approved or declined (the author's note stays as written).
    review_note: Mapped[str | None] = mapped_column(Text)
    # The fields as they were saved, so any revision can be shown, compared or restored.
    snapshot: Mapped[dict] = mapped_column(JSON)

    item: Mapped[LibraryItem] = relationship(back_populates="revisions")
    saved_by: Mapped[User | None] = relationship()


class FeaturedItem(db.Model):
    """A published item a moderator put on the home page (theme None) or on a theme's page, in order."""

    __tablename__ = "featured_items"
    __table_args__ = (UniqueConstraint("item_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("library_items.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    item: Mapped[LibraryItem] = relationship()
    theme: Mapped[Theme | None] = relationship()
