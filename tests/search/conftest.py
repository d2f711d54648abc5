"""Search fixtures: library items put through the real workflow and the real outbox.

Every test here runs once per search backend: Whoosh on each database, and PostgreSQL full-text
when the database is PostgreSQL (KB_TEST_POSTGRES_URL); on SQLite the postgres case is skipped,
since the app refuses to start that way (tests/search/test_backends.py checks that it does)."""

import pytest
from flask import current_app
from sqlalchemy import select

from kb.auth.models import Role
from kb.library.models import Kind, LibraryItem
from kb.platform import features
from kb.platform.extensions import db
from kb.search import service as search
from tests.conftest import build_test_app, tear_down
from tests.factories import make_item, make_user


@pytest.fixture(params=["whoosh", "postgres"])
def search_backend(request, database_url) -> str:
    if request.param == "postgres" and not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL database")
    return request.param


@pytest.fixture
def app(database_url, search_dir, search_backend):
    """The app of tests/conftest.py, with the search backend of this run."""
    from kb.platform import clock

    app = build_test_app(database_url, search_dir, search_backend)
    with app.app_context():
        yield app
        tear_down(app)
    clock.freeze(None)


@pytest.fixture
def themes_only(seeded, monkeypatch):
    """The five themes with nothing of the leaflet's in the index (neither its case studies nor its
    checklist, which tests/search/test_checklist.py searches), so each test controls what is indexed."""
    app = current_app._get_current_object()
    monkeypatch.setitem(app.extensions, features.EXTENSION, features.changed(app, "themes", search_documents=()))
    for item in db.session.scalars(select(LibraryItem)):
        db.session.delete(item)
    db.session.commit()
    search.drain()


@pytest.fixture
def people(app):
    return {"author": make_user(display_name="Author"), "moderator": make_user(role=Role.MODERATOR)}


@pytest.fixture
def publish(people):
    """publish(title=..., body=..., **fields): a published item, indexed as a request would index it."""

    def make(title, body="", kind=Kind.CASE_STUDY, status="published", **changes):
        # Only the words given: no region, sector or summary words of the factory's own to be found.
        values = {
            "title": title,
            "body": body or title,
            "theme_slugs": ["improving-understanding"],
            "summary": title if kind == Kind.CASE_STUDY else "",
            "region": None,
            "sectors": [],
            **changes,
        }
        item = make_item(people["author"], kind, status, people["moderator"], **values)
        search.drain()
        return item

    return make


def results(client, query_string: str) -> dict:
    response = client.get(f"/search.json?{query_string}")
    assert response.status_code == 200
    return response.get_json()


def titles(client, query_string: str) -> list[str]:
    return [hit["title"] for hit in results(client, query_string)["results"]]
