"""The collections' part of a member's data download: the collections they made."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.collections.models import Collection
from kb.platform.extensions import db
from kb.platform.personal_data import iso


def collections(user: User) -> list[dict]:
    rows = db.session.scalars(
        select(Collection)
        .where(Collection.created_by_id == user.id)
        .options(selectinload(Collection.theme))
        .order_by(Collection.id)
    )
    return [
        {
            "title": row.title,
            "address": row.path(),
            "introduction": row.introduction,
            "theme": row.theme.title if row.theme else None,
            "created_at": iso(row.created_at),
        }
        for row in rows
    ]
