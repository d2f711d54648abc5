"""The library's part of a member's data download: every case study and lesson they wrote, in any
state (drafts and rejected ones too), with every saved revision and the moderators' notes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.library.models import ItemRevision, LibraryItem
from kb.platform.extensions import db
from kb.platform.personal_data import iso


def revision(row: ItemRevision, user: User) -> dict:
    # Who else saved a revision (a moderator) is their data, not the member's: only whether it was them.
    return {
        "number": row.number,
        "state": row.state,
        "saved_at": iso(row.saved_at),
        "saved_by_you": row.saved_by_id == user.id,
        "note": row.note,
        "moderator_note": row.review_note,
        "fields": row.snapshot,
    }


def items(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(LibraryItem)
        .where(LibraryItem.author_id == user.id)
        .options(selectinload(LibraryItem.revisions), selectinload(LibraryItem.themes), selectinload(LibraryItem.tags))
        .order_by(LibraryItem.id)
    )
    return [
        {
            "kind": item.kind,
            "title": item.title,
            "address": item.path(),
            "status": item.status,
            "summary": item.summary,
            "body": item.body,
            "region": item.region,
            "locality": item.locality,
            "sectors": item.sectors,
            "organisations": item.organisations,
            "year_started": item.year_started,
            "outcome": item.outcome,
            "themes": [theme.title for theme in item.themes],
            "tags": [tag.name for tag in item.tags],
            "moderator_note": item.moderator_note,
            "created_at": iso(item.created_at),
            "updated_at": iso(item.updated_at),
            "submitted_at": iso(item.submitted_at),
            "published_at": iso(item.published_at),
            "revisions": [revision(row, user) for row in item.revisions],
        }
        for item in rows
    ]
