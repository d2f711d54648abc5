"""Editing: published edits wait for review, stale edits never overwrite, history, compare and restore."""

import re

from kb.library.models import LibraryItem
from kb.platform.extensions import db
from tests.factories import make_item, make_user
from tests.library.conftest import post


def edit_form(client, item):
    """The edit form's current values, as the browser would send them back."""
    page = client.get(f"/case-studies/{item.id}/edit").get_data(as_text=True)
    value = lambda name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)  # noqa: E731
    return {
        "title": value("title").group(1),
        "summary": re.search(r'name="summary"[^>]*>\s*([^<]*)</textarea>', page).group(1).strip(),
        "body": re.search(r'name="body"[^>]*>\s*([^<]*)</textarea>', page).group(1),
        "themes": re.findall(r'checked[^>]*name="themes"[^>]*value="([^"]+)"', page)
        or re.findall(r'name="themes"[^>]*value="([^"]+)"[^>]*checked', page),
        "revision": value("revision").group(1),
        "region": "London",
    }


def test_a_members_edit_of_a_published_item_waits_for_a_moderator(client, browser_of, author, moderator):
    item = make_item(author, body="The original text.")
    writer = browser_of(author)
    form = edit_form(writer, item)
    response = post(writer, f"/case-studies/{item.id}/edit", {**form, "body": "The improved text."})
    assert "sent to the moderators" in writer.get(response.headers["Location"]).get_data(as_text=True)

    public_page = client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert "The original text." in public_page and "The improved text." not in public_page
    assert "Review of an edit" in browser_of(moderator).get("/moderation").get_data(as_text=True)

    reviewer = browser_of(moderator)
    page = reviewer.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert '<del class="diff__line"><span class="visually-hidden">Removed: </span>The original text.</del>' in page
    assert "The improved text." in page
    post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "approve_edit", "note": ""})
    assert "The improved text." in client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)


def test_a_declined_edit_needs_a_note_and_leaves_the_published_text(client, browser_of, author, moderator):
    item = make_item(author, body="Keep me.")
    writer = browser_of(author)
    post(writer, f"/case-studies/{item.id}/edit", {**edit_form(writer, item), "body": "Spam link"})
    reviewer = browser_of(moderator)
    post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "decline_edit", "note": ""})
    assert db.session.get(LibraryItem, item.id).has_pending_edit
    post(reviewer, f"/case-studies/{item.id}/decide", {"decision": "decline_edit", "note": "Links to a shop."})
    refreshed = db.session.get(LibraryItem, item.id)
    assert not refreshed.has_pending_edit and refreshed.body == "Keep me."


def test_a_stale_edit_shows_both_versions_and_overwrites_nothing(browser_of, author, moderator):
    item = make_item(author, status="draft", body="Version one.")
    writer, reviewer = browser_of(author), browser_of(moderator)
    writers_form = edit_form(writer, item)  # the author opens the form...
    post(reviewer, f"/case-studies/{item.id}/edit", {**edit_form(reviewer, item), "body": "Moderator's version."})
    response = post(writer, f"/case-studies/{item.id}/edit", {**writers_form, "body": "Author's version."})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this after you opened it" in page
    assert "Moderator&#39;s version." in page  # theirs, shown for comparison
    assert "Author&#39;s version." in page  # yours, still in the form
    assert db.session.get(LibraryItem, item.id).body == "Moderator's version."


def test_history_lists_every_save_and_compares_two(browser_of, author, moderator):
    item = make_item(author, status="draft", body="Line one.\nLine two.")
    writer = browser_of(author)
    post(
        writer,
        f"/case-studies/{item.id}/edit",
        {**edit_form(writer, item), "body": "Line one.\nLine 2, changed.", "note": "Fixed line two"},
    )
    page = writer.get(f"/case-studies/{item.id}/history").get_data(as_text=True)
    assert "Fixed line two" in page and "First draft" in page
    compare = writer.get(f"/case-studies/{item.id}/history/compare?from=1&to=2").get_data(as_text=True)
    assert "Removed: </span>Line two.</del>" in compare
    assert "Added: </span>Line 2, changed.</ins>" in compare
    assert writer.get(f"/case-studies/{item.id}/history/compare?from=1&to=99").status_code == 302


def test_restoring_an_old_revision_makes_a_new_one(browser_of, author):
    item = make_item(author, status="draft", body="The first wording.")
    writer = browser_of(author)
    post(writer, f"/case-studies/{item.id}/edit", {**edit_form(writer, item), "body": "A worse wording."})
    post(writer, f"/case-studies/{item.id}/revisions/1/restore")
    restored = db.session.get(LibraryItem, item.id)
    assert restored.body == "The first wording."
    assert restored.revision_number == 3
    assert "Restored revision 1" in writer.get(f"/case-studies/{item.id}/history").get_data(as_text=True)


def test_others_cannot_restore_or_see_history(browser_of, author):
    item = make_item(author, status="draft")
    stranger = browser_of(make_user())
    assert post(stranger, f"/case-studies/{item.id}/revisions/1/restore").status_code == 404
    published = make_item(author, title="Published for restore test")
    assert post(stranger, f"/case-studies/{published.id}/revisions/1/restore").status_code == 403
