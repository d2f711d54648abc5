"""The transactional outbox: every change to an indexed row writes an outbox row in the same
database transaction, so the index can always be brought back in step with the data.

Rows are written from after_flush (so every flushed change is seen, including ones flushed early
for an id) with a plain INSERT on the flush's own connection: they commit or roll back with the
data. Only committed rows are ever drained into the index.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy import DateTime, String, delete, event, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kb.platform import clock
from kb.platform.extensions import db
from kb.search.documents import keys_for_changed

log = logging.getLogger("kb.search")


class SearchOutbox(db.Model):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


def _changed_keys(session: Session) -> set[str]:
    keys = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        keys.update(keys_for_changed(obj))
    return keys


@event.listens_for(Session, "after_flush")
def _write_outbox_rows(session: Session, _flush_context) -> None:
    keys = _changed_keys(session)
    if keys:
        now = clock.now()
        session.connection().execute(
            insert(SearchOutbox.__table__), [{"doc_key": key, "created_at": now} for key in sorted(keys)]
        )
        session.info["search_outbox_written"] = True


@event.listens_for(Session, "after_commit")
def _note_pending_drain(session: Session) -> None:
    if session.info.pop("search_outbox_written", False):
        session.info["search_drain_wanted"] = True


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("search_outbox_written", None)


def take_drain_request(session: Session) -> bool:
    """True once after a commit that wrote outbox rows (the request cycle drains then)."""
    return bool(session.info.pop("search_drain_wanted", False))


def pending_rows(limit: int) -> list[SearchOutbox]:
    return list(db.session.scalars(select(SearchOutbox).order_by(SearchOutbox.id).limit(limit)))


def forget_rows(ids: list[int]) -> None:
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(ids)))
    db.session.commit()


def newest_row_id() -> int:
    return db.session.scalar(select(func.max(SearchOutbox.id))) or 0


def forget_rows_up_to(row_id: int) -> None:
    db.session.execute(delete(SearchOutbox).where(SearchOutbox.id <= row_id))
    db.session.commit()


def backlog() -> dict:
    count, oldest = db.session.execute(select(func.count(SearchOutbox.id), func.min(SearchOutbox.created_at))).one()
    age = (clock.now() - oldest).total_seconds() if oldest else 0.0
    return {"rows": count, "oldest_seconds": round(age, 1)}


class Stopwatch:
    def __init__(self, budget_seconds: float | None) -> None:
        self.deadline = time.monotonic() + budget_seconds if budget_seconds else None

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline
