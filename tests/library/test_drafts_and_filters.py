"""Unfinished drafts, resubmission, the review queue's dates, renamed items' old links, and the
filters that lessons share with case studies (tags with counts; region and sector of the source)."""

from datetime import datetime, timedelta

from sqlalchemy import select

from kb.library.models import Kind, LibraryItem
from kb.platform import clock
from kb.platform.extensions import db
from tests.factories import make_item
from tests.library.conftest import CASE_STUDY_FORM, post
from tests.library.test_browse_and_lessons import titles
from tests.library.test_editing import edit_form


def the_item(title: str) -> LibraryItem:
    return db.session.scalar(select(LibraryItem).where(LibraryItem.title == title))


def test_a_draft_can_be_saved_with_only_a_title_but_not_submitted_until_complete(browser_of, author):
    writer = browser_of(author)
    response = post(
        writer, "/case-studies/new", {"title": "Notes on our compact so far", "body": "", "intent": "draft"}
    )
    assert response.status_code == 302
    item = the_item("Notes on our compact so far")
    assert item.status == "draft" and item.themes == [] and item.summary == ""
    page = writer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Before it can be sent for review: write a short summary; choose at least one theme" in page

    refused = post(writer, f"/case-studies/{item.id}/submit")
    assert "before it can be sent for review" in writer.get(refused.headers["Location"]).get_data(as_text=True)
    assert the_item("Notes on our compact so far").status == "draft"

    # Submitting from the form checks every field, and keeps what was typed.
    form = {**edit_form(writer, item), "summary": "", "intent": "submit"}
    response = post(writer, f"/case-studies/{item.id}/edit", form)
    assert response.status_code == 422 and "Enter a short summary" in response.get_data(as_text=True)
    form = {**edit_form(writer, item), **CASE_STUDY_FORM, "title": item.title, "intent": "submit"}
    post(writer, f"/case-studies/{item.id}/edit", form)
    assert the_item("Notes on our compact so far").status == "submitted"


def test_a_lesson_draft_may_leave_the_outcome_for_later(browser_of, author):
    writer = browser_of(author)
    assert post(writer, "/lessons/new", {"title": "Something about grants", "intent": "draft"}).status_code == 302
    lesson = the_item("Something about grants")
    assert lesson.outcome is None
    assert "say whether it worked well or didn&#39;t work" in writer.get(
        f"/lessons/{lesson.id}-{lesson.slug}"
    ).get_data(as_text=True)
    # Submitting straight away still needs everything.
    response = post(writer, "/lessons/new", {"title": "Another one entirely", "intent": "submit"})
    assert response.status_code == 422 and "Say whether it worked well" in response.get_data(as_text=True)
    assert the_item("Another one entirely") is None


def test_a_resubmission_is_marked_as_such_for_the_moderator(browser_of, author, moderator):
    item = make_item(author, status="submitted")
    reviewer, writer = browser_of(moderator), browser_of(author)
    post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "request_changes", "note": "Name the partners."})
    post(writer, f"/case-studies/{item.id}/submit")
    assert db.session.get(LibraryItem, item.id).status == "resubmitted"
    assert "Review after the changes asked for" in reviewer.get("/moderation").get_data(as_text=True)
    post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "publish", "note": ""})
    assert db.session.get(LibraryItem, item.id).status == "published"


def test_the_review_queue_shows_when_each_entry_started_waiting(browser_of, author, moderator):
    clock.freeze(datetime(2026, 3, 2, 9, 0))
    item = make_item(author, title="Published in March")
    clock.freeze(datetime(2026, 6, 15, 14, 30))
    writer = browser_of(author)
    post(writer, f"/case-studies/{item.id}/edit", {**edit_form(writer, item), "body": "A later edit"})
    clock.freeze(datetime(2026, 6, 15, 14, 30) + timedelta(days=1))
    page = browser_of(moderator).get("/moderation").get_data(as_text=True)
    assert "15 June 2026 at 3:30pm" in page  # British Summer Time and "2 March 2026" not in page


def test_a_renamed_item_answers_its_old_address_with_a_permanent_redirect(client, browser_of, author, moderator):
    item = make_item(author, title="Our first name for it")
    old_address = f"/case-studies/{item.id}-{item.slug}"
    reviewer = browser_of(moderator)
    post(reviewer, f"/case-studies/{item.id}/edit", {**edit_form(reviewer, item), "title": "A better name"})
    response = client.get(old_address)
    assert response.status_code == 301
    assert response.headers["Location"] == f"/case-studies/{item.id}-a-better-name"


def test_tags_are_offered_with_counts_given_the_other_filters(client, author):
    make_item(author, title="Grants in London", region="London", tags=["grants", "compact"])
    make_item(author, title="Grants in Wales", region="Wales", tags=["grants"])
    page = client.get("/case-studies?region=London").get_data(as_text=True)
    assert '<option value="grants" >grants (1)</option>' in page
    assert '<option value="compact" >compact (1)</option>' in page
    everywhere = client.get("/case-studies").get_data(as_text=True)
    assert '<option value="grants" >grants (2)</option>' in everywhere
    assert titles(client.get("/case-studies?tag=compact").get_data(as_text=True)) == ["Grants in London"]


def test_lessons_are_filtered_by_the_region_and_sectors_of_their_case_study(client, author):
    london = make_item(author, title="A London case study", region="London", sectors=["social enterprise"])
    wales = make_item(author, title="A Welsh case study", region="Wales", sectors=["public body"])
    make_item(author, kind=Kind.LESSON, title="Learned in London", source_case_study_id=london.id)
    make_item(author, kind=Kind.LESSON, title="Learned in Wales", source_case_study_id=wales.id)
    make_item(author, kind=Kind.LESSON, title="Learned anywhere")
    assert titles(client.get("/lessons?region=London").get_data(as_text=True)) == ["Learned in London"]
    public_bodies = titles(client.get("/lessons?sector=public+body").get_data(as_text=True))
    assert "Learned in Wales" in public_bodies and "Learned in London" not in public_bodies
    assert "Learned anywhere" not in public_bodies
    page = client.get("/lessons").get_data(as_text=True)
    assert '<option value="Wales" >Wales (1)</option>' in page
    assert "8 lessons" in page  # and the five the seed draws from the leaflet
