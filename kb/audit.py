"""The append-only audit log: every moderator action, by every feature, is recorded here.

Nothing in the application edits or deletes a row: the session refuses to flush a change to one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from kb import clock
from kb.auth.models import User
from kb.extensions import db

REASON_MAX = 500


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Kept as written at the time, so the log still reads right if the account is renamed or removed.
    actor_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, index=True)

    actor: Mapped[User | None] = relationship()


class AuditLogIsAppendOnly(Exception):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_the_log(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit log entries can be added, never changed or removed")


def record(actor: User | None, action: str, target_type: str, target_id: int | None, target_label: str = "",
           reason: str = "") -> AuditEntry:
    """Add an entry to the caller's transaction: it commits (or rolls back) with the action itself."""
    entry = AuditEntry(actor=actor, actor_name=actor.display_name if actor else "the system", action=action,
                       target_type=target_type, target_id=target_id, target_label=target_label[:200],
                       reason=(reason or "")[:REASON_MAX], created_at=clock.now())
    db.session.add(entry)
    return entry


def _filtered(query, action: str | None, target_type: str | None, actor_id: int | None):
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    return query


def entries(limit: int = 50, offset: int = 0, action: str | None = None, target_type: str | None = None,
            actor_id: int | None = None) -> list[AuditEntry]:
    """Newest first."""
    query = _filtered(select(AuditEntry), action, target_type, actor_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)))


def count(action: str | None = None, target_type: str | None = None, actor_id: int | None = None) -> int:
    return db.session.scalar(_filtered(select(func.count(AuditEntry.id)), action, target_type, actor_id))


def actions_in_use() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
