"""The app factory: configuration, extensions, the features' blueprints, the command line, error pages."""

from __future__ import annotations

import sys

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from kb import (
    api,
    auth,
    board,
    collections,
    feeds,
    library,
    meaning,
    moderation,
    notifications,
    ops,
    packs,
    partnerships,
    search,
    sitemap,
    themes,
)
from kb.app import errors, security_headers, templating
from kb.app.cli import kb_group
from kb.app.config import load_settings
from kb.ops.logs import configure_logging, register_request_logging
from kb.platform import features, http, mail, site_address
from kb.platform.extensions import csrf, db, login_manager, migrate
from kb.platform.settings import PROJECT_ROOT, ConfigError
from kb.search.backends import check_configuration as check_search_backend

# Every feature, each declared once in its package's __init__.py (kb/platform/features.py says what a
# declaration holds). The order is the seed's, the data download's and the home page's.
FEATURES = (
    themes.FEATURE,
    auth.FEATURE,
    notifications.FEATURE,
    library.FEATURE,
    search.FEATURE,
    meaning.FEATURE,
    board.FEATURE,
    moderation.FEATURE,
    collections.FEATURE,
    feeds.FEATURE,
    packs.FEATURE,
    partnerships.FEATURE,
    sitemap.FEATURE,
    ops.FEATURE,
    api.FEATURE,
)


def create_app(config_overrides: dict | None = None) -> Flask:
    """Build the application. Raises ConfigError when a setting is unusable."""
    settings = load_settings()
    configure_logging(settings.log_level)

    app = site_address.SiteFlask(
        "kb",  # the package's name, as when the factory lived in kb/__init__.py
        instance_path=str(settings.instance_dir),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(settings.flask_config())
    app.config.update(config_overrides or {})
    # Again after the overrides, which may choose another database or backend.
    check_search_backend(app)
    _trust_proxies(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)

    _register_blueprints(app)
    _register_cli(app)
    _check_database(app)
    return app


def _trust_proxies(app: Flask) -> None:
    # Each trusted proxy appends one address to X-Forwarded-For: only that many entries, counted from
    # the right, are believed; whatever a client wrote before them is ignored.
    hops = app.config["KB_TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _register_blueprints(app: Flask) -> None:
    register_request_logging(app)
    errors.register(app)
    http.register(app)
    site_address.register(app)
    security_headers.register(app)
    templating.register(app)
    mail.register(app)
    features.install(app, FEATURES)


def _register_cli(app: Flask) -> None:
    app.cli.add_command(kb_group)


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets gunicorn workers read while one writes; foreign keys are off in SQLite unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _check_database(app: Flask) -> None:
    """Fail at start-up, with the reason, when the database cannot be reached."""
    with app.app_context():
        if db.engine.url.get_backend_name() == "sqlite":
            event.listen(db.engine, "connect", _tune_sqlite)
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            url = db.engine.url.render_as_string(hide_password=True)
            raise ConfigError(f"cannot reach the database at {url} (KB_DATABASE_URL): {reason}") from None
        finally:
            # Nothing opened before gunicorn forks its workers may be shared between them.
            db.engine.dispose()


def create_app_or_exit() -> Flask:
    """create_app for entry points: a bad setting prints one clear line instead of a traceback."""
    try:
        return create_app()
    except ConfigError as error:
        print(f"Common Ground cannot start: {error}", file=sys.stderr)
        raise SystemExit(2) from None
