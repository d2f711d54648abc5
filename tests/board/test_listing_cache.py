"""The board's listings are kept in memory between requests (kb.board.cache): every kind of write
shows on the next view, and nothing held or hidden leaks through the kept copy."""

import re

import pytest
from sqlalchemy import event

from kb.board import cache, queries
from kb.board.models import BoardCategory
from kb.platform.extensions import db
from tests.board.conftest import category, post, posts_in, start, the_thread


def row_of(page: str, text: str) -> str:
    """The table row that mentions text (a category's or thread's link), with whitespace squeezed."""
    rows = [row for row in page.split("<tr") if text in row]
    assert rows, f"no row mentions {text!r}"
    return " ".join(rows[0].split())


def numbers_in(row: str) -> list[int]:
    return [int(number) for number in re.findall(r'class="numeric">(\d+)</td>', row)]


def board_row(client, slug="general") -> str:
    return row_of(client.get("/board").get_data(as_text=True), f'href="/board/{slug}"')


def thread_row(client, thread, slug="general") -> str:
    return row_of(client.get(f"/board/{slug}").get_data(as_text=True), f"/board/t/{thread.id}-")


@pytest.fixture
def talk(board, people, client_of):
    """Ann's thread in General, read (and so cached) by Ben before each test's write."""
    if cache.current_token() is None:  # each test empties every table, this one included
        db.session.add(cache.BoardVersion(id=cache.THE_ROW, token="start"))
        db.session.commit()
    ann, ben, mod = client_of(people["ann"]), client_of(people["ben"]), client_of(people["mod"])
    start(ann, title="How do you run a compact working group?")
    thread = the_thread()
    ben.get(f"/board/t/{thread.id}-{thread.slug}")
    assert numbers_in(board_row(ben)) == [1, 1]
    assert numbers_in(thread_row(ben, thread)) == [0]
    # Kept: what follows shows each write gets past the kept copy.
    assert {("overview",), ("category", "general", 1)} <= set(board.extensions["kb_board_cache"])
    return thread, ann, ben, mod


@pytest.fixture
def newcomer(board, people, client_of):
    """Cat's client, with pre-moderation on: her posts wait for a moderator."""
    board.config["KB_PREMODERATION_POSTS"] = 3
    return client_of(people["cat"])


def test_a_repeat_view_is_served_from_memory(talk, app):
    _, _, ben, _ = talk
    statements = []

    def record(_connection, _cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        ben.get("/board")
        ben.get("/board/general")
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    listing_queries = [sql for sql in statements if "board_threads" in sql and "board_thread_reads" not in sql]
    assert listing_queries == [], "the counts and rows should come from the kept copy"
    assert ("overview",) in app.extensions["kb_board_cache"]


def test_a_new_reply_shows_at_once_in_counts_latest_poster_and_unread_marks(talk):
    thread, ann, ben, _ = talk
    post(ann, f"/board/t/{thread.id}/reply", {"body": "And another thing."})
    assert numbers_in(board_row(ben)) == [1, 2]
    row = thread_row(ben, thread)
    assert numbers_in(row) == [1] and "New posts" in row and "Ann Author" in row


def test_approving_a_held_reply_shows_it_at_once(talk, newcomer):
    thread, _, ben, mod = talk
    cat = newcomer
    post(cat, f"/board/t/{thread.id}/reply", {"body": "My first post, waiting."})
    held = posts_in(thread)[-1]
    # Held: counted for nobody, the author included, and no new-posts mark.
    assert numbers_in(board_row(ben)) == [1, 1] and numbers_in(board_row(cat)) == [1, 1]
    assert numbers_in(thread_row(ben, thread)) == [0] and "New posts" not in thread_row(ben, thread)
    post(mod, f"/board/p/{held.id}/approve")
    assert numbers_in(board_row(ben)) == [1, 2]
    row = thread_row(ben, thread)
    assert numbers_in(row) == [1] and "Cat Member" in row and "New posts" in row


def test_a_held_new_thread_stays_off_the_listings_until_approved(talk, newcomer):
    _, _, ben, mod = talk
    start(newcomer, title="A thread that waits for a moderator")
    waiting = the_thread("A thread that waits for a moderator")
    assert "A thread that waits" not in ben.get("/board/general").get_data(as_text=True)
    assert "A thread that waits" not in ben.get("/board").get_data(as_text=True)
    assert numbers_in(board_row(ben)) == [1, 1]
    post(mod, f"/board/p/{posts_in(waiting)[0].id}/approve")
    assert "A thread that waits" in ben.get("/board/general").get_data(as_text=True)
    assert numbers_in(board_row(ben)) == [2, 2] and "A thread that waits" in board_row(ben)


def test_hiding_a_post_takes_it_out_of_the_counts_at_once(talk):
    thread, ann, ben, mod = talk
    post(ann, f"/board/t/{thread.id}/reply", {"body": "Something regrettable."})
    assert numbers_in(thread_row(ben, thread)) == [1]
    post(mod, f"/board/p/{posts_in(thread)[-1].id}/hide", {"reason": "Rude"})
    assert numbers_in(board_row(ben)) == [1, 1]
    assert numbers_in(thread_row(ben, thread)) == [0]


def test_moving_a_thread_moves_it_on_both_listings_at_once(talk):
    thread, _, ben, mod = talk
    assert numbers_in(board_row(ben, "funding-it-better")) == [0, 0]
    ben.get("/board/funding-it-better")
    post(mod, f"/board/t/{thread.id}/move", {"category": "funding-it-better"})
    assert "compact working group" not in ben.get("/board/general").get_data(as_text=True)
    assert "compact working group" in ben.get("/board/funding-it-better").get_data(as_text=True)
    assert numbers_in(board_row(ben)) == [0, 0]
    assert numbers_in(board_row(ben, "funding-it-better")) == [1, 1]


def test_renaming_a_category_shows_the_new_name_at_once(talk):
    _, _, ben, mod = talk
    general = category("general")
    post(
        mod,
        f"/moderation/board/categories/{general.id}",
        {"title": "Open discussion", "description": "Anything about partnerships"},
    )
    assert "Open discussion" in board_row(ben) and "Anything about partnerships" in board_row(ben)
    page = ben.get("/board/general").get_data(as_text=True)
    assert "<h1>Open discussion</h1>" in page and "Anything about partnerships" in page


def test_a_member_changing_their_name_shows_on_the_listings_at_once(talk, people):
    thread, _, ben, _ = talk
    people["ann"].display_name = "Ann Newname"
    db.session.commit()
    assert "Ann Newname" in thread_row(ben, thread) and "Ann Newname" in board_row(ben)


def test_what_a_rolled_back_transaction_computed_is_never_served(talk):
    _, _, ben, _ = talk
    general = category("general")
    before = cache.current_token()
    general.title = "Never committed"
    db.session.flush()
    # Computed and kept inside the transaction, under its own token...
    assert any(summary.category.title == "Never committed" for summary in queries.overview())
    assert cache.current_token() != before
    db.session.rollback()
    # ...which goes away with it.
    assert cache.current_token() == before
    assert "Never committed" not in ben.get("/board").get_data(as_text=True)
    assert db.session.get(BoardCategory, general.id).title != "Never committed"
