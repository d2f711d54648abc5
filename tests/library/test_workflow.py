"""Case studies from draft to published: submit, request changes, resubmit, publish, reject, archive."""

import re

from sqlalchemy import select

from kb.library.models import ItemRevision, LibraryItem
from kb.platform.extensions import db
from tests.factories import make_item, make_user
from tests.library.conftest import CASE_STUDY_FORM, post


def the_item(title=CASE_STUDY_FORM["title"]) -> LibraryItem:
    return db.session.scalar(select(LibraryItem).where(LibraryItem.title == title))


def test_a_member_saves_a_draft_that_only_they_and_moderators_can_see(client, browser_of, author, moderator):
    writer = browser_of(author)
    response = post(writer, "/case-studies/new", {**CASE_STUDY_FORM, "intent": "draft"})
    item = the_item()
    assert response.status_code == 302 and response.headers["Location"] == f"/case-studies/{item.id}-{item.slug}"
    assert item.status == "draft"
    assert item.tags and [tag.name for tag in item.tags] == ["grants", "procurement"]
    assert item.organisations == ["Suffolk County Council", "Suffolk PCT"]
    page = writer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only you and the moderators can see this draft" in page

    assert client.get(f"/case-studies/{item.id}-{item.slug}").status_code == 404  # anonymous
    stranger = browser_of(make_user())
    assert stranger.get(f"/case-studies/{item.id}-{item.slug}").status_code == 404
    assert browser_of(moderator).get(f"/case-studies/{item.id}-{item.slug}").status_code == 200
    assert "draft" in writer.get("/my/contributions").get_data(as_text=True).lower()


def test_the_whole_review_cycle(client, browser_of, author, moderator):
    writer, reviewer = browser_of(author), browser_of(moderator)
    post(writer, "/case-studies/new", {**CASE_STUDY_FORM, "intent": "submit"})
    item = the_item()
    assert item.status == "submitted"
    assert CASE_STUDY_FORM["title"] in reviewer.get("/moderation").get_data(as_text=True)

    # Requesting changes needs a note, and then the author sees it.
    response = post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "request_changes", "note": ""})
    assert response.status_code == 422 and "Say what needs to change" in response.get_data(as_text=True)
    assert the_item().status == "submitted"
    post(
        reviewer,
        f"/case-studies/{item.id}/decide",
        {"decision": "request_changes", "note": "Please name the outcomes."},
    )
    assert the_item().status == "changes requested"
    page = writer.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert "Please name the outcomes." in page
    assert "Please name the outcomes." in writer.get("/my/contributions").get_data(as_text=True)

    # The author revises and resubmits; the moderator publishes.
    edit_page = writer.get(f"/case-studies/{item.id}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', edit_page).group(1)
    post(
        writer,
        f"/case-studies/{item.id}/edit",
        {
            **CASE_STUDY_FORM,
            "body": CASE_STUDY_FORM["body"] + "\n\nGrants now take 3 weeks, not 12.",
            "revision": revision,
            "intent": "submit",
        },
    )
    assert the_item().status == "resubmitted"
    post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "publish", "note": ""})
    item = the_item()
    assert item.status == "published" and item.published_at is not None

    # Now everyone can read it, and it is listed on both its themes.
    assert "Grants now take 3 weeks" in client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    for theme in ("funding-it-better", "joining-up-policy"):
        assert item.title in client.get(f"/themes/{theme}").get_data(as_text=True)
        assert item.title in client.get(f"/case-studies?theme={theme}").get_data(as_text=True)
    assert item.title not in client.get("/case-studies?theme=organising-ourselves").get_data(as_text=True)
    assert db.session.query(ItemRevision).filter_by(item_id=item.id).count() == 6


def test_rejection_keeps_it_private_and_tells_the_author_why(client, browser_of, author, moderator):
    item = make_item(author, status="submitted")
    post(browser_of(moderator), f"/case-studies/{item.id}/decide", {"decision": "reject", "note": "This is an advert."})
    assert client.get(f"/case-studies/{item.id}-{item.slug}").status_code == 404
    page = browser_of(author).get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert "Rejected" in page and "This is an advert." in page


def test_archived_items_stay_readable_but_leave_the_lists(client, browser_of, author, moderator):
    item = make_item(author)
    assert item.title in client.get("/case-studies").get_data(as_text=True)
    post(
        browser_of(moderator),
        f"/case-studies/{item.id}/decide",
        {"decision": "archive", "note": "Superseded by the 2010 compact."},
    )
    page = client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert "archived" in page and "Superseded by the 2010 compact." in page
    assert item.title not in client.get("/case-studies").get_data(as_text=True)


def test_moderators_publish_their_own_work_directly(browser_of, moderator):
    post(browser_of(moderator), "/case-studies/new", {**CASE_STUDY_FORM, "intent": "submit"})
    assert the_item().status == "published"


def test_who_may_do_what(client, browser_of, author, moderator):
    draft = make_item(author, status="draft", title="A draft nobody else may touch")
    published = make_item(author, title="A published case study")
    stranger = browser_of(make_user())
    assert stranger.get(f"/case-studies/{published.id}/edit").status_code == 403
    assert (
        post(stranger, f"/case-studies/{published.id}/decide", {"decision": "archive", "note": "x"}).status_code == 403
    )
    assert post(browser_of(author), f"/case-studies/{draft.id}/decide", {"decision": "publish"}).status_code == 403
    assert post(stranger, f"/case-studies/{draft.id}/submit").status_code == 404
    assert stranger.get(f"/case-studies/{published.id}/history").status_code == 403
    assert stranger.get("/moderation").status_code == 403
    response = client.get(f"/case-studies/{draft.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get("/case-studies/new").status_code == 302


def test_decisions_on_the_wrong_state_explain_and_change_nothing(browser_of, author, moderator):
    item = make_item(author)  # already published
    reviewer = browser_of(moderator)
    response = post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "reject", "note": "late"})
    assert "Only something submitted can be rejected" in reviewer.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert the_item(item.title).status == "published"


def test_csrf_is_required_for_decisions(app, browser_of, author, moderator):
    item = make_item(author, status="submitted")
    response = browser_of(moderator).post(f"/case-studies/{item.id}/decide", data={"decision": "publish", "note": ""})
    assert response.status_code == 400
    assert the_item(item.title).status == "submitted"


def test_old_and_short_links_redirect_to_the_current_address(client, author):
    item = make_item(author, title="First title for this")
    assert client.get(f"/case-studies/{item.id}").headers["Location"] == f"/case-studies/{item.id}-first-title-for-this"
    assert client.get(f"/case-studies/{item.id}-some-old-slug").status_code == 301
    assert client.get(f"/lessons/{item.id}").status_code == 404  # a case study is not a lesson
