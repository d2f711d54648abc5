"""The library's tab in the moderation queue: submissions and proposed edits, oldest first, each
edit with its diff against the published text. Declared on the library's Feature."""

from __future__ import annotations

from sqlalchemy import select

from kb.library import history, service
from kb.library import queries as library_queries
from kb.library.models import ItemRevision, LibraryItem, RevisionState
from kb.library.reviewables import IN_THE_QUEUE, for_queue_entry
from kb.platform.extensions import db
from kb.platform.reviewable import QueueEntry, QueueTab


def submissions(offset: int, limit: int) -> list[QueueEntry]:
    items = library_queries.awaiting_review(limit=limit, offset=offset)
    pending = _pending_edits([item.id for item in items if item.has_pending_edit])
    labels = library_queries.revision_labels() if pending else {}
    return [
        QueueEntry(
            item,
            changes=history.compare(service.snapshot_of(item), pending[item.id].snapshot, labels)
            if item.id in pending
            else [],
        )
        for item in items
    ]


def _pending_edits(item_ids: list[int]) -> dict[int, ItemRevision]:
    """The latest proposed edit of each item, in one query for the whole page."""
    latest: dict[int, ItemRevision] = {}
    for revision in db.session.scalars(
        select(ItemRevision)
        .where(ItemRevision.item_id.in_(item_ids), ItemRevision.state == RevisionState.PENDING.value)
        .order_by(ItemRevision.number)
    ):
        latest[revision.item_id] = revision
    return latest


QUEUE_TABS = (
    QueueTab(
        "submissions",
        "Submissions and edits",
        "submissions",
        "Nothing is waiting for review.",
        LibraryItem,
        IN_THE_QUEUE,
        for_queue_entry,
        "Needed to request changes, reject or decline: the author is shown it. Optional when you publish.",
        count=library_queries.awaiting_review_count,
        entries=submissions,
        bulk_hint="Approving publishes a submission, or publishes an edit; rejecting declines an edit.",
    ),
)
