"""Collections: curated, ordered reading lists of case studies, lessons, board threads and
external resources, each with a note, optionally tied to a theme."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.board.models import BoardThread
from kb.library.models import LibraryItem
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import Theme

TITLE_MAX = 150
NOTE_MAX = 500


class Collection(db.Model):
    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    introduction: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    theme: Mapped[Theme | None] = relationship()
    entries: Mapped[list[CollectionEntry]] = relationship(
        back_populates="collection", order_by="CollectionEntry.position", cascade="all, delete-orphan"
    )

    def path(self) -> str:
        """The collection's address on this site (it redirects to the one with the slug), for links made
        outside a request (feeds)."""
        return f"/collections/{self.id}"


class CollectionEntry(db.Model):
    """One entry: a library item, a board thread, or an external resource (title and address)."""

    __tablename__ = "collection_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("library_items.id", ondelete="SET NULL"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("board_threads.id", ondelete="SET NULL"))
    external_title: Mapped[str | None] = mapped_column(String(300))
    external_url: Mapped[str | None] = mapped_column(String(1000))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")

    collection: Mapped[Collection] = relationship(back_populates="entries")
    item: Mapped[LibraryItem | None] = relationship()
    thread: Mapped[BoardThread | None] = relationship()
