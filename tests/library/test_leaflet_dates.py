"""The leaflet's own case studies and lessons are dated by the leaflet (issue 24, honest time): "from
the 2004 checklist" in lists and pages, 2004 in search's year facet and the API, never the day the
site was set up; the seed's internal tags are not shown on them."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from kb import create_app
from kb.app.seeding import load_seed
from kb.library.models import LibraryItem
from kb.platform.extensions import db
from kb.search import service as search
from tests.conftest import SEED_DIR


def leaflet_case_study() -> LibraryItem:
    return db.session.scalar(select(LibraryItem).where(LibraryItem.seed_key == "leaflet-case-study-3"))


def test_the_leaflets_items_read_as_from_the_2004_checklist(seeded, client):
    item = leaflet_case_study()
    assert item.published_at.year == 2004 and item.tags == []
    page = client.get(item.path()).get_data(as_text=True)
    assert "In the 2004 checklist" in page and "leaflet case study" not in page
    listing = client.get("/case-studies").get_data(as_text=True)
    assert "From the 2004 checklist" in listing and "Published 5 December 2026" not in listing
    api = client.get(f"/api/v1/case-studies/{item.id}").get_json()
    assert api["published_at"].startswith("2004-")
    search.drain()
    facets = client.get("/search.json?q=partnership").get_json()["facets"]
    assert [year["value"] for year in facets["year"]] == ["2004"]
    assert facets["tag"] == []  # the seed's own tags are gone


def test_a_site_seeded_before_is_dated_and_untagged_by_the_migration(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade()
        load_seed(SEED_DIR)
        item_id = leaflet_case_study().id
        db.session.remove()
        downgrade(revision="0031")
        with db.engine.begin() as connection:  # as the seed left it before: today's date and a tag
            connection.execute(text("UPDATE library_items SET published_at = '2026-12-05 09:00:00'"))
            connection.execute(text("INSERT INTO tags (name) VALUES ('leaflet case study')"))
            connection.execute(
                text(
                    "INSERT INTO library_item_tags (item_id, tag_id) "
                    "SELECT :item, id FROM tags WHERE name = 'leaflet case study'"
                ),
                {"item": item_id},
            )
            connection.execute(text("DELETE FROM search_outbox"))
        upgrade()
        item = db.session.get(LibraryItem, item_id)
        assert item.published_at.year == 2004 and item.tags == []
        assert db.session.scalar(text("SELECT COUNT(*) FROM tags WHERE name = 'leaflet case study'")) == 0
        queued = set(db.session.scalars(text("SELECT doc_key FROM search_outbox")))
        assert f"library_item:{item_id}" in queued
        db.session.remove()
        db.engine.dispose()
