"""Verified good practice: moderators mark a published case study as verified, saying what was
checked; the badge shows in lists, on the page and in search results."""

import re

from kb.library.models import Kind, LibraryItem
from kb.platform.extensions import db
from kb.search import service as search
from tests.factories import make_item
from tests.library.conftest import post
from tests.search.conftest import results


def test_a_moderator_verifies_a_case_study_and_readers_see_the_badge(client, browser_of, author, moderator):
    item = make_item(author, title="Shared grant criteria in Suffolk")
    reviewer = browser_of(moderator)
    response = post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "verify", "note": ""})
    assert response.status_code == 422 and "Say what was checked" in response.get_data(as_text=True)
    assert db.session.get(LibraryItem, item.id).verified_at is None

    post(
        reviewer,
        f"/case-studies/{item.id}/decide",
        {"decision": "verify", "note": "Outcomes confirmed with the CVS in 2026."},
    )
    page = client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert "Verified good practice" in page and "Outcomes confirmed with the CVS in 2026." in page
    assert "Verified good practice" in client.get("/case-studies").get_data(as_text=True)
    search.drain()
    hit = results(client, "q=suffolk")["results"][0]
    assert hit["verified"] is True
    assert "has been marked as verified good practice" in browser_of(author).get("/my/notifications").get_data(
        as_text=True
    )
    assert "Verify" in reviewer.get("/moderation/log").get_data(as_text=True)

    post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "unverify"})
    assert "Verified good practice" not in client.get("/case-studies").get_data(as_text=True)


def test_only_moderators_verify_and_only_published_case_studies(browser_of, author, moderator):
    item = make_item(author)
    assert (
        post(
            browser_of(author), f"/case-studies/{item.id}/decide", {"decision": "verify", "note": "I checked"}
        ).status_code
        == 403
    )
    lesson = make_item(author, kind=Kind.LESSON, title="A lesson, not a case study")
    reviewer = browser_of(moderator)
    response = post(reviewer, f"/lessons/{lesson.id}/decide", {"decision": "verify", "note": "Checked"})
    assert "Only a published case study can be verified" in reviewer.get(response.headers["Location"]).get_data(
        as_text=True
    )
    draft = make_item(author, status="draft", title="Still a draft here")
    post(reviewer, f"/case-studies/{draft.id}/decide", {"decision": "verify", "note": "Checked"})
    assert db.session.get(LibraryItem, draft.id).verified_at is None


def test_an_outdated_item_points_to_the_one_that_supersedes_it(client, browser_of, author, moderator):
    old = make_item(author, title="Grants the old way")
    new = make_item(author, title="Grants the new way")
    reviewer = browser_of(moderator)
    for address, message in (
        ("", "Give the address of a published"),
        ("/case-studies/99999", "Give the address"),
        (f"/case-studies/{old.id}", "cannot be superseded by itself"),
    ):
        response = post(reviewer, f"/case-studies/{old.id}/supersede", {"replacement": address})
        # Refused beside the box, with the address as typed still in it.
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page and f'value="{address}"' in page
    post(reviewer, f"/case-studies/{old.id}/supersede", {"replacement": f"http://localhost/case-studies/{new.id}-x"})
    page = client.get(f"/case-studies/{old.id}-{old.slug}").get_data(as_text=True)
    assert f'This has been superseded by <a href="/case-studies/{new.id}-{new.slug}">Grants the new way</a>' in page
    assert (
        post(browser_of(author), f"/case-studies/{old.id}/supersede", {"replacement": str(new.id)}).status_code == 403
    )
    post(reviewer, f"/case-studies/{old.id}/decide", {"decision": "unsupersede"})
    assert "This has been superseded" not in client.get(f"/case-studies/{old.id}-{old.slug}").get_data(as_text=True)


def test_moderators_feature_items_on_the_home_and_theme_pages_in_their_order(client, browser_of, author, moderator):
    first = make_item(author, title="First featured story", theme_slugs=["funding-it-better"])
    second = make_item(author, title="Second featured story", theme_slugs=["funding-it-better"])
    reviewer = browser_of(moderator)
    assert post(browser_of(author), f"/case-studies/{first.id}/feature", {"place": "home"}).status_code == 403
    for item in (first, second):
        post(reviewer, f"/case-studies/{item.id}/feature", {"place": "home"})
    post(reviewer, f"/case-studies/{second.id}/feature", {"place": "funding-it-better"})
    response = post(reviewer, f"/case-studies/{second.id}/feature", {"place": "joining-up-policy"})
    assert "one of its themes" in reviewer.get(response.headers["Location"]).get_data(as_text=True)
    response = post(reviewer, f"/case-studies/{first.id}/feature", {"place": "home"})
    assert "already featured on the home page" in reviewer.get(response.headers["Location"]).get_data(as_text=True)

    home = client.get("/").get_data(as_text=True).split("Featured by the moderators")[1]
    assert home.index("First featured story") < home.index("Second featured story")
    theme_page = client.get("/themes/funding-it-better").get_data(as_text=True)
    assert "Second featured story" in theme_page.split("Featured by the moderators")[1].split("</section>")[0]

    manage = reviewer.get("/moderation/featured").get_data(as_text=True)
    entry_id = re.search(r'/moderation/featured/(\d+)/move"[^>]*>\s*<input[^>]*>\s*<input[^>]*value="up"', manage)
    post(reviewer, f"/moderation/featured/{entry_id.group(1)}/move", {"direction": "up"})
    home = client.get("/").get_data(as_text=True).split("Featured by the moderators")[1]
    assert home.index("Second featured story") < home.index("First featured story")
    assert browser_of(author).get("/moderation/featured").status_code == 403
