"""Featured case studies and lessons: moderators choose what the home page and each theme page
lead with, and in what order. Only published items are shown."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.library.models import FeaturedItem, LibraryItem, Status
from kb.library.service import InvalidTransition, LibraryError
from kb.platform import audit, clock
from kb.platform.extensions import db
from kb.platform.ordering import at_the_end, move_within
from kb.platform.permissions import is_moderator
from kb.themes.models import Theme


def place_name(theme: Theme | None) -> str:
    return f"the {theme.title} page" if theme else "the home page"


def _at(theme: Theme | None):
    return FeaturedItem.theme_id == theme.id if theme is not None else FeaturedItem.theme_id.is_(None)


def featured(theme: Theme | None, published_only: bool = True) -> list[FeaturedItem]:
    query = (
        select(FeaturedItem)
        .join(FeaturedItem.item)
        .where(_at(theme))
        .order_by(FeaturedItem.position, FeaturedItem.id)
        .options(
            selectinload(FeaturedItem.item).selectinload(LibraryItem.themes),
            selectinload(FeaturedItem.item).selectinload(LibraryItem.author),
        )
    )
    if published_only:
        query = query.where(LibraryItem.status == Status.PUBLISHED.value)
    return list(db.session.scalars(query))


def feature(item: LibraryItem, theme: Theme | None, by: User) -> None:
    if not (is_moderator(by) and item.status == Status.PUBLISHED):
        raise InvalidTransition("Only published items can be featured, and only by a moderator.")
    if theme is not None and theme not in item.themes:
        raise LibraryError("An item can only be featured on the page of one of its themes.")
    # Checked here as well as by the unique constraint, which does not cover the home page (theme NULL).
    if db.session.scalar(select(FeaturedItem.id).where(FeaturedItem.item_id == item.id, _at(theme))):
        raise LibraryError(f"It is already featured on {place_name(theme)}.")
    last = db.session.scalar(select(func.max(FeaturedItem.position)).where(_at(theme))) or 0
    db.session.add(
        FeaturedItem(
            item_id=item.id,
            theme_id=theme.id if theme else None,
            position=last + 1,
            added_by_id=by.id,
            created_at=clock.now(),
        )
    )
    audit.record(by, "feature", item.kind, item.id, item.title, f"on {place_name(theme)}")
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise LibraryError(f"It is already featured on {place_name(theme)}.") from None


def unfeature(entry: FeaturedItem, by: User) -> None:
    if not is_moderator(by):
        raise InvalidTransition("Only moderators change what is featured.")
    # The entry's row goes; the log keeps which item it was and where, in words.
    audit.record(
        by,
        "unfeature",
        entry.item.kind,
        entry.item_id,
        entry.item.title,
        f"removed “{entry.item.title}” from {place_name(entry.theme)}",
    )
    db.session.delete(entry)
    db.session.commit()


def move(entry: FeaturedItem, by: User, step: int) -> None:
    """Swap with the neighbour above (-1) or below (1) in the same place."""
    if not is_moderator(by):
        raise InvalidTransition("Only moderators change what is featured.")
    if not move_within(featured(entry.theme, published_only=False), entry, step):
        raise LibraryError(at_the_end(step))
    audit.record(
        by,
        "reorder featured items",
        entry.item.kind,
        entry.item_id,
        entry.item.title,
        f"moved {'up' if step < 0 else 'down'} on {place_name(entry.theme)}",
    )
    db.session.commit()
