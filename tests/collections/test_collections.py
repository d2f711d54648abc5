"""Collections: moderators make ordered reading lists of published items, board threads and outside
resources; an item archived later shows as archived instead of vanishing."""

import re

from kb.board import service as board
from kb.board.queries import category_by_slug
from kb.collections.models import Collection
from kb.library import service as library
from kb.platform.extensions import db
from tests.factories import make_item
from tests.library.conftest import post


def collection_page(client, collection) -> str:
    return client.get(f"/collections/{collection.id}-{collection.slug}").get_data(as_text=True)


def entries(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title).strip()
        for title in re.findall(r'<h2 class="item-card__title">(.*?)</h2>', page, re.S)
    ]


def test_a_moderator_builds_an_ordered_collection_for_a_theme(client, browser_of, author, moderator):
    case_study = make_item(author, title="The Suffolk gateway", theme_slugs=["funding-it-better"])
    draft = make_item(author, status="draft", title="Not published yet")
    thread = board.start_thread(category_by_slug("general"), "Pricing full cost recovery", "How?", by=moderator).thread
    reviewer = browser_of(moderator)
    response = post(reviewer, "/collections/new", {"title": "Hm"})
    assert response.status_code == 422 and "3 to 150 characters" in response.get_data(as_text=True)
    post(
        reviewer,
        "/collections/new",
        {"title": "Getting funding right", "introduction": "Start here.", "theme": "funding-it-better"},
    )
    collection = db.session.query(Collection).one()
    base = f"/collections/{collection.id}/entries"
    post(reviewer, base, {"address": f"http://localhost/case-studies/{case_study.id}-x", "note": "The classic."})
    post(reviewer, base, {"address": f"/board/t/{thread.id}-{thread.slug}"})
    post(reviewer, base, {"address": "https://example.org/fcr", "title": "Full cost recovery guide"})
    refused = post(reviewer, base, {"address": f"/case-studies/{draft.id}"})
    assert "Only published case studies and lessons" in reviewer.get(refused.headers["Location"]).get_data(as_text=True)
    refused = post(reviewer, base, {"address": "https://example.org/untitled"})
    assert "Give the external resource a title" in reviewer.get(refused.headers["Location"]).get_data(as_text=True)

    page = collection_page(client, collection)
    # The board is for members: a visitor is told a discussion is there, not what it is called.
    assert entries(page) == ["The Suffolk gateway", "Log in to read this discussion", "Full cost recovery guide"]
    assert "The classic." in page and "members only" in page and "Pricing full cost recovery" not in page
    assert entries(collection_page(reviewer, collection))[1] == "Pricing full cost recovery"
    third = db.session.get(Collection, collection.id).entries[2]
    post(reviewer, f"/collections/entries/{third.id}/move", {"direction": "up"})
    assert entries(collection_page(reviewer, collection))[1] == "Full cost recovery guide"
    assert "Getting funding right" in client.get("/themes/funding-it-better").get_data(as_text=True)
    assert "Getting funding right" in client.get("/collections").get_data(as_text=True)

    # Archived later: still listed, marked as archived.
    library.archive(db.session.get(type(case_study), case_study.id), moderator, "Out of date")
    page = collection_page(client, collection)
    assert "The Suffolk gateway" in page and "Archived" in page


def test_only_moderators_make_collections(browser_of, author, client):
    assert browser_of(author).get("/collections/new").status_code == 403
    assert post(browser_of(author), "/collections/new", {"title": "Mine now"}).status_code == 403
    assert client.get("/collections/new").status_code == 302
    assert db.session.query(Collection).count() == 0
