"""Feed readers ask often: an unchanged feed answers 304 Not Modified. Pages announce their feeds."""

from __future__ import annotations

import re

from kb.collections import service as collections
from tests.factories import category_named, make_item
from tests.feeds.conftest import read_feed


def test_an_unchanged_feed_answers_not_modified_until_something_is_published(client, author, moderator):
    first = client.get("/feeds/latest.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/feeds/latest.atom", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/feeds/latest.atom", headers={"If-Modified-Since": modified}).status_code == 304
    unchanged = client.get("/feeds/latest.atom", headers={"If-None-Match": etag})
    assert unchanged.get_data() == b""

    make_item(author, title="Something new to read", moderator=moderator)
    changed = client.get("/feeds/latest.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Something new to read" in read_feed(client, "/feeds/latest.atom").titles


def head_feeds(html: str) -> list[tuple[str, str]]:
    head = html.split("</head>")[0]
    return re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">', head)


def subscribe_links(html: str) -> list[str]:
    return re.findall(
        r'<a href="([^"]*)" type="application/atom\+xml">Subscribe \(Atom feed\)'
        r'<span class="visually-hidden">: [^<]+</span></a>',
        html,
    )


def test_every_page_with_a_feed_announces_it_and_offers_a_link(client, seeded, author, moderator):
    make_item(author, title="Grants made simple", tags=["grants"], moderator=moderator)
    collection = collections.save(None, "Getting funding right", "", None, by=moderator)
    pages = {
        "/": ("New case studies and lessons on Common Ground", "/feeds/latest.atom"),
        "/case-studies": ("New case studies and lessons on Common Ground", "/feeds/latest.atom"),
        "/themes/funding-it-better": (
            "Funding it better: new case studies and lessons",
            "/feeds/themes/funding-it-better.atom",
        ),
        "/lessons?theme=funding-it-better": (
            "Funding it better: new case studies and lessons",
            "/feeds/themes/funding-it-better.atom",
        ),
        "/case-studies?tag=grants": ("Case studies and lessons tagged “grants”", "/feeds/tags/grants.atom"),
        f"/collections/{collection.id}-{collection.slug}": (
            "Getting funding right: a Common Ground collection",
            f"/feeds/collections/{collection.id}.atom",
        ),
        "/search?q=grants&theme=funding-it-better&sort=newest&page=2": (
            "Search results for “grants” on Common Ground",
            "/feeds/search.atom?q=grants&amp;theme=funding-it-better",
        ),
        "/search": ("Search results on Common Ground", "/feeds/search.atom"),
    }
    for address, (title, feed) in pages.items():
        html = client.get(address).get_data(as_text=True)
        assert head_feeds(html) == [(title, feed)], address
        assert subscribe_links(html) == [feed], address
        assert client.get(feed.replace("&amp;", "&")).status_code == 200


def test_a_board_category_offers_its_feed_only_while_the_board_is_public(client, browser_of, seeded, member):
    reader = browser_of(member)
    assert head_feeds(reader.get("/board/general").get_data(as_text=True)) == []
    seeded.config["KB_BOARD_PUBLIC"] = True
    html = client.get("/board/general").get_data(as_text=True)
    assert head_feeds(html) == [("General: new threads on the Common Ground board", "/feeds/board/general.atom")]
    assert subscribe_links(html) == ["/feeds/board/general.atom"]
    assert category_named("general") is not None
