"""Meeting packs: a theme's or a collection's pack holds the checklist and each public item in full,
with a contents list and each item's whole address; nothing that is not public."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from kb.auth.models import Role
from kb.board import service as board
from kb.collections import service as collections
from kb.library import service as library
from kb.library.models import Kind
from kb.themes.service import get_theme
from tests.conftest import sign_in
from tests.factories import category_named, make_item, make_user


@pytest.fixture
def moderator(seeded):
    return make_user(role=Role.MODERATOR, display_name="Mo Moderator")


@pytest.fixture
def writer(seeded):
    return make_user(display_name="Wren Writer")


def text_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def printed_items(html: str) -> list[str]:
    """The titles of the items printed in full, in order."""
    return re.findall(
        r'<article class="pack-page pack-item"[^>]*>.*?<h2 id="item-\d+-heading">([^<]+)</h2>', html, re.S
    )


def test_a_theme_pack_holds_the_checklist_then_each_published_item_in_full(client, writer):
    case_study = make_item(
        writer,
        title="One gateway for grants",
        theme_slugs=["funding-it-better"],
        body="## Outcomes\n\nGrants decided in three weeks.",
    )
    lesson = make_item(
        writer,
        Kind.LESSON,
        title="Agree the criteria before the money",
        theme_slugs=["funding-it-better"],
        body="Shared criteria made decisions quick.",
    )
    make_item(writer, title="A draft on pooled budgets", theme_slugs=["funding-it-better"], status="draft")
    make_item(writer, title="Elsewhere: joint training", theme_slugs=["improving-understanding"])

    html = text_of(client.get("/themes/funding-it-better/pack"))

    theme = get_theme("funding-it-better")
    assert escape(theme.aim) in html
    assert all(escape(pair.do_text) in html and escape(pair.dont_text) in html for pair in theme.checklist)
    assert all(escape(action.action) in html for action in theme.supporting_actions)
    titles = printed_items(html)
    assert titles[:1] == ["One gateway for grants"] and "Agree the criteria before the money" in titles
    assert "A draft on pooled budgets" not in html and "Elsewhere: joint training" not in html
    assert "Grants decided in three weeks." in html and "Shared criteria made decisions quick." in html
    contents = html[html.index('id="contents-heading"') : html.index('class="pack-page')]
    for item in (case_study, lesson):
        assert f'href="#item-{item.id}"' in contents
        prefix = "case-studies" if item.kind == "case study" else "lessons"
        address = f"http://127.0.0.1:5000/{prefix}/{item.id}-{item.slug}"
        assert contents.count(address) == 1 and html.count(address) == 2  # in the contents and on its page


def test_the_theme_and_collection_pages_link_to_their_packs(client, moderator, writer):
    assert 'href="/themes/joining-up-policy/pack"' in text_of(client.get("/themes/joining-up-policy"))
    collection = collections.save(None, "Starting a partnership", "Where to begin.", None, by=moderator)
    page = f"/collections/{collection.id}-{collection.slug}"
    assert "/pack" not in text_of(client.get(page))  # nothing to print yet
    collections.add_entry(collection, f"/case-studies/{make_item(writer).id}", "", by=moderator)
    assert f'href="/collections/{collection.id}/pack"' in text_of(client.get(page))


def test_a_collection_pack_keeps_the_order_and_shows_only_what_the_reader_may_see(app, client, moderator, writer):
    first = make_item(writer, title="Joint training for councillors")
    second = make_item(writer, Kind.LESSON, title="Train together, early", theme_slugs=["improving-understanding"])
    later_archived = make_item(writer, title="The old compact, since replaced")
    thread = board.start_thread(
        category_named("general"), "How do you run a compact working group?", "Tell us.", by=moderator
    ).thread
    collection = collections.save(
        None, "Starting a partnership", "Where to begin.", get_theme("improving-understanding"), by=moderator
    )
    for item, note in ((second, "Read this first."), (first, "The fuller story."), (later_archived, "")):
        collections.add_entry(
            collection, f"/{'lessons' if item.kind == 'lesson' else 'case-studies'}/{item.id}", note, by=moderator
        )
    collections.add_entry(collection, f"/board/t/{thread.id}", "A good discussion.", by=moderator)
    collections.add_entry(
        collection, "https://example.org/guide", "Outside guidance.", by=moderator, title="A guide from elsewhere"
    )
    library.archive(later_archived, by=moderator, reason="Out of date.")

    html = text_of(client.get(f"/collections/{collection.id}/pack"))
    assert printed_items(html) == [
        "Train together, early",
        "Joint training for councillors",
        "The old compact, since replaced",
    ]
    assert "Archived: it may be out of date" in html and "Read this first." in html
    assert escape(get_theme("improving-understanding").aim) in html  # the collection's theme's checklist
    assert "https://example.org/guide" in html and "A guide from elsewhere" in html
    # The board is for members: a visitor learns only that a discussion is there.
    assert "How do you run a compact working group?" not in html
    assert f"http://127.0.0.1:5000/board/t/{thread.id}" in html
    member_view = text_of(sign_in(app.test_client(), writer).get(f"/collections/{collection.id}/pack"))
    assert "How do you run a compact working group?" in member_view


@pytest.mark.parametrize(
    "url",
    [
        "/themes/no-such-theme/pack",
        "/themes/a%00b/pack",
        "/collections/999999/pack",
        "/collections/99999999999999999999999/pack",
        "/collections/abc/pack",
    ],
)
def test_unknown_themes_and_collections_are_not_found(client, seeded, url):
    assert client.get(url).status_code == 404
