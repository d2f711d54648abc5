"""Approving a pending edit from the item page approves the version the moderator was shown: an
edit proposed meanwhile is refused with an explanation, and nothing changes."""

import re

import pytest

from kb.library import service
from kb.library.models import Kind, LibraryItem
from kb.platform.extensions import db
from tests.factories import item_fields, make_item
from tests.library.conftest import post


def shown_revision(page: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


@pytest.mark.parametrize(("kind", "prefix"), [(Kind.CASE_STUDY, "case-studies"), (Kind.LESSON, "lessons")])
def test_approving_an_edit_changed_since_the_page_was_shown_is_refused(author, moderator, browser_of, kind, prefix):
    item = make_item(author, kind=kind, moderator=moderator, title="Shared outcomes")
    service.save_item(item, item_fields(title="Shared outcomes", body="First proposal."), author, item.revision_number)
    mo = browser_of(moderator)
    page = mo.get(f"/{prefix}/{item.id}", follow_redirects=True).get_data(as_text=True)
    assert "First proposal." in page
    seen = shown_revision(page)
    service.save_item(
        item,
        item_fields(title="Shared outcomes", body="Second proposal, quite different."),
        author,
        item.revision_number,
    )
    response = post(
        mo, f"/{prefix}/{item.id}/decide", {"decision": "approve_edit", "note": "Looks good", "revision": seen}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "has changed since you were shown it, so nothing was decided" in page
    assert "Second proposal, quite different." in page and "Looks good" in page  # the new edit, the note kept
    assert "<title>Error:" in page
    db.session.expire_all()
    item = db.session.get(LibraryItem, item.id)
    assert item.has_pending_edit and "proposal" not in item.body
    # Approving what is there now works.
    response = post(mo, f"/{prefix}/{item.id}/decide", {"decision": "approve_edit", "revision": shown_revision(page)})
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(LibraryItem, item.id)
    assert not item.has_pending_edit and item.body == "Second proposal, quite different."


def test_publishing_a_submission_changed_since_the_page_was_shown_is_refused(author, moderator, browser_of):
    item = make_item(author, status="submitted", title="Joint commissioning")
    mo = browser_of(moderator)
    seen = shown_revision(mo.get(f"/case-studies/{item.id}", follow_redirects=True).get_data(as_text=True))
    service.save_item(
        item,
        item_fields(title="Joint commissioning", body="Rewritten by another moderator."),
        moderator,
        item.revision_number,
    )
    response = post(mo, f"/case-studies/{item.id}/decide", {"decision": "publish", "revision": seen})
    assert response.status_code == 409 and "has changed since you were shown it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(LibraryItem, item.id).status == "submitted"
