"""/healthz tells monitoring whether the database, the migrations and the search index are usable (503
when not), and whether the outboxes drain (degraded when not, with a 200)."""

from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text

from kb.ops import health
from kb.platform import clock, mail
from kb.platform.extensions import db
from kb.search.backends.whoosh.store import ensure_index
from kb.search.outbox import SearchOutbox


def test_healthy_when_database_migrations_and_index_are_fine(app, client):
    ensure_index(Path(app.config["KB_SEARCH_DIR"]))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["migrations"]["current"] == body["checks"]["migrations"]["head"]
    assert body["checks"]["search_index"] == {"ok": True, "documents": 0}
    assert body["checks"]["search_outbox"] == {"ok": True, "rows": 0, "oldest_seconds": 0.0}
    assert body["checks"]["mail_outbox"] == {
        "ok": True,
        "waiting": 0,
        "retrying": 0,
        "given_up": 0,
        "oldest_seconds": 0.0,
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_mail_backed_up_or_given_up_is_degraded_not_down(app, client, runner):
    """Every machine shares the outbox: a 503 for a backlog would take all of them out of a load
    balancer at once, though every page still works. The answer stays 200 and says "degraded"."""
    ensure_index(Path(app.config["KB_SEARCH_DIR"]))
    clock.freeze(datetime(2026, 11, 1, 9, 0))
    mail.queue(
        "sam@example.org", "reset_password", "Reset your password", link="https://example.org/r", minutes=60, name="Sam"
    )
    db.session.commit()
    clock.freeze(datetime(2026, 11, 1, 9, 1))
    assert health.check_mail_outbox()["ok"] is True  # waiting a minute is normal
    assert client.get("/healthz").get_json()["status"] == "ok"
    clock.freeze(datetime(2026, 11, 1, 9, 30))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "degraded"
    assert response.get_json()["checks"]["mail_outbox"] == {
        "ok": False,
        "waiting": 1,
        "retrying": 0,
        "given_up": 0,
        "oldest_seconds": 1800.0,
        "error": "mail has waited 30 minutes to be sent (see `flask kb mail status`)",
    }
    elsewhere = client.get("/healthz", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert (elsewhere.status_code, elsewhere.get_json()) == (200, {"status": "degraded"})
    status = runner.invoke(args=["kb", "mail", "status"])
    assert status.exit_code == 0
    assert (
        status.output.splitlines()[0] == "mail: degraded: mail has waited 30 minutes to be sent (see `flask kb "
        "mail status`)"
    )

    message = db.session.scalar(select(mail.MailOutbox))
    message.failed_at = clock.now()  # given up after its last retry
    message.last_error = "SMTPRecipientsRefused: {'sam@example.org': (550, b'No such user')}"
    db.session.commit()
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()["status"]) == (200, "degraded")
    assert response.get_json()["checks"]["mail_outbox"] == {
        "ok": False,
        "waiting": 0,
        "retrying": 0,
        "given_up": 1,
        "oldest_seconds": 0.0,
        "error": f"1 message given up in the last week after {mail.MAX_ATTEMPTS} attempts (see `flask kb mail status`)",
    }
    status = runner.invoke(args=["kb", "mail", "status"]).output
    assert status.startswith("mail: degraded: 1 message given up")
    assert (
        f"  mail {message.id} (reset_password) to 'sam@example.org', given up 2026-11-01 09:30 UTC: "
        "SMTPRecipientsRefused: {'sam@example.org': (550, b'No such user')}"
    ) in status.splitlines()
    clock.freeze(datetime(2026, 11, 8, 9, 31))  # a week on, it is history, not a warning
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_a_search_outbox_that_does_not_drain_is_degraded_not_down(app, client):
    ensure_index(Path(app.config["KB_SEARCH_DIR"]))
    clock.freeze(datetime(2026, 11, 1, 9, 0))
    db.session.add(SearchOutbox(doc_key="item:1", created_at=datetime(2026, 11, 1, 8, 0)))
    db.session.commit()
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()["status"]) == (200, "degraded")
    assert response.get_json()["checks"]["search_outbox"]["ok"] is False


def test_unhealthy_without_a_search_index(client, search_dir):
    (search_dir / "CURRENT").unlink()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["search_index"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_unhealthy_when_migrations_are_behind(app, client):
    ensure_index(Path(app.config["KB_SEARCH_DIR"]))
    with db.engine.begin() as connection:
        real = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        response = client.get("/healthz")
    finally:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :real"), {"real": real})
    assert response.status_code == 503
    migrations = response.get_json()["checks"]["migrations"]
    assert migrations["ok"] is False
    assert migrations["current"] == ["older"]
    assert "flask db upgrade" in migrations["error"]


def test_a_caller_from_elsewhere_learns_only_the_status(app, client):
    ensure_index(Path(app.config["KB_SEARCH_DIR"]))
    elsewhere = {"REMOTE_ADDR": "203.0.113.7"}
    response = client.get("/healthz", environ_base=elsewhere)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    # A wrong token is no better than none.
    wrong = client.get("/healthz", environ_base=elsewhere, headers={"Authorization": "Bearer guess"})
    assert wrong.get_json() == {"status": "ok"}


def test_monitoring_with_the_token_sees_every_check(app, client):
    ensure_index(Path(app.config["KB_SEARCH_DIR"]))
    app.config["KB_HEALTHZ_TOKEN"] = "a-long-monitoring-token"
    response = client.get(
        "/healthz",
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
        headers={"Authorization": "Bearer a-long-monitoring-token"},
    )
    assert response.get_json()["checks"]["database"] == {"ok": True}


def test_an_empty_database_answers_503_naming_what_failed(tmp_path, search_dir):
    """A database with no tables at all (never migrated, or wiped): 503 and the reasons, not a 500."""
    from kb import create_app

    empty = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "KB_SEARCH_DIR": str(search_dir),
            "TESTING": True,
        }
    )
    response = empty.test_client().get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["migrations"] == {
        "ok": False,
        "current": [],
        "head": checks["migrations"]["head"],
        "error": "run `flask db upgrade`",
    }
    assert checks["search_outbox"]["ok"] is False
    assert "search outbox unreadable" in checks["search_outbox"]["error"]
    with empty.app_context():
        db.engine.dispose()
