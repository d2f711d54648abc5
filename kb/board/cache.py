"""Board listings kept in each worker's memory, valid for exactly as long as the board is unchanged,
on one machine or several (the token that says so is in the database they share).

Every flush that adds, changes or deletes a category, thread or post (or a theme, or a member's
display name, which the listings show) writes a new token to the one-row table board_versions, on
the flush's own connection: the token commits or rolls back with the change. A page reads the
token (one primary-key query) and reuses what this worker computed under the same token, so every
gunicorn worker, on every machine, sees a write at once, with no time-based staleness
(tests/scaleout/test_two_servers.py posts on one server and reads the other's listings). The token is random rather
than a counter so that a rolled-back transaction's token is never issued again: whatever was
computed inside that transaction can never be served.

Only what every reader sees alike is kept here; per-member data (unread marks) is read per request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from sqlalchemy import String, event, insert, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from kb.auth.models import User
from kb.board.models import BoardCategory, BoardPost, BoardThread
from kb.platform.extensions import db
from kb.themes.models import Theme

THE_ROW = 1
# Enough for every category's first pages; past it the cache starts afresh rather than grow
# without bound (page numbers come from the address).
MOST_ENTRIES = 2_000
SHOWN_ON_THE_BOARD = (BoardCategory, BoardThread, BoardPost, Theme)

T = TypeVar("T")


class BoardVersion(db.Model):
    __tablename__ = "board_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def _changes_the_board(session: Session, obj) -> bool:
    if isinstance(obj, SHOWN_ON_THE_BOARD):
        return True
    # Listings show authors' and last posters' names; a member's other changes (logins,
    # suspensions) leave them alone.
    return isinstance(obj, User) and (obj in session.deleted or inspect(obj).attrs.display_name.history.has_changes())


@event.listens_for(Session, "after_flush")
def _new_token_when_the_board_changes(session: Session, _flush_context) -> None:
    # After the flush the pending lists and attribute histories still describe what it wrote.
    if not any(_changes_the_board(session, obj) for obj in (*session.new, *session.dirty, *session.deleted)):
        return
    token = uuid.uuid4().hex
    connection = session.connection()
    if connection.execute(update(BoardVersion).where(BoardVersion.id == THE_ROW).values(token=token)).rowcount == 0:
        connection.execute(insert(BoardVersion).values(id=THE_ROW, token=token))  # emptied by hand: start again


def current_token() -> str | None:
    return db.session.scalar(select(BoardVersion.token).where(BoardVersion.id == THE_ROW))


def remembered(key: tuple, compute: Callable[[], T]) -> T:
    """compute(), or what this worker computed for the key under the board's current token.

    The token is read before computing, so a write committed meanwhile can only leave newer data
    under an older token, which no later request asks for."""
    token = current_token()
    if token is None:
        return compute()
    entries: dict = current_app.extensions.setdefault("kb_board_cache", {})
    kept = entries.get(key)
    if kept is not None and kept[0] == token:
        return kept[1]
    value = compute()
    if len(entries) >= MOST_ENTRIES:
        entries.clear()
    entries[key] = (token, value)
    return value
