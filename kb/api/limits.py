"""The API's rate limit: KB_API_RATE_PER_MINUTE requests a minute from each client address.

Counted in the database, in fixed one-minute windows, so every gunicorn worker on every machine
adds to one count per address. Each request adds one in a single statement (INSERT ... ON CONFLICT
DO UPDATE ... RETURNING): two requests at the same moment can never both read the same count and
both go ahead, since PostgreSQL makes the second wait for the first's row and SQLite lets one writer
in at a time. The count is committed on its own connection, whatever the request does next."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from kb.api.models import ADDRESS_MAX, ApiRequestCount
from kb.platform import clock
from kb.platform.extensions import db

WINDOW_SECONDS = 60
UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends, when refused


def check(address: str, per_minute: int) -> Verdict:
    """Count one request from `address`, and say whether it may go ahead."""
    seconds = clock.now().replace(tzinfo=UTC).timestamp()
    window = int(seconds // WINDOW_SECONDS)
    with db.engine.connect() as connection, _commit_without_waiting_for_the_disk(connection):
        count = _count_one(connection, address[:ADDRESS_MAX], window)
        if count == 1:
            # An address's first request in a minute: a minute has ended for someone, so its rows go,
            # and the table never holds much more than the current minute's clients.
            _forget_windows_before(connection, window)
        connection.commit()
    if count <= per_minute:
        return Verdict(True)
    return Verdict(False, max(1, math.ceil((window + 1) * WINDOW_SECONDS - seconds)))


@contextmanager
def _commit_without_waiting_for_the_disk(connection) -> Iterator[None]:
    """A count lost to a power cut lets a client make at most a minute's extra requests, so its commit
    need not wait for the disk to confirm the write: that wait was most of what counting cost an API
    request (a count took 5 ms on SQLite and 3 ms on PostgreSQL, and takes 0.5 and 0.8 ms without
    it). Either database stays consistent; only the last moments' counts can be lost."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")  # this transaction only
        yield
        return
    # SQLite's setting belongs to the connection, which goes back to the pool: relaxed for this
    # commit, then put back. NORMAL in WAL mode only risks the last commits on a power cut.
    previous = int(connection.exec_driver_sql("PRAGMA synchronous").scalar())
    connection.exec_driver_sql("PRAGMA synchronous = NORMAL")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA synchronous = {previous}")


def _count_one(connection, address: str, window: int) -> int:
    table = ApiRequestCount.__table__
    upsert = UPSERTS[connection.dialect.name](table).values(address=address, window_minute=window, requests=1)
    upsert = upsert.on_conflict_do_update(
        index_elements=[table.c.address, table.c.window_minute], set_={"requests": table.c.requests + 1}
    )
    return connection.execute(upsert.returning(table.c.requests)).scalar_one()


def _forget_windows_before(connection, window: int) -> None:
    # Rows another worker is deleting at this moment are skipped (PostgreSQL; SQLite has one writer
    # at a time), so two workers pruning together never wait on, or deadlock with, each other.
    ended = (
        select(ApiRequestCount.address, ApiRequestCount.window_minute)
        .where(ApiRequestCount.window_minute < window)
        .with_for_update(skip_locked=True)
    )
    connection.execute(
        delete(ApiRequestCount).where(tuple_(ApiRequestCount.address, ApiRequestCount.window_minute).in_(ended))
    )
