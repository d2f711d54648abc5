"""Board categories and collections as Atom: only what a visitor who is not signed in may read."""

from __future__ import annotations

import pytest

from kb.board import moderation
from kb.board import service as board
from kb.collections import service as collections
from kb.library import service as library
from tests.factories import category_named, make_item, make_user
from tests.feeds.conftest import read_feed


@pytest.fixture
def public_board(seeded):
    seeded.config["KB_BOARD_PUBLIC"] = True
    return seeded


def test_board_feeds_exist_only_while_the_board_is_public(client, browser_of, member, moderator):
    board.start_thread(category_named("general"), "Members talking qzmemberszq", "Among ourselves.", by=member)
    for reader in (client, browser_of(member), browser_of(moderator)):
        assert reader.get("/feeds/board/general.atom").status_code == 404


def test_a_category_feed_holds_its_threads_as_visitors_see_them(client, browser_of, public_board, member, moderator):
    general = category_named("general")
    visible = board.start_thread(general, "How do you run a compact group?", "We meet **monthly**.", by=member)
    board.reply(visible.thread, "A reply qzreplyzq stays on the thread page.", by=moderator)
    hidden = board.start_thread(general, "A thread whose opening was hidden", "Rude qzhiddenzq", by=member)
    moderation.hide_post(hidden, by=moderator, reason="Not civil.")
    newcomer = make_user(display_name="New Member")  # a first post waits for a moderator
    held = board.start_thread(general, "Held thread qzheldzq", "Waiting qzheldbodyzq", by=newcomer)
    assert not held.thread.approved
    board.start_thread(category_named("funding-it-better"), "About money instead", "Elsewhere.", by=member)

    for reader in (client, browser_of(moderator), browser_of(newcomer)):
        feed = read_feed(reader, "/feeds/board/general.atom")
        assert feed.titles == ["A thread whose opening was hidden", "How do you run a compact group?"]
        for word in ("qzhiddenzq", "qzheldzq", "qzheldbodyzq", "qzreplyzq"):
            assert word not in feed.text
    entry = feed.entry("How do you run a compact group?")
    assert entry.id == f"http://127.0.0.1:5000/board/t/{visible.thread.id}"
    assert entry.link == f"http://127.0.0.1:5000/board/t/{visible.thread.id}-{visible.thread.slug}"
    assert entry.author == "Mina Member" and "<strong>monthly</strong>" in entry.content[0].value
    assert feed.entry("A thread whose opening was hidden").summary == "The opening post is not shown."
    assert feed.parsed.feed.title == "General: new threads on the Common Ground board"
    assert client.get("/feeds/board/no-such-category.atom").status_code == 404


def test_a_collection_feed_lists_what_its_page_shows_a_visitor(client, browser_of, author, member, moderator):
    kept = make_item(author, title="The Suffolk gateway", moderator=moderator)
    later_archived = make_item(author, title="An older guide", moderator=moderator)
    thread = board.start_thread(category_named("general"), "Members-only talk qzthreadzq", "Hello.", by=member).thread
    collection = collections.save(None, "Getting funding right", "Start here.", None, by=moderator)
    collections.add_entry(collection, f"/case-studies/{kept.id}", "The classic.", by=moderator)
    collections.add_entry(collection, f"/case-studies/{later_archived.id}", "", by=moderator)
    collections.add_entry(collection, f"/board/t/{thread.id}", "A good discussion.", by=moderator)
    collections.add_entry(
        collection, "https://example.org/fcr", "Outside guidance.", by=moderator, title="Full cost recovery guide"
    )
    library.archive(later_archived, by=moderator, reason="Out of date.")

    for reader in (client, browser_of(moderator)):
        feed = read_feed(reader, f"/feeds/collections/{collection.id}.atom")
        # The board is for members: its threads stay out of a feed anyone can read.
        assert feed.titles == ["The Suffolk gateway", "An older guide (archived)", "Full cost recovery guide"]
        assert "qzthreadzq" not in feed.text
    assert feed.parsed.feed.title == "Getting funding right: a Common Ground collection"
    assert feed.entry("The Suffolk gateway").summary == "The classic."
    outside = feed.entry("Full cost recovery guide")
    assert outside.link == "https://example.org/fcr" and outside.summary == "Outside guidance."
    assert outside.id == f"http://127.0.0.1:5000/collections/{collection.id}#entry-{collection.entries[3].id}"
    assert client.get("/feeds/collections/999999.atom").status_code == 404
    assert client.get("/feeds/collections/99999999999999999999.atom").status_code == 404


def test_a_collection_feed_shows_its_threads_when_the_board_is_public(client, public_board, member, moderator):
    thread = board.start_thread(
        category_named("general"), "An open discussion", "Everyone may read this.", by=member
    ).thread
    collection = collections.save(None, "Open discussions", "", None, by=moderator)
    collections.add_entry(collection, f"/board/t/{thread.id}", "", by=moderator)
    entry = read_feed(client, f"/feeds/collections/{collection.id}.atom").entry("An open discussion")
    assert entry.summary == "Everyone may read this."
