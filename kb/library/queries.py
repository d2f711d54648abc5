"""Reading the library: browsing with filters, a theme's latest items, queues and contributions."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import aliased, selectinload

from kb.auth.models import User
from kb.library.models import ItemRevision, Kind, LibraryItem, Status, Tag, item_tags, item_themes
from kb.platform.extensions import db
from kb.platform.pagination import Page, window
from kb.themes.models import Theme

PAGE_SIZE = 20


@dataclass
class Filters:
    theme: str | None = None
    region: str | None = None
    sector: str | None = None
    tag: str | None = None
    outcome: str | None = None

    def active(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value}


def _with_display_data(query):
    return query.options(
        selectinload(LibraryItem.themes), selectinload(LibraryItem.tags), selectinload(LibraryItem.author)
    )


def get_item(kind: Kind, item_id: int) -> LibraryItem | None:
    return db.session.scalar(
        _with_display_data(select(LibraryItem).where(LibraryItem.id == item_id, LibraryItem.kind == kind.value))
    )


def _has_sector(sector: str):
    # The JSON list is stored as text on both databases, each value in double quotes.
    return cast(LibraryItem.sectors, String).like(f"%{json.dumps(sector)}%")


def _published(kind: Kind | None, filters: Filters):
    """Published items of one kind (or of both, when kind is None: then only theme and tag filter)."""
    query = select(LibraryItem).where(LibraryItem.status == Status.PUBLISHED.value)
    if kind is not None:
        query = query.where(LibraryItem.kind == kind.value)
    elif filters.region or filters.sector or filters.outcome:
        raise ValueError("region, sector and outcome filter one kind at a time")
    if filters.theme:
        query = query.where(LibraryItem.themes.any(Theme.slug == filters.theme))
    if filters.tag:
        query = query.where(LibraryItem.tags.any(Tag.name == filters.tag))
    # A lesson has no place or sectors of its own: it takes those of the case study it came from.
    if filters.region:
        same_region = LibraryItem.region == filters.region
        query = query.where(LibraryItem.source_case_study.has(same_region) if kind == Kind.LESSON else same_region)
    if filters.sector:
        sector = _has_sector(filters.sector)
        query = query.where(LibraryItem.source_case_study.has(sector) if kind == Kind.LESSON else sector)
    if filters.outcome:
        query = query.where(LibraryItem.outcome == filters.outcome)
    return query


def _newest_first(query):
    return query.order_by(LibraryItem.published_at.desc(), LibraryItem.id.desc())


def browse(kind: Kind, filters: Filters, page_number: int = 1) -> Page:
    """Published items of one kind, newest first, filtered, a page at a time (paged in SQL)."""
    query = _published(kind, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    shown = window(total, page_number, PAGE_SIZE)
    items = db.session.scalars(_with_display_data(_newest_first(query)).offset(shown.offset).limit(shown.size)).all()
    return Page(items=list(items), total=total, number=shown.number, pages=shown.pages)


def newest_published(theme_slug: str | None = None, tag: str | None = None, limit: int = 30) -> list[LibraryItem]:
    """Published case studies and lessons together, newest first, optionally of one theme or tag (the feeds)."""
    query = _published(None, Filters(theme=theme_slug, tag=tag))
    return list(db.session.scalars(_with_display_data(_newest_first(query)).limit(limit)))


def all_published(kind: Kind, filters: Filters) -> list[LibraryItem]:
    """Every published item of one kind that the filters choose, newest first: what the list's pages
    show one after another (for a download or a printed pack)."""
    query = _published(kind, filters).options(selectinload(LibraryItem.source_case_study))
    return list(db.session.scalars(_with_display_data(_newest_first(query))))


def latest_for_theme(theme: Theme, kind: Kind, outcome: str | None = None, limit: int = 3) -> list[LibraryItem]:
    query = _published(kind, Filters(theme=theme.slug, outcome=outcome))
    return list(db.session.scalars(_with_display_data(_newest_first(query)).limit(limit)))


def count_for_theme(theme: Theme, kind: Kind) -> int:
    return db.session.scalar(select(func.count()).select_from(_published(kind, Filters(theme=theme.slug)).subquery()))


def lessons_from(case_study: LibraryItem) -> list[LibraryItem]:
    return list(
        db.session.scalars(
            _with_display_data(
                _newest_first(
                    _published(Kind.LESSON, Filters()).where(LibraryItem.source_case_study_id == case_study.id)
                )
            )
        )
    )


def revision_labels() -> dict:
    """Readable names for the ids and slugs kept in revisions, for comparing them."""
    themes = db.session.scalars(select(Theme).order_by(Theme.position))
    return {
        "theme_slugs": {theme.slug: theme.title for theme in themes},
        "source_case_study_id": {str(item.id): item.title for item in published_case_studies()},
    }


def published_case_studies() -> list[LibraryItem]:
    """For the "which case study did this lesson come from?" choice."""
    return list(db.session.scalars(_published(Kind.CASE_STUDY, Filters()).order_by(LibraryItem.title)))


def contributions_of(user: User) -> list[LibraryItem]:
    return list(
        db.session.scalars(
            select(LibraryItem)
            .where(LibraryItem.author_id == user.id)
            .order_by(LibraryItem.updated_at.desc(), LibraryItem.id.desc())
        )
    )


def awaiting_review_count() -> int:
    return db.session.scalar(select(func.count(LibraryItem.id)).where(LibraryItem.awaiting_review))


def awaiting_review(limit: int | None = None, offset: int = 0) -> list[LibraryItem]:
    """Submissions and pending edits of published items, oldest first."""
    return list(
        db.session.scalars(
            _with_display_data(
                select(LibraryItem)
                .where(LibraryItem.awaiting_review)
                .order_by(LibraryItem.awaiting_since, LibraryItem.id)
                .offset(offset)
                .limit(limit)
            )
        )
    )


def revisions_of(item: LibraryItem) -> list[ItemRevision]:
    return list(
        db.session.scalars(
            select(ItemRevision)
            .where(ItemRevision.item_id == item.id)
            .options(selectinload(ItemRevision.saved_by))
            .order_by(ItemRevision.number.desc())
        )
    )


def revision(item: LibraryItem, number: int) -> ItemRevision | None:
    return db.session.scalar(select(ItemRevision).where(ItemRevision.item_id == item.id, ItemRevision.number == number))


def facet_counts(kind: Kind, filters: Filters, sectors: list[str], outcomes: list[str]) -> dict[str, dict[str, int]]:
    """How many published items each filter option would show, given the other filters chosen."""

    def without(name: str):
        return _published(kind, Filters(**{**asdict(filters), name: None})).subquery()

    themed = without("theme")
    counts = {
        "theme": dict(
            db.session.execute(
                select(Theme.slug, func.count())
                .select_from(themed)
                .join(item_themes, item_themes.c.item_id == themed.c.id)
                .join(Theme, Theme.id == item_themes.c.theme_id)
                .group_by(Theme.slug)
            ).all()
        )
    }
    regional = without("region")
    if kind == Kind.LESSON:
        source = aliased(LibraryItem)
        region_counts = (
            select(source.region, func.count())
            .select_from(regional)
            .join(source, source.id == regional.c.source_case_study_id)
            .where(source.region.is_not(None))
            .group_by(source.region)
        )
    else:
        region_counts = (
            select(regional.c.region, func.count()).where(regional.c.region.is_not(None)).group_by(regional.c.region)
        )
    counts["region"] = dict(db.session.execute(region_counts).all())
    tagged = without("tag")
    counts["tag"] = dict(
        db.session.execute(
            select(Tag.name, func.count())
            .select_from(tagged)
            .join(item_tags, item_tags.c.item_id == tagged.c.id)
            .join(Tag, Tag.id == item_tags.c.tag_id)
            .group_by(Tag.name)
            .order_by(Tag.name)
        ).all()
    )
    counts["sector"] = {
        sector: db.session.scalar(
            select(func.count()).select_from(
                _published(kind, Filters(**{**asdict(filters), "sector": sector})).subquery()
            )
        )
        for sector in sectors
    }
    counts["outcome"] = {
        outcome: db.session.scalar(
            select(func.count()).select_from(
                _published(kind, Filters(**{**asdict(filters), "outcome": outcome})).subquery()
            )
        )
        for outcome in outcomes
    }
    return counts
