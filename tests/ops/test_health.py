"""/healthz tells monitoring whether the database, the migrations and the search index are usable."""

from pathlib import Path

from sqlalchemy import text

from kb.extensions import db
from kb.search.store import ensure_index


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
    assert response.headers["Cache-Control"] == "no-store"


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
