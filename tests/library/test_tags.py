"""Moderators rename and merge tags: items keep their tagging, old tag addresses redirect, and
search follows."""

from kb.library.models import LibraryItem, Tag
from kb.platform.extensions import db
from kb.search import service as search
from tests.factories import make_item
from tests.library.conftest import post
from tests.search.conftest import results


def tag_names(item) -> list[str]:
    return [tag.name for tag in db.session.get(LibraryItem, item.id).tags]


def tag_id(name: str) -> int:
    return db.session.query(Tag).filter_by(name=name).one().id


def test_renaming_a_tag_keeps_the_tagging_and_redirects_the_old_address(client, browser_of, author, moderator):
    item = make_item(author, title="Tagged with a typo", tags=["procurment"])
    reviewer = browser_of(moderator)
    assert "procurment" in reviewer.get("/moderation/tags").get_data(as_text=True)
    post(reviewer, f"/moderation/tags/{tag_id('procurment')}", {"name": "Procurement "})
    assert tag_names(item) == ["procurement"]
    response = client.get("/case-studies?tag=procurment&region=London")
    assert response.status_code == 301
    assert response.headers["Location"] == "/case-studies?tag=procurement&region=London"
    search.drain()
    assert [hit["title"] for hit in results(client, "tag=procurement")["results"]] == ["Tagged with a typo"]
    assert "Rename tag" in reviewer.get("/moderation/log").get_data(as_text=True)


def test_merging_two_tags_leaves_each_item_with_one(client, browser_of, author, moderator):
    both = make_item(author, title="Has both tags", tags=["grants", "grant"])
    one = make_item(author, title="Has the odd one", tags=["grant"])
    reviewer = browser_of(moderator)
    response = post(reviewer, f"/moderation/tags/{tag_id('grant')}", {"name": "grants"})
    assert "Merged “grant” into “grants” on 2 items" in reviewer.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert tag_names(both) == ["grants"] and tag_names(one) == ["grants"]
    assert db.session.query(Tag).filter_by(name="grant").count() == 0
    assert client.get("/lessons?tag=grant").headers["Location"] == "/lessons?tag=grants"


def test_renaming_needs_a_moderator_and_a_usable_name(browser_of, author, moderator):
    make_item(author, tags=["housing"])
    assert post(browser_of(author), f"/moderation/tags/{tag_id('housing')}", {"name": "homes"}).status_code == 403
    reviewer = browser_of(moderator)
    for name, message in (
        ("", "Enter the new name"),
        ("x" * 41, "at most 40 characters"),
        ("housing", "already its name"),
    ):
        response = post(reviewer, f"/moderation/tags/{tag_id('housing')}", {"name": name})
        assert message in reviewer.get(response.headers["Location"]).get_data(as_text=True)
    response = post(reviewer, "/moderation/tags/999999", {"name": "anything"})
    assert "no longer exists" in reviewer.get(response.headers["Location"]).get_data(as_text=True)
