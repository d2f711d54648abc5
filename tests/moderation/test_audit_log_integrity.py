"""The audit log is append-only in the database too (on SQLite and PostgreSQL), and the ordered
lists moderators curate (featured items, collections, reading lists) are written to it, removals
saying what was removed."""

import pytest
from flask_migrate import downgrade, upgrade
from markupsafe import escape
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from kb.auth.models import Role
from kb.collections import service as collections
from kb.collections.models import CollectionEntry
from kb.library import featuring
from kb.library.models import FeaturedItem
from kb.platform import audit
from kb.platform.audit import AuditEntry
from kb.platform.extensions import db
from kb.themes.models import Theme, ThemeResource
from tests.factories import make_item, make_user
from tests.library.conftest import post
from tests.moderation.test_audit_log import logged_in

REFUSED = "audit log entries can be added, never changed or removed"


@pytest.fixture
def author(seeded):
    return make_user(display_name="Asha Author")


@pytest.fixture
def moderator(seeded):
    return make_user(display_name="Mo Moderator", role=Role.MODERATOR)


def an_entry() -> AuditEntry:
    entry = audit.record(make_user(role=Role.MODERATOR), "hide post", "board post", 7, "A thread", "Rude")
    db.session.commit()
    return entry


def run(statement: str, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(statement), values)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET reason = 'Nothing happened' WHERE id = :id",
        "UPDATE audit_log SET actor_id = NULL, actor_name = 'Someone else' WHERE id = :id",
        "DELETE FROM audit_log WHERE id = :id",
        "DELETE FROM audit_log",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_audit_entry(app, statement):
    entry = an_entry()
    with pytest.raises(DBAPIError, match=REFUSED):
        run(statement, id=entry.id)
    db.session.expire_all()
    kept = db.session.get(AuditEntry, entry.id)
    assert kept.reason == "Rude" and kept.actor_name != "Someone else"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


def test_removing_an_account_keeps_its_entries(app):
    entry = an_entry()
    name = entry.actor_name
    run("DELETE FROM users WHERE id = :id", id=entry.actor_id)  # the foreign key sets actor_id to NULL
    db.session.expire_all()
    kept = db.session.get(AuditEntry, entry.id)
    assert kept.actor_id is None and kept.actor_name == name and kept.reason == "Rude"


def test_the_migration_goes_down_and_up_again(app):
    entry = an_entry()
    try:
        downgrade(revision="0012")
        run("UPDATE audit_log SET reason = 'Allowed without the triggers' WHERE id = :id", id=entry.id)
    finally:
        upgrade()
    with pytest.raises(DBAPIError, match=REFUSED):
        run("DELETE FROM audit_log WHERE id = :id", id=entry.id)


def log_page(client) -> str:
    return client.get("/moderation/log").get_data(as_text=True)


def test_reordering_featured_items_is_logged_and_a_removal_says_what_it_was(seeded, author, moderator):
    first = make_item(author, title="First featured story")
    second = make_item(author, title="Second featured story")
    for item in (first, second):
        featuring.feature(item, None, moderator)
    client = logged_in(seeded, moderator)
    lower = db.session.scalar(select(FeaturedItem.id).where(FeaturedItem.item_id == second.id))
    post(client, f"/moderation/featured/{lower}/move", {"direction": "up"})
    post(client, f"/moderation/featured/{lower}/remove")
    assert db.session.get(FeaturedItem, lower) is None
    page = log_page(client)
    assert "Reorder featured items" in page and "moved up on the home page" in page
    assert "Unfeature" in page and "removed “Second featured story” from the home page" in page


def test_reordering_a_collection_is_logged_and_a_removal_says_what_it_was(seeded, author, moderator):
    item = make_item(author, title="The Suffolk gateway")
    collection = collections.save(None, "Getting funding right", "", None, moderator)
    collections.add_entry(collection, f"/case-studies/{item.id}", "", moderator)
    collections.add_entry(collection, "https://example.org/fcr", "", moderator, title="Full cost recovery guide")
    guide = db.session.scalar(select(CollectionEntry).where(CollectionEntry.external_title.is_not(None)))
    client = logged_in(seeded, moderator)
    post(client, f"/collections/entries/{guide.id}/move", {"direction": "up"})
    suffolk = db.session.scalar(select(CollectionEntry.id).where(CollectionEntry.item_id == item.id))
    post(client, f"/collections/entries/{suffolk}/remove")
    assert db.session.get(CollectionEntry, suffolk) is None
    page = log_page(client)
    assert "Reorder collection" in page and "moved “Full cost recovery guide” (https://example.org/fcr) up" in page
    assert "Remove from collection" in page
    assert f"removed case study “The Suffolk gateway” (/case-studies/{item.id})" in page


def test_reordering_a_reading_list_is_logged(seeded, moderator):
    theme = db.session.scalar(select(Theme).where(Theme.slug == "funding-it-better"))
    second = db.session.scalars(
        select(ThemeResource).where(ThemeResource.theme_id == theme.id).order_by(ThemeResource.position)
    ).all()[1]
    client = logged_in(seeded, moderator)
    post(client, f"/moderation/resources/{second.id}/up")
    page = log_page(client)
    assert "Reorder reading list" in page and f"moved up on {theme.title}" in page and str(escape(second.title)) in page
