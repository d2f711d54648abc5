"""The API's rate limit is one count per address shared by every worker and machine (it lives in
the database), exact under concurrent requests, and forgets minutes that have ended."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy import func, select

from kb.api import limits
from kb.api.models import ApiRequestCount
from kb.platform import clock
from kb.platform.extensions import db
from tests.api.conftest import CheckedClient
from tests.conftest import build_test_app

VISITOR = "198.51.100.40"


def from_visitor(api: CheckedClient) -> int:
    return api.get("/api/v1/themes", environ_base={"REMOTE_ADDR": VISITOR}).status_code


def test_two_apps_on_one_database_share_each_address_count(seeded, api, database_url, search_dir, openapi):
    # A second app on the same database stands for another gunicorn worker, or another machine.
    other_app = build_test_app(database_url, search_dir)
    other = CheckedClient(other_app.test_client(), openapi)
    seeded.config["KB_API_RATE_PER_MINUTE"] = other_app.config["KB_API_RATE_PER_MINUTE"] = 4
    clock.freeze(datetime(2026, 11, 28, 10, 0, 50))
    try:
        answers = [from_visitor(client) for client in (api, other, api, other, api, other)]
        assert answers == [200, 200, 200, 200, 429, 429]
        refused = other.get("/api/v1/themes", environ_base={"REMOTE_ADDR": VISITOR})
        assert refused.headers["Retry-After"] == "10"
        assert "4 requests a minute" in refused.get_json()["detail"]
    finally:
        with other_app.app_context():
            db.engine.dispose()


def test_requests_at_the_same_moment_are_each_counted_once(seeded, app):
    clock.freeze(datetime(2026, 11, 28, 10, 0, 0))

    def ask(_: int) -> bool:
        with app.app_context():
            return limits.check(VISITOR, per_minute=25).allowed

    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(ask, range(40)))
    assert verdicts.count(True) == 25
    assert db.session.scalar(select(ApiRequestCount.requests).where(ApiRequestCount.address == VISITOR)) == 40


def test_counts_of_minutes_that_have_ended_are_deleted(seeded, api):
    clock.freeze(datetime(2026, 11, 28, 10, 0, 0))
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        api.get("/api/v1/themes", environ_base={"REMOTE_ADDR": address})
    assert db.session.scalar(select(func.count()).select_from(ApiRequestCount)) == 3
    clock.freeze(datetime(2026, 11, 28, 10, 1, 5))
    api.get("/api/v1/themes", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    rows = db.session.execute(select(ApiRequestCount.address, ApiRequestCount.requests)).all()
    assert rows == [("192.0.2.1", 1)]


def test_the_minute_is_the_same_on_machines_in_any_time_zone(seeded, app, monkeypatch):
    # The window is counted from UTC: two machines set to different zones share each minute.
    import time

    clock.freeze(datetime(2026, 11, 28, 10, 0, 59))
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert limits.check(VISITOR, per_minute=1).allowed
    finally:
        monkeypatch.undo()
        time.tzset()
    refused = limits.check(VISITOR, per_minute=1)
    assert not refused.allowed and refused.retry_after == 1


def durability(connection) -> str:
    if connection.dialect.name == "postgresql":
        return connection.exec_driver_sql("SHOW synchronous_commit").scalar()
    return str(connection.exec_driver_sql("PRAGMA synchronous").scalar())


def test_counting_leaves_the_connection_as_durable_as_it_found_it(app):
    # The count's commit skips waiting for the disk; the pooled connection's next user must not.
    with db.engine.connect() as connection:
        # The safest setting first, whatever this server or SQLite build defaults to.
        postgresql = connection.dialect.name == "postgresql"
        connection.exec_driver_sql("SET synchronous_commit = on" if postgresql else "PRAGMA synchronous = FULL")
        connection.commit()
        with limits._commit_without_waiting_for_the_disk(connection):
            assert durability(connection) in ("off", "1")  # PostgreSQL's "off", SQLite's NORMAL
            connection.commit()
        assert durability(connection) == ("on" if postgresql else "2")
