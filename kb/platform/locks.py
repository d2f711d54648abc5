"""One writer at a time where a transaction reads something to decide what it writes (a count
against a limit, the rows it is about to insert) and another transaction may be doing the same.

PostgreSQL: an advisory lock on a key, held until the transaction ends; only transactions asking
for the same key wait. SQLite lets one writer in at a time already, but only from its first write:
the reading before it runs unlocked, so two transactions can both read and then both write. A
write that changes nothing takes that lock at once, before the reading.
"""

from __future__ import annotations

from sqlalchemy import Table, false, text, update

from kb.platform.extensions import db

# Every advisory lock key the site takes, in one place so that no two uses share one. A single key
# for one lock; a range (its first key) where each member or address has its own.
SEARCH_DOCUMENTS = 5_170_017  # writers of the PostgreSQL search table
MEANING_VECTORS = 5_170_023  # writers of the meaning vectors
BOARD_POSTING_RATE = 7_000_000_000  # + the member's id: their posts-per-minute count
PARTNERSHIP_INVITATIONS = 6_000_000_000  # + the partnership's id: its invitations mailed a day
MAIL_REQUESTS_BY_ADDRESS = 8_000_000_000_000  # + 40 bits of the address and form: requests an hour
KEYS = (SEARCH_DOCUMENTS, MEANING_VECTORS, PARTNERSHIP_INVITATIONS, BOARD_POSTING_RATE, MAIL_REQUESTS_BY_ADDRESS)


def one_writer_at_a_time(key: int, table: Table) -> None:
    """Wait until no other transaction holds this lock, and hold it until this one ends. `table`
    is any table this transaction will write (SQLite locks the whole database)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        column = next(iter(table.primary_key.columns))
        db.session.execute(update(table).where(false()).values({column.name: column}))
