"""Case studies: what practitioners did in a local partnership and what they learned."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb import clock
from kb.auth.models import User
from kb.extensions import db
from kb.themes.models import Theme

TITLE_MIN, TITLE_MAX = 5, 200
SUMMARY_MAX = 300
BODY_MAX = 100_000
TAGS_MAX = 10
TAG_MAX = 40


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes requested"
    PUBLISHED = "published"
    REJECTED = "rejected"
    ARCHIVED = "archived"


case_study_themes = Table(
    "case_study_themes",
    db.metadata,
    Column("case_study_id", ForeignKey("case_studies.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

case_study_tags = Table(
    "case_study_tags",
    db.metadata,
    Column("case_study_id", ForeignKey("case_studies.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_MAX), unique=True)


class CaseStudy(db.Model):
    __tablename__ = "case_studies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX))
    body: Mapped[str] = mapped_column(Text)
    # Rendered and sanitised once on save, not on every view.
    body_html: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(40))
    locality: Mapped[str] = mapped_column(String(120), default="")
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    year_started: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=Status.DRAFT.value, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Shown instead of the author's name for material the site did not get from a member (the leaflet).
    credited_to: Mapped[str | None] = mapped_column(String(120))
    # Set on case studies loaded from seed_content, so a second seed finds them again.
    seed_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    moderator_note: Mapped[str | None] = mapped_column(Text)
    revision_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)

    author: Mapped[User | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=case_study_themes, order_by=Theme.position)
    tags: Mapped[list[Tag]] = relationship(secondary=case_study_tags, order_by=Tag.name)
    revisions: Mapped[list[CaseStudyRevision]] = relationship(
        back_populates="case_study", order_by="CaseStudyRevision.number", cascade="all, delete-orphan"
    )

    @property
    def credit(self) -> str:
        if self.credited_to:
            return self.credited_to
        return self.author.display_name if self.author else "A former member"

    def __repr__(self) -> str:
        return f"<CaseStudy {self.id} {self.status} {self.title!r}>"


class CaseStudyRevision(db.Model):
    """Every save of a case study, so nothing typed is ever lost and changes can be traced."""

    __tablename__ = "case_study_revisions"
    __table_args__ = (UniqueConstraint("case_study_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = mapped_column(ForeignKey("case_studies.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    note: Mapped[str] = mapped_column(String(300), default="")
    # The fields as they were saved, so any revision can be shown, compared or restored.
    snapshot: Mapped[dict] = mapped_column(JSON)

    case_study: Mapped[CaseStudy] = relationship(back_populates="revisions")
    saved_by: Mapped[User | None] = relationship()
