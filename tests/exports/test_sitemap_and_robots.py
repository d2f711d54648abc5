"""sitemap.xml lists every public page worth indexing, and only those; robots.txt points to it and
keeps crawlers out of the account and moderation areas."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from kb.auth.models import Role
from kb.board import service as board
from kb.collections import service as collections
from kb.library.models import Kind
from tests.conftest import sign_in
from tests.factories import category_named, make_item, make_user

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_of(client) -> dict[str, str | None]:
    """address -> lastmod (or None), read as a crawler reads it."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return {
        url.findtext("s:loc", namespaces=NS): url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


@pytest.fixture
def moderator(seeded):
    return make_user(role=Role.MODERATOR)


def test_the_sitemap_lists_the_public_pages_and_published_items_with_their_dates(client, moderator):
    writer = make_user()
    case_study = make_item(writer, title="One gateway for grants", moderator=moderator)
    lesson = make_item(writer, Kind.LESSON, title="Agree the criteria first", moderator=moderator)
    draft = make_item(writer, title="A draft on pooled budgets", status="draft")
    submitted = make_item(writer, title="Submitted work on pooled budgets", status="submitted")
    collection = collections.save(None, "Starting a partnership", "", None, by=moderator)

    pages = sitemap_of(client)

    for path in (
        "/",
        "/themes",
        "/about",
        "/themes/funding-it-better",
        "/case-studies",
        "/lessons",
        "/collections",
        f"/case-studies/{case_study.id}-{case_study.slug}",
        f"/lessons/{lesson.id}-{lesson.slug}",
        f"/collections/{collection.id}-{collection.slug}",
    ):
        assert f"http://127.0.0.1:5000{path}" in pages, path
    assert pages[f"http://127.0.0.1:5000/case-studies/{case_study.id}-{case_study.slug}"].startswith(
        case_study.published_at.strftime("%Y-%m-%d")
    )
    listed = " ".join(pages)
    assert draft.slug not in listed and submitted.slug not in listed
    assert "/board" not in listed and "/moderation" not in listed and "/account" not in listed


def test_the_sitemap_is_the_same_for_a_moderator(app, client, moderator):
    make_item(make_user(), title="A draft on pooled budgets", status="draft")
    assert sign_in(app.test_client(), moderator).get("/sitemap.xml").data == client.get("/sitemap.xml").data


def test_board_threads_are_listed_only_when_visitors_may_read_the_board(app, client, moderator):
    member = make_user()
    thread = board.start_thread(
        category_named("general"), "How do you run a compact working group?", "Tell us.", by=moderator
    ).thread
    held = board.start_thread(
        category_named("general"), "A first thread waiting for approval", "Hello.", by=member
    ).thread
    assert not held.approved
    assert "/board" not in " ".join(sitemap_of(client))

    app.config["KB_BOARD_PUBLIC"] = True
    listed = sitemap_of(client)
    assert "http://127.0.0.1:5000/board" in listed and "http://127.0.0.1:5000/board/general" in listed
    assert f"http://127.0.0.1:5000/board/t/{thread.id}-{thread.slug}" in listed
    assert listed[f"http://127.0.0.1:5000/board/t/{thread.id}-{thread.slug}"] is not None
    assert held.slug not in " ".join(listed)


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client, seeded):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in lines
    for area in ("/account", "/my/", "/moderation", "/admin", "/login"):
        assert f"Disallow: {area}" in lines
    assert "Disallow: /" not in lines  # the rest of the site stays open
