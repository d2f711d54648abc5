"""Health checks: is the database reachable, are migrations at head, can the index be read, do the
outboxes drain?

Only what this machine needs to serve pages decides between 200 and 503 (SERVING): a load balancer
takes a machine that answers 503 out of its rotation. The outboxes are shared by every machine, so a
mail or search backlog would answer 503 on all of them at once and take the whole site down for
something that stops no page: it makes the status "degraded", with a 200."""

from __future__ import annotations

import hmac

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kb.platform import mail
from kb.platform.extensions import db
from kb.platform.settings import PROJECT_ROOT
from kb.platform.text import plural
from kb.search import service as search

OUTBOX_STALE_SECONDS = 300
SERVING = ("database", "migrations", "search_index")
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
        return {
            "database": {"ok": False, "error": reason},
            "migrations": {"ok": False, "error": "database unreachable"},
        }
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
    report = {key: backlog[key] for key in ("waiting", "retrying", "given_up", "oldest_seconds")}
    problems = []
    if backlog["oldest_seconds"] >= OUTBOX_STALE_SECONDS:
        problems.append(f"mail has waited {round(backlog['oldest_seconds'] / 60)} minutes to be sent")
    if backlog["given_up"]:
        problems.append(
            f"{plural(backlog['given_up'], 'message')} given up in the last week after {mail.MAX_ATTEMPTS} attempts"
        )
    if problems:
        return {"ok": False, **report, "error": "; ".join(problems) + " (see `flask kb mail status`)"}
    return {"ok": True, **report}


def health_report() -> tuple[dict, bool]:
    """The checks, a status ("ok", "degraded" or "unhealthy") and whether this machine can serve pages."""
    checks = check_database()
    checks["search_index"] = search.index_health()
    if checks["database"]["ok"]:
        checks["search_outbox"] = check_outbox()
        checks["mail_outbox"] = check_mail_outbox()
    serving = all(checks[name]["ok"] for name in SERVING)
    everything = all(check["ok"] for check in checks.values())
    status = "ok" if everything else "degraded" if serving else "unhealthy"
    return {"status": status, "checks": checks}, serving


def may_see_details(remote_address: str | None, authorization: str) -> bool:
    """The checks name paths, versions and errors: for the machine itself and for monitoring that
    holds KB_HEALTHZ_TOKEN; anyone else learns only whether the site is healthy."""
    if remote_address in LOCAL_ADDRESSES:
        return True
    token = current_app.config.get("KB_HEALTHZ_TOKEN") or ""
    offered = authorization.removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(offered.encode(), token.encode())
