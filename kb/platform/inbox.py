"""In-app notifications: features send them (a moderator's decision, a reply), the account pages
read them. A notification is added to the caller's transaction, so it exists exactly when the
decision it reports was committed. (Email comes later, from the same calls.)"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, ForeignKey, Index, ScalarSelect, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from kb.platform import clock
from kb.platform.extensions import db

if TYPE_CHECKING:  # the member is the accounts feature's: named here, never imported at run time
    from kb.auth.models import User

MESSAGE_MAX = 500
KEPT = 100  # the newest notifications shown on the page


class Notification(db.Model):  # type: ignore[name-defined]  # Flask-SQLAlchemy makes it at run time
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(MESSAGE_MAX))
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)


def notify(user: User | None, message: str, link: str = "") -> None:
    """Tell a member something in-app. Nobody to tell (a former member) is not an error."""
    if user is None:
        return
    db.session.add(
        Notification(user_id=user.id, message=message[:MESSAGE_MAX], link=link[:300], created_at=clock.now())
    )


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
