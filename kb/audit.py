"""The append-only audit log: every moderator action, by every feature, is recorded here.

Nothing in the application edits or deletes a row: the session refuses to flush a change to one,
and the database refuses UPDATE and DELETE on the table (triggers, migration 0014), whoever connects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

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


@dataclass
class LogFilter:
    """What a moderator narrowed the log to; every part is optional."""

    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive: the whole day

    def apply(self, query):
        if self.actor_id:
            query = query.where(AuditEntry.actor_id == self.actor_id)
        if self.action:
            query = query.where(AuditEntry.action == self.action)
        if self.target_type:
            query = query.where(AuditEntry.target_type == self.target_type)
        if self.since:
            query = query.where(AuditEntry.created_at >= datetime.combine(self.since, time.min))
        if self.until:
            query = query.where(AuditEntry.created_at <= datetime.combine(self.until, time.max))
        return query


def entries(chosen: LogFilter, limit: int | None = 50, offset: int = 0) -> list[AuditEntry]:
    """Newest first."""
    query = chosen.apply(select(AuditEntry)).order_by(AuditEntry.id.desc()).offset(offset)
    return list(db.session.scalars(query.limit(limit) if limit else query))


def count(chosen: LogFilter) -> int:
    return db.session.scalar(chosen.apply(select(func.count(AuditEntry.id))))


def choices() -> dict[str, list]:
    """The moderators, actions and target types that appear in the log, for the filter form."""
    return {
        "actions": list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))),
        "targets": list(db.session.scalars(select(AuditEntry.target_type).distinct()
                                           .order_by(AuditEntry.target_type))),
        "actors": list(db.session.execute(select(AuditEntry.actor_id, func.max(AuditEntry.actor_name))
                                          .where(AuditEntry.actor_id.is_not(None))
                                          .group_by(AuditEntry.actor_id).order_by(func.max(AuditEntry.actor_name)))),
    }


def latest_for(target_type: str, target_id: int) -> AuditEntry | None:
    """The most recent decision on one thing: what a second moderator arriving late is told."""
    return db.session.scalar(select(AuditEntry).where(AuditEntry.target_type == target_type,
                                                      AuditEntry.target_id == target_id)
                             .order_by(AuditEntry.id.desc()).limit(1))


def who_decided(target_type: str, target_id: int) -> str:
    """"Mo chose “publish” at 14:02 UTC on 25 November 2026.", for the moderator who arrives second."""
    entry = latest_for(target_type, target_id)
    if entry is None:
        return "it was decided already."
    moment = entry.created_at
    return f"{entry.actor_name} chose “{entry.action}” at {moment:%H:%M} UTC on {moment.day} {moment:%B %Y}."
