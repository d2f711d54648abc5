"""Rules found by reviewing the library as a practitioner and a moderator would."""

import re

from sqlalchemy import select

from kb.app.seeding import load_seed
from kb.library.models import ItemRevision, Kind, LibraryItem
from kb.platform.extensions import db
from tests.conftest import SEED_DIR
from tests.factories import make_item
from tests.library.conftest import post
from tests.library.test_editing import edit_form


def test_a_moderators_edit_never_publishes_a_members_waiting_edit(client, browser_of, author, moderator):
    item = make_item(author, summary="The approved summary.")
    writer, reviewer = browser_of(author), browser_of(moderator)
    post(writer, f"/case-studies/{item.id}/edit", {**edit_form(writer, item), "summary": "UNAPPROVED summary"})

    page = reviewer.get(f"/case-studies/{item.id}/edit").get_data(as_text=True)
    assert "UNAPPROVED summary" not in page  # the moderator's form holds the published text
    assert "A member's edit is waiting for review" in page
    post(reviewer, f"/case-studies/{item.id}/edit", {**edit_form(reviewer, item), "locality": "Leeds"})

    public = client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert "The approved summary." in public and "UNAPPROVED summary" not in public
    assert db.session.get(LibraryItem, item.id).has_pending_edit  # still waiting for a decision


def test_reseeding_keeps_a_leaflet_case_study_edited_on_the_site(browser_of, moderator):
    item = db.session.scalar(select(LibraryItem).where(LibraryItem.seed_key == "leaflet-case-study-2"))
    reviewer = browser_of(moderator)
    post(reviewer, f"/case-studies/{item.id}/edit", {**edit_form(reviewer, item), "locality": "Stratford"})
    report = load_seed(SEED_DIR)
    assert "1 records edited on the site were kept" in report.summary()
    assert db.session.get(LibraryItem, item.id).locality == "Stratford"


def test_a_lesson_keeps_its_link_to_a_case_study_that_is_archived(browser_of, author, moderator):
    case_study = make_item(author, title="The gateway case study")
    lesson = make_item(author, kind=Kind.LESSON, title="Agree criteria first", source_case_study_id=case_study.id)
    reviewer = browser_of(moderator)
    post(reviewer, f"/case-studies/{case_study.id}/decide", {"decision": "archive", "note": "Out of date."})
    page = reviewer.get(f"/lessons/{lesson.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{case_study.id}">The gateway case study (archived)</option>' in page
    form = {
        "title": "Agree the criteria first",
        "outcome": "worked well",
        "body": lesson.body,
        "themes": ["improving-understanding"],
        "source_case_study": str(case_study.id),
        "revision": re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1),
    }
    assert post(reviewer, f"/lessons/{lesson.id}/edit", form).status_code == 302
    assert db.session.get(LibraryItem, lesson.id).source_case_study_id == case_study.id


def test_enormous_numbers_in_addresses_are_not_found_not_errors(client, browser_of, author, moderator):
    item = make_item(author)
    reviewer = browser_of(moderator)
    assert client.get("/case-studies/99999999999999999999999").status_code == 404
    assert client.get("/lessons/new?from=99999999999999999999").status_code == 302  # log in first
    assert browser_of(author).get("/lessons/new?from=99999999999999999999").status_code == 200
    compare = reviewer.get(f"/case-studies/{item.id}/history/compare?from=99999999999999999999&to=1")
    assert compare.status_code == 302
    assert post(reviewer, f"/case-studies/{item.id}/revisions/99999999999999999999/restore").status_code == 404


def test_a_moderator_editing_a_members_draft_is_offered_save_not_publish(browser_of, author, moderator):
    draft = make_item(author, status="draft")
    page = browser_of(moderator).get(f"/case-studies/{draft.id}/edit").get_data(as_text=True)
    assert ">Save changes</button>" in page and ">Publish</button>" not in page


def test_line_endings_alone_are_not_reported_as_a_change(browser_of, author):
    item = make_item(author, status="draft", body="Line one.\nLine two.")
    writer = browser_of(author)
    post(
        writer,
        f"/case-studies/{item.id}/edit",
        {**edit_form(writer, item), "body": "Line one.\r\nLine two.", "locality": "York"},
    )
    compare = writer.get(f"/case-studies/{item.id}/history/compare?from=1&to=2").get_data(as_text=True)
    assert "<dt>Locality</dt>" in compare and "<dt>Text</dt>" not in compare


def test_the_author_is_told_on_the_page_when_an_edit_is_declined(browser_of, author, moderator):
    item = make_item(author, body="Keep me.")
    writer = browser_of(author)
    post(writer, f"/case-studies/{item.id}/edit", {**edit_form(writer, item), "body": "Changed", "note": "my note"})
    post(
        browser_of(moderator),
        f"/case-studies/{item.id}/decide",
        {"decision": "decline_edit", "note": "Please cite a source."},
    )
    page = writer.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert "was declined" in page and "Please cite a source." in page
    declined = db.session.scalar(select(ItemRevision).where(ItemRevision.state == "declined"))
    assert declined.note == "my note"  # the author's own note is kept as written


def test_saving_the_same_form_twice_is_not_a_stale_edit(browser_of, author):
    item = make_item(author, status="draft")
    writer = browser_of(author)
    form = {**edit_form(writer, item), "body": "Double-clicked save."}
    assert post(writer, f"/case-studies/{item.id}/edit", form).status_code == 302
    assert post(writer, f"/case-studies/{item.id}/edit", form).status_code == 302


def test_the_review_queue_dates_a_proposed_edit_from_when_it_was_proposed(browser_of, author, moderator):
    item = make_item(author)
    assert db.session.get(LibraryItem, item.id).awaiting_since is None
    writer = browser_of(author)
    post(writer, f"/case-studies/{item.id}/edit", {**edit_form(writer, item), "body": "New"})
    assert db.session.get(LibraryItem, item.id).awaiting_since is not None


def test_an_over_long_moderator_note_is_explained_and_kept(browser_of, author, moderator):
    item = make_item(author, status="submitted")
    note = "n" * 2001
    response = post(
        browser_of(moderator), f"/case-studies/{item.id}/decide", {"decision": "request_changes", "note": note}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Keep the note to 2,000 characters or fewer" in page and note in page


def test_unknown_filter_values_filter_nothing(client, author):
    make_item(author, title="A story from London", region="London")
    for query in ("region=Mars", "sector=%25", "theme=nope"):
        page = client.get(f"/case-studies?{query}").get_data(as_text=True)
        assert "A story from London" in page and 'class="chip"' not in page
