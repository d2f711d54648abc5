"""Where search documents live: a Whoosh index on disk (the embedded default) or a table in the
PostgreSQL database itself. KB_SEARCH_BACKEND chooses; both sit behind the same small interface,
and both are fed by the same providers, outbox, rebuild and status (kb.search.service).

A backend offers:
    search(request) -> SearchOutcome          the results, facets and counts one search asks for
    suggest(word, visibilities) -> str|None   a better spelling from words visitors may see
    count_by_type() -> {content type: docs}   for `flask kb index status`
    apply(keys) -> {key: doc}|None            write the current state of these documents, return it (None: busy)
    rebuild(keys, progress) -> int            index everything afresh; searches keep working meanwhile
    index_document(doc) / remove_document(key)
    prepare() -> "created" | "outdated" | "kept"    what `flask kb index init` found
    health() -> {"ok": ..., ...}              for /healthz and `flask kb index check`
    location: str                             where the index is, for messages
    rebuilds_in_one_transaction: bool         whether rebuild() keeps one database transaction open
                                              (then nobody else may commit during it)
"""

from __future__ import annotations

from flask import Flask, current_app

from kb.platform.settings import ConfigError

WHOOSH = "whoosh"
POSTGRES = "postgres"
NAMES = (WHOOSH, POSTGRES)


class IndexBusy(Exception):
    """Another process is writing the index; the outbox keeps the work for later."""


class IndexUnavailable(Exception):
    """The index cannot be read at all (the PostgreSQL table missing: migrations not run)."""


def check_configuration(app: Flask) -> None:
    """Stop start-up, with one line, when the backend cannot work with the database."""
    name = app.config.get("KB_SEARCH_BACKEND", WHOOSH)
    if name not in NAMES:
        raise ConfigError(f"KB_SEARCH_BACKEND must be one of {', '.join(NAMES)}; got {name!r}")
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if name == POSTGRES and not database.startswith("postgresql"):
        raise ConfigError(
            "KB_SEARCH_BACKEND=postgres needs a PostgreSQL database in KB_DATABASE_URL; "
            "use KB_SEARCH_BACKEND=whoosh with SQLite"
        )


def current():
    """The backend of the running app, made once per app (and per index folder, for Whoosh)."""
    backends = current_app.extensions.setdefault("kb_search_backends", {})
    name = current_app.config.get("KB_SEARCH_BACKEND", WHOOSH)
    if name == POSTGRES:
        key = POSTGRES
        if key not in backends:
            from kb.search.backends.postgres.backend import PostgresBackend

            backends[key] = PostgresBackend()
        return backends[key]
    from kb.search.backends.whoosh.backend import WhooshBackend

    key = (WHOOSH, current_app.config["KB_SEARCH_DIR"])
    if key not in backends:
        backends[key] = WhooshBackend(current_app.config["KB_SEARCH_DIR"])
    return backends[key]


def close_all(app: Flask) -> None:
    """Let go of open searchers (tests and the bench make many apps)."""
    for backend in app.extensions.get("kb_search_backends", {}).values():
        backend.close()
