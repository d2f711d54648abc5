"""Backup and restore an operator can trust: one file holds a consistent copy of the database and a
manifest (which database, which schema revision, when, how many rows in each table, and a SHA-256
of the copy), so a backup can be checked before it is needed and a restore refuses what it cannot
put back faithfully.

SQLite is copied with its online backup API and PostgreSQL with `pg_dump` (custom format), both
while the site serves. The search index is not backed up: a restore rebuilds it from the database."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from kb.ops.health import MIGRATIONS_DIR
from kb.platform import clock
from kb.platform.extensions import db

FORMAT = "common-ground-backup/1"
MANIFEST = "manifest.json"
DATA = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# The PostgreSQL extensions the migrations create, each in the schema they create it in (0022:
# pg_trgm, for search's "Did you mean"). An extension belongs to the whole database, outside the
# site's schema, so the dump of that schema does not hold it: a restore creates it first.
EXTENSIONS = {"pg_trgm": "public"}
Progress = Callable[[str], None]


class BackupError(Exception):
    """Nothing was changed; the message says why and what to do."""


class RestoreFailed(Exception):
    """The restore started replacing the database and could not finish."""


@dataclass
class Manifest:
    format: str
    backend: str
    revision: str | None
    created_at: str
    sha256: str
    rows: dict[str, int]

    @classmethod
    def read(cls, archive: zipfile.ZipFile) -> Manifest:
        try:
            return cls(**json.loads(archive.read(MANIFEST)))
        except (KeyError, TypeError, ValueError):
            raise BackupError("This file is not a Common Ground backup (it has no readable manifest).") from None


def backend() -> str:
    return db.engine.dialect.name


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def row_counts() -> dict[str, int]:
    """Rows in each of the app's tables: recorded at backup, compared after a restore."""
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sqlite_path() -> Path:
    database = make_url(str(db.engine.url)).database
    if not database or database == ":memory:":
        raise BackupError("The database is in memory: there is no file to back up.")
    return Path(database)


def libpq_url() -> str:
    """The database address as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def current_schema() -> str:
    """The schema the site's tables are in: the first of its search_path's, even before it exists
    (in a brand-new database, until a restore makes it)."""
    with db.engine.connect() as connection:
        schema = connection.scalar(text("SELECT current_schema()"))
        if schema is None:
            path = [name.strip().strip('"') for name in connection.scalar(text("SHOW search_path")).split(",")]
            schema = next((name for name in path if name and name != "$user"), "public")
    return schema


def require_tool(tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"`{tool}` is not installed: install the PostgreSQL client tools "
            f"(Debian: apt-get install postgresql-client) and try again."
        )


def run_tool(arguments: list[str], failure: type[Exception] = BackupError) -> str:
    require_tool(arguments[0])
    finished = subprocess.run(arguments, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        lines = [line for line in finished.stderr.splitlines() if "error" in line.lower()] or ["(no message)"]
        raise failure(f"`{arguments[0]}` failed: {lines[0].strip()}")
    return finished.stdout


def copy_database(into: Path, progress: Progress) -> None:
    if backend() == "sqlite":
        source, copy = sqlite3.connect(sqlite_path()), sqlite3.connect(into)
        try:
            # The online backup API copies a consistent snapshot while other connections write.
            source.backup(
                copy,
                pages=256,
                progress=lambda _status, remaining, total: progress(f"Copied {total - remaining} of {total} pages"),
            )
        finally:
            copy.close()
            source.close()
    else:
        progress(f"pg_dump of schema {current_schema()}")
        run_tool(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--schema={current_schema()}",
                f"--file={into}",
                libpq_url(),
            ]
        )


def backup(path: Path, progress: Progress = lambda line: None) -> Manifest:
    """Write a backup of the database to `path` (one file) and return its manifest."""
    if backend() not in DATA:
        raise BackupError(f"Backing up a {backend()} database is not supported.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / DATA[backend()]
        copy_database(data, progress)
        manifest = Manifest(
            format=FORMAT,
            backend=backend(),
            revision=current_revision(),
            created_at=clock.now().isoformat(timespec="seconds"),
            sha256=sha256_of(data),
            rows=row_counts(),
        )
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest.__dict__, indent=2))
            archive.write(data, DATA[backend()])
        partial.replace(path)  # a backup file either is whole or is not there
    return manifest


def check(path: Path) -> Manifest:
    """The backup's manifest, once its copy of the database matches the recorded checksum."""
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = Manifest.read(archive)
            with tempfile.TemporaryDirectory() as folder:
                data = Path(archive.extract(DATA.get(manifest.backend, "?"), folder))
                if sha256_of(data) != manifest.sha256:
                    raise BackupError("The backup is damaged: its database copy does not match its checksum.")
    except (zipfile.BadZipFile, KeyError):
        raise BackupError("This file is not a Common Ground backup, or it is damaged.") from None
    return manifest


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()}


def is_empty() -> bool:
    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        return not any(
            connection.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name in tables
        )


def create_extensions(connection) -> None:
    for name, schema in EXTENSIONS.items():
        connection.execute(text(f'CREATE EXTENSION IF NOT EXISTS "{name}" WITH SCHEMA "{schema}"'))


def ensure_extensions() -> None:
    """The extensions the schema needs, created before anything is replaced; when this database's user
    may not create one, BackupError says so in one line."""
    try:
        with db.engine.begin() as connection:
            create_extensions(connection)
    except DBAPIError as error:
        reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
        statements = " ".join(
            f"CREATE EXTENSION IF NOT EXISTS {name} WITH SCHEMA {schema};" for name, schema in EXTENSIONS.items()
        )
        raise BackupError(
            f"Restore could not create the PostgreSQL extensions the site needs "
            f"({', '.join(EXTENSIONS)}): {reason}. Ask the database's administrator to run "
            f"`{statements}` in database {db.engine.url.database}, then restore again."
        ) from None


def restore_postgresql(data: Path, progress: Progress) -> None:
    schema = current_schema()
    contents = run_tool(["pg_restore", "--list", str(data)]).splitlines()
    dumped_schemas = {
        line.split()[5]: line
        for line in contents
        if not line.startswith(";") and len(line.split()) >= 6 and line.split()[3:5] == ["SCHEMA", "-"]
    }
    if dumped_schemas and schema not in dumped_schemas:
        raise BackupError(
            f"The backup holds schema {', '.join(dumped_schemas)}, and this site's database uses "
            f"schema {schema}: set the search_path in KB_DATABASE_URL to the backup's schema."
        )
    ensure_extensions()
    try:
        with db.engine.begin() as connection:
            # Everything in the site's schema goes, so the backup's tables, triggers and sequences
            # come back exactly as they were. Restore makes the schema itself, and then the
            # extensions again: dropping the schema that holds one (public) drops it too.
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            create_extensions(connection)
    except DBAPIError as error:
        raise RestoreFailed(f"The schema could not be made again: {str(error.orig).splitlines()[0]}") from None
    # The dump's own entry for the schema is left out, the schema being there already.
    listed = data.with_name("restore.list")
    listed.write_text("\n".join(line for line in contents if line != dumped_schemas.get(schema)) + "\n")
    progress(f"pg_restore into schema {schema}")
    run_tool(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--use-list={listed}",
            f"--dbname={libpq_url()}",
            str(data),
        ],
        failure=RestoreFailed,
    )


def restore(path: Path, force: bool = False, progress: Progress = lambda line: None) -> Manifest:
    """Put a backup back into this database, then bring its schema up to date. Refuses a damaged
    backup, one from another kind of database or a newer schema, and a database that holds data
    (unless `force`)."""
    manifest = check(path)
    if manifest.backend != backend():
        raise BackupError(f"This is a backup of a {manifest.backend} database; this site uses {backend()}.")
    if manifest.revision and manifest.revision not in known_revisions():
        raise BackupError(
            f"The backup comes from a newer version of Common Ground (schema {manifest.revision}): "
            "upgrade this installation first."
        )
    if not force and not is_empty():
        raise BackupError(
            "The database already holds data: restore into an empty database, or add --force to "
            "replace everything in it with the backup."
        )
    if manifest.backend == "postgresql":
        require_tool("pg_restore")
    db.session.remove()
    db.engine.dispose()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(path) as archive:
        data = Path(archive.extract(DATA[manifest.backend], folder))
        if manifest.backend == "sqlite":
            copy, target = sqlite3.connect(data), sqlite3.connect(sqlite_path())
            try:
                copy.backup(target)  # one step: the database is the backup's, or unchanged
            finally:
                target.close()
                copy.close()
        else:
            restore_postgresql(data, progress)
    db.engine.dispose()
    progress("Bringing the schema up to date")
    upgrade()
    return manifest
