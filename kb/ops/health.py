"""Health checks: is the database reachable, are migrations at head, can the index be read?"""

from __future__ import annotations

import hmac

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kb import mail
from kb.config import PROJECT_ROOT
from kb.extensions import db
from kb.search import service as search

OUTBOX_STALE_SECONDS = 300
LOCAL_ADDRESSES = {"127.0.0.1", "::1"}

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def migration_heads() -> set[str]:
    return set(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())


def check_database() -> dict:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return {"database": {"ok": False, "error": reason},
                "migrations": {"ok": False, "error": "database unreachable"}}
    heads = migration_heads()
    migrations = {"ok": current == heads, "current": sorted(current), "head": sorted(heads)}
    if current != heads:
        migrations["error"] = "run `flask db upgrade`"
    return {"database": {"ok": True}, "migrations": migrations}


def check_outbox() -> dict:
    # A backlog that does not drain means the index is falling behind the data.
    try:
        backlog = search.backlog()
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return {"ok": False, "error": f"search outbox unreadable: {reason}"}
    return {"ok": backlog["oldest_seconds"] < OUTBOX_STALE_SECONDS, **backlog}


def check_mail_outbox() -> dict:
    # Mail that waits long, or that was given up after every retry, is mail nobody received: a reset
    # link, a verification link. The backlog drains after responses and with `flask kb mail send`.
    try:
        backlog = mail.backlog()
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return {"ok": False, "error": f"mail outbox unreadable: {reason}"}
    ok = backlog["oldest_seconds"] < OUTBOX_STALE_SECONDS and not backlog["given_up"]
    return {"ok": ok, **{key: backlog[key] for key in ("waiting", "retrying", "given_up", "oldest_seconds")}}


def health_report() -> tuple[dict, bool]:
    checks = check_database()
    checks["search_index"] = search.index_health()
    if checks["database"]["ok"]:
        checks["search_outbox"] = check_outbox()
        checks["mail_outbox"] = check_mail_outbox()
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "unhealthy", "checks": checks}, healthy


def may_see_details(remote_address: str | None, authorization: str) -> bool:
    """The checks name paths, versions and errors: for the machine itself and for monitoring that
    holds KB_HEALTHZ_TOKEN; anyone else learns only whether the site is healthy."""
    if remote_address in LOCAL_ADDRESSES:
        return True
    token = current_app.config.get("KB_HEALTHZ_TOKEN") or ""
    offered = authorization.removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(offered.encode(), token.encode())
