"""How case studies and lessons become search documents (registered with the search package)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb.library.models import LibraryItem
from kb.platform.extensions import db
from kb.platform.markup import plain_text
from kb.search.documents import PUBLIC, UNPUBLISHED, DocumentProvider, SearchDocument


def document(item_id: int) -> SearchDocument | None:
    item = db.session.scalar(
        select(LibraryItem)
        .where(LibraryItem.id == item_id)
        .options(selectinload(LibraryItem.themes), selectinload(LibraryItem.tags))
    )
    if item is None:
        return None
    return SearchDocument(
        doc_id=f"library_item:{item.id}",
        content_type=item.kind,
        title=item.title,
        url=item.path(),
        # Unpublished work is indexed too, but only moderators who ask for it ever see it.
        visibility=PUBLIC if item.is_readable else UNPUBLISHED,
        summary=item.summary,
        body=plain_text(item.body_html),
        tags=[tag.name for tag in item.tags],
        themes=[theme.slug for theme in item.themes],
        region=item.region or "",
        sectors=list(item.sectors or []),
        status=item.status,
        outcome=item.outcome or "",
        verified=item.verified_at is not None,
        published_at=item.published_at,
        updated_at=item.updated_at,
    )


def all_ids() -> Iterator[int]:
    return iter(db.session.scalars(select(LibraryItem.id).order_by(LibraryItem.id)).all())


def count_by_type() -> dict[str, int]:
    return dict(db.session.execute(select(LibraryItem.kind, func.count()).group_by(LibraryItem.kind)).all())


PROVIDER = DocumentProvider(
    key_prefix="library_item", model=LibraryItem, document=document, all_ids=all_ids, count_by_type=count_by_type
)
