"""The append-only audit log: every moderator action, by every feature, is recorded here.

Nothing in the application edits or deletes a row: the session refuses to flush a change to one,
and the database refuses UPDATE and DELETE on the table (triggers, migrations 0014 and 0021), whoever
connects. The one exception is `forget_member`: a member who deletes their account is named "a former
member" in the entries they made and the entries about them, and nothing else in those entries changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Select, String, event, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from kb.platform import clock
from kb.platform.dates import date_and_time
from kb.platform.extensions import db
from kb.platform.text import member_name

if TYPE_CHECKING:  # the member is the accounts feature's: named here, never imported at run time
    from kb.auth.models import User

REASON_MAX = 500
SelectT = TypeVar("SelectT", bound=Select[Any])


class AuditEntry(db.Model):  # type: ignore[name-defined]  # Flask-SQLAlchemy makes it at run time
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
def _refuse_changes_to_the_log(session: Session, _context: object, _instances: object) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit log entries can be added, never changed or removed")


def record(
    actor: User | None, action: str, target_type: str, target_id: int | None, target_label: str = "", reason: str = ""
) -> AuditEntry:
    """Add an entry to the caller's transaction: it commits (or rolls back) with the action itself."""
    entry = AuditEntry(
        actor=actor,
        actor_name=actor.display_name if actor else "the system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:200],
        reason=(reason or "")[:REASON_MAX],
        created_at=clock.now(),
    )
    db.session.add(entry)
    return entry


def forget_member(user_id: int) -> None:
    """Name a deleted account "a former member" throughout the log, in the caller's transaction:
    the actor of what they did, and the target of what was done to them (its id too: before
    migration 0025 SQLite could give a new account the same id). What was done, why and when all
    stay. These are plain UPDATE statements, the only ones the database's triggers let through
    (migration 0021)."""
    former = member_name(None)
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.actor_id == user_id)
        .values(actor_id=None, actor_name=former)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(AuditEntry)
        .where(AuditEntry.target_type == "member", AuditEntry.target_id == user_id)
        .values(target_id=None, target_label=former)
        .execution_options(synchronize_session=False)
    )


def record_account_deleted(reason: str) -> AuditEntry:
    """The deletion itself: done by the member, who is by then a former member."""
    entry = record(None, "delete account", "member", None, member_name(None), reason)
    entry.actor_name = member_name(None)
    return entry


@dataclass
class LogFilter:
    """What a moderator narrowed the log to; every part is optional."""

    actor_id: int | None = None
    action: str | None = None
    target_type: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive: the whole day

    def apply(self, query: SelectT) -> SelectT:
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
    return db.session.scalar(chosen.apply(select(func.count(AuditEntry.id)))) or 0


def choices() -> dict[str, list[Any]]:
    """The moderators, actions and target types that appear in the log, for the filter form."""
    return {
        "actions": list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))),
        "targets": list(db.session.scalars(select(AuditEntry.target_type).distinct().order_by(AuditEntry.target_type))),
        "actors": list(
            db.session.execute(
                select(AuditEntry.actor_id, func.max(AuditEntry.actor_name))
                .where(AuditEntry.actor_id.is_not(None))
                .group_by(AuditEntry.actor_id)
                .order_by(func.max(AuditEntry.actor_name))
            )
        ),
    }


def latest_for(target_type: str, target_id: int) -> AuditEntry | None:
    """The most recent decision on one thing: what a second moderator arriving late is told."""
    return db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.target_type == target_type, AuditEntry.target_id == target_id)
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def who_decided(target_type: str, target_id: int) -> str:
    """ "Mo chose “publish” on 25 November 2026 at 2:02pm.", for the moderator who arrives second."""
    entry = latest_for(target_type, target_id)
    if entry is None:
        return "it was decided already."
    moment = entry.created_at
    return f"{entry.actor_name} chose “{entry.action}” on {date_and_time(moment)}."
