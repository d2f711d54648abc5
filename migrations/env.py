"""Alembic environment: runs migrations against the app's own database engine."""

import logging

from alembic import context
from flask import current_app

from kb.search.backends.postgres.backend import TABLES as POSTGRES_SEARCH_TABLES

log = logging.getLogger("kb.migrations")
config = context.config
db = current_app.extensions["migrate"].db


def skip_empty_autogenerate(context, revision, directives):
    # `flask db migrate` with no model change writes no empty revision.
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


# Tables the migrations make that no model maps: the PostgreSQL search backend's (migrations 0022
# and 0024), written and read with plain SQL by kb/search/backends/postgres_backend.py.
TABLES_WITHOUT_MODELS = set(POSTGRES_SEARCH_TABLES)


def include_object(_object, name, type_, reflected, _compare_to):
    return not (type_ == "table" and reflected and name in TABLES_WITHOUT_MODELS)


def run_migrations_offline():
    context.configure(
        url=db.engine.url.render_as_string(hide_password=False),
        target_metadata=db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    # Batch mode lets ALTER TABLE migrations run on SQLite too.
    configure_args.setdefault("render_as_batch", True)
    configure_args.setdefault("include_object", include_object)
    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **configure_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
