"""Reading a member's in-app inbox: the unread count in the header, the page, marking it read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ScalarSelect, func, select, update

from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.notifications.models import Notification

if TYPE_CHECKING:  # the member is the accounts feature's: named here, never imported at run time
    from kb.auth.models import User

KEPT = 100  # the newest notifications shown on the page


def unread_count(user: User) -> int:
    return db.session.scalar(select(unread_count_of(user.id))) or 0


def unread_count_of(user_id: Any) -> ScalarSelect[int]:
    """The count as a scalar subquery, so it can be read in the same query as the member (user_id
    may be a column)."""
    return (
        select(func.count(Notification.id))
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def recent(user: User) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(KEPT)
        )
    )


def mark_all_read(user: User) -> int:
    changed = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=clock.now())
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
    db.session.commit()
    return changed
