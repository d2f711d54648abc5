"""Meaning beside the PostgreSQL search backend: its drain and its rebuild (one transaction, nothing
committed until the new index is whole) keep the vectors too, and /describe finds by them."""

import pytest
from sqlalchemy import func, select, text

from kb.meaning.models import REMOVED, DocumentVector
from kb.platform import clock
from kb.platform.extensions import db
from kb.search import service as search
from tests.conftest import build_test_app, tear_down
from tests.factories import make_user
from tests.meaning.test_meaning import BEEKEEPING, BEES_BODY, described, publish


@pytest.fixture
def app(database_url, search_dir):
    if not database_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL search backend needs a PostgreSQL database")
    app = build_test_app(database_url, search_dir, "postgres")
    with app.app_context():
        yield app
        tear_down(app)
    clock.freeze(None)


def live_vectors() -> int:
    return db.session.scalar(
        select(func.count()).select_from(DocumentVector).where(DocumentVector.visibility != REMOVED)
    )


def test_the_drain_and_the_rebuild_keep_the_vectors_with_the_postgres_index(seeded, client):
    search.drain()
    item = publish(make_user(display_name="Author"), BEEKEEPING, BEES_BODY)
    assert BEEKEEPING in described(client, "looking after bees and hives")
    indexed = db.session.scalar(text("SELECT count(*) FROM search_documents"))
    assert live_vectors() == indexed

    db.session.execute(text("DELETE FROM search_documents"))
    db.session.execute(DocumentVector.__table__.delete())
    db.session.commit()
    assert search.rebuild() == indexed
    assert db.session.scalar(text("SELECT count(*) FROM search_documents")) == indexed
    assert live_vectors() == indexed
    assert BEEKEEPING in described(client, "looking after bees and hives")

    db.session.delete(item)
    db.session.commit()
    search.drain()
    assert live_vectors() == indexed - 1
    assert BEEKEEPING not in described(client, "looking after bees and hives")
