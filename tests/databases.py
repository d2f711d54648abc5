"""Brand-new databases for tests that restore into one: a SQLite file not yet made, or a PostgreSQL
database made with CREATE DATABASE on the tests' server (and dropped afterwards), holding nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def brand_new_database(site_url: str, folder: Path, user: str | None = None) -> Iterator[str]:
    """The address of a new, empty database beside the site's at `site_url`, with the same options
    (on PostgreSQL, the search_path naming the site's schema, which the new database does not have
    yet). `user`, on PostgreSQL, is a new role that may log in and nothing more (dropped afterwards)."""
    url = make_url(site_url)
    if url.get_backend_name() == "sqlite":
        yield url.set(database=str(folder / f"brand-new-{uuid.uuid4().hex[:8]}.sqlite3")).render_as_string()
        return
    name = f"kb_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")  # CREATE DATABASE runs outside a transaction
    with admin.connect() as connection:
        if user:
            connection.execute(text(f'CREATE ROLE "{user}" LOGIN'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name, username=user or url.username).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if user:
                connection.execute(text(f'DROP ROLE IF EXISTS "{user}"'))
        admin.dispose()
