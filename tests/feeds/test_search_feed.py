"""Any search as a feed: a saved search that comes to the reader, with only what visitors may find."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.board import service as board
from kb.library.models import Kind, Status
from kb.platform import clock
from kb.platform.extensions import db
from kb.search import service as search
from kb.search.documents import PUBLIC
from tests.factories import category_named, make_item
from tests.feeds.conftest import read_feed


def test_a_search_feed_holds_the_newest_published_matches(client, browser_of, author, moderator):
    clock.freeze(datetime(2026, 4, 1, 9, 0))
    make_item(author, title="Pooled budgets for youth work", theme_slugs=["funding-it-better"], moderator=moderator)
    clock.freeze(datetime(2026, 4, 2, 9, 0))
    make_item(
        author,
        kind=Kind.LESSON,
        title="Pooled budgets need one accountable body",
        theme_slugs=["joining-up-policy"],
        moderator=moderator,
    )
    clock.freeze(None)
    make_item(author, status="draft", title="Pooled budgets draft qzdraftzq")
    make_item(author, status="submitted", title="Pooled budgets submitted qzsubmittedzq")
    search.drain()

    # A moderator asking for unpublished items on the search page still gets a visitor's feed.
    for reader in (client, browser_of(moderator)):
        feed = read_feed(reader, "/feeds/search.atom?q=pooled+budgets&unpublished=1")
        assert feed.titles == ["Pooled budgets need one accountable body", "Pooled budgets for youth work"]
        assert "qzdraftzq" not in feed.text and "qzsubmittedzq" not in feed.text
    assert feed.parsed.feed.title == "Search results for “pooled budgets” on Common Ground"
    assert feed.parsed.feed.link == "http://127.0.0.1:5000/search?q=pooled+budgets"

    themed = read_feed(client, "/feeds/search.atom?q=pooled&theme=funding-it-better")
    assert themed.titles == ["Pooled budgets for youth work"]
    assert themed.parsed.feed.link == "http://127.0.0.1:5000/search?q=pooled&theme=funding-it-better"


def test_the_feed_reads_items_again_so_a_lagging_index_cannot_leak(client, author, moderator):
    item = make_item(author, title="Withdrawn after indexing", moderator=moderator)
    search.drain()
    # Changed in the database, with the index not yet told (its outbox row is still waiting).
    item.status = Status.DRAFT.value
    db.session.commit()
    lagging = search.search(search.SearchRequest(parsed=search.parse("withdrawn"), visibilities={PUBLIC}))
    assert [hit.fields["title"] for hit in lagging.hits] == ["Withdrawn after indexing"]
    assert read_feed(client, "/feeds/search.atom?q=withdrawn").titles == []


def test_board_threads_are_in_a_search_feed_only_while_the_board_is_public(client, seeded, member):
    board.start_thread(category_named("general"), "Volunteers and pooled budgets", "Talk.", by=member)
    search.drain()
    assert read_feed(client, "/feeds/search.atom?q=volunteers").titles == []
    seeded.config["KB_BOARD_PUBLIC"] = True
    assert read_feed(client, "/feeds/search.atom?q=volunteers").titles == ["Volunteers and pooled budgets"]


@pytest.mark.parametrize(
    "query",
    [
        "q=%01%02%0b%1b",
        "q=%00",
        "q=" + "x" * 10_000,
        "q=<script>alert(1)</script>&theme=%3Cb%3E",
        'q="unclosed&sort=newest',
        "q=OR+-+*",
        "year=-1&tag=%F0%9F%A6%86",
        "q=a&q=b",
        "_external=1&endpoint=x",
    ],
)
def test_odd_searches_give_a_valid_feed(client, seeded, query):
    feed = read_feed(client, f"/feeds/search.atom?{query}")
    assert "<script>" not in feed.text


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(words=st.text(max_size=80), tag=st.text(min_size=1, max_size=50))
def test_any_words_or_tag_name_give_a_valid_feed_or_not_found(client, seeded, words, tag):
    # Control characters XML cannot carry at all are dropped from the feed's title, not sent to break it.
    read_feed(client, "/feeds/search.atom?" + urlencode({"q": words}))
    # 308: a tag name starting with "/" makes a doubled slash, which the router merges by redirecting.
    assert client.get(f"/feeds/tags/{quote(tag, safe='')}.atom").status_code in (200, 301, 308, 404)
