"""In-app notifications: each moderator decision tells the author, with an unread count in the
navigation; library decisions are written to the audit log too."""

from sqlalchemy import select

from kb.auth.models import Role
from kb.library.models import LibraryItem
from kb.platform.audit import AuditEntry
from kb.platform.extensions import db
from tests.factories import make_item, make_user
from tests.library.conftest import post


def test_a_moderators_decision_reaches_the_author_with_an_unread_count(browser_of, author, moderator):
    item = make_item(author, status="submitted", title="Joint training for councillors")
    writer = browser_of(author)
    assert "unread" not in writer.get("/account").get_data(as_text=True)
    post(
        browser_of(moderator),
        f"/case-studies/{item.id}/decide",
        {"decision": "request_changes", "note": "Name the partners."},
    )
    page = writer.get("/account").get_data(as_text=True)
    assert '<span class="count-badge">1<span class="visually-hidden"> unread</span></span>' in page
    notes = writer.get("/my/notifications").get_data(as_text=True)
    assert "A moderator asked for changes to your case study “Joint training for councillors”." in notes
    assert "Name the partners." in notes and f'href="/case-studies/{item.id}-{item.slug}"' in notes
    post(writer, "/my/notifications/read")
    assert "count-badge" not in writer.get("/my/notifications").get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "request changes"))
    assert entry.actor_name == "Mo Moderator" and entry.reason == "Name the partners."


def test_moderators_are_not_notified_of_their_own_decisions(browser_of, moderator):
    item = make_item(moderator, status="draft", title="A moderator's own case study")
    post(browser_of(moderator), f"/case-studies/{item.id}/submit")
    assert "No notifications yet" in browser_of(moderator).get("/my/notifications").get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "publish")) is not None


def test_notifications_need_an_account(client):
    assert client.get("/my/notifications").status_code == 302
    assert client.post("/my/notifications/read").status_code in (302, 400)


def test_a_second_moderator_is_told_who_decided_first(browser_of, author, moderator):
    item = make_item(author, status="submitted", title="Decided by the first moderator")
    post(browser_of(moderator), f"/case-studies/{item.id}/decide", {"decision": "publish", "note": ""})
    late = browser_of(make_user(display_name="Late Moderator", role=Role.MODERATOR))
    response = post(late, f"/case-studies/{item.id}/decide", {"decision": "reject", "note": "Not for us"})
    page = late.get(response.headers["Location"]).get_data(as_text=True)
    assert "Latest decision: Mo Moderator chose “publish”" in page
    assert db.session.get(LibraryItem, item.id).status == "published"
