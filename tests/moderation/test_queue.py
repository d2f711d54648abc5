"""The moderation queue: one tab per kind of work with counts, each entry with its content (the diff
for an edit), its author's record and inline decisions; bulk decisions; saved reasons."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from kb.auth.models import Role
from kb.board import service as board
from kb.board.models import BoardPost, PostFlag, PostState
from kb.board.queries import category_by_slug
from kb.library import service as library
from kb.library.models import LibraryItem
from kb.moderation.models import SavedReason
from kb.platform import audit, clock
from kb.platform.extensions import db
from kb.platform.notifications import inbox
from tests.factories import item_fields, make_item, make_user
from tests.library.conftest import post
from tests.moderation.test_audit_log import logged_in


@pytest.fixture
def cast(seeded):
    seeded.config["KB_PREMODERATION_POSTS"] = 3
    return {
        "asha": make_user(display_name="Asha Author", organisation="Northtown CVS"),
        "ben": make_user(display_name="Ben Newcomer"),
        "mo": make_user(display_name="Mo Moderator", role=Role.MODERATOR),
        "ola": make_user(display_name="Ola Other", role=Role.MODERATOR),
    }


def text_of(response) -> str:
    return response.get_data(as_text=True)


def held_post(author, body="Hello, how do we start a compact?", title="A newcomer's question") -> BoardPost:
    return board.start_thread(category_by_slug("general"), title, body, by=author)  # the thread's first post


def reported_post(author, reporters, body="Buy cheap pens at example.com") -> BoardPost:
    trusted = make_user(display_name="Trusted Poster")
    trusted.trusted = True
    target = board.start_thread(
        category_by_slug("general"), "Stationery", body, by=author if author.trusted else trusted
    )
    for number, reporter in enumerate(reporters):
        board.flag_post(target, reporter, "spam" if number else "other", "" if number else "Advertising")
    return target


def reporter_who_counts():
    """A trusted member whose account is old enough for their reports to count toward hiding."""
    reporter = make_user()
    reporter.trusted, reporter.created_at = True, clock.now() - timedelta(days=30)
    return reporter


def saved_reason(used_for: str) -> SavedReason:
    return db.session.scalars(
        select(SavedReason).where(SavedReason.used_for == used_for).order_by(SavedReason.position)
    ).first()


def test_each_tab_counts_its_work_and_shows_what_a_decision_needs(seeded, cast):
    submitted = make_item(
        cast["asha"],
        status="submitted",
        title="Joint commissioning in Northtown",
        body="We pooled budgets.\n\nIt took two years.",
    )
    make_item(cast["asha"], title="A rejected idea", status="submitted")
    library.reject(
        db.session.scalar(select(LibraryItem).where(LibraryItem.title == "A rejected idea")),
        cast["mo"],
        "Not a case study",
    )
    held = held_post(cast["ben"])
    reported_post(make_user(display_name="Spammy"), [make_user(), make_user()])
    mo = logged_in(seeded, cast["mo"])

    page = text_of(mo.get("/moderation"))
    counts = re.findall(r'<span class="count-badge">(\d+)<span class="visually-hidden"> waiting', page)
    assert counts[1:] == ["1", "1", "1"]  # the navigation's total first, then each tab
    assert counts[0] == "3"
    assert "Joint commissioning in Northtown" in page and "Review before publication" in page
    assert "We pooled budgets." in page  # the text, to read before deciding
    # The author's record: joined, published, rejected, posts hidden, reports upheld.
    assert "Asha Author</a>, Northtown CVS" in page and "1 rejected" in page and "0 published" in page
    assert f'action="/moderation/submissions/{submitted.id}"' in page
    assert "Publish<span" in page and "Request changes<span" in page and "Reject<span" in page
    assert saved_reason("submissions").text in page

    page = text_of(mo.get("/moderation/held"))
    assert "Hello, how do we start a compact?" in page and "Approve and trust Ben Newcomer" in page
    assert f'action="/moderation/held/{held.id}"' in page and "Remove Ben Newcomer as a spammer" in page
    assert saved_reason("posts").text in page

    page = text_of(mo.get("/moderation/reports"))
    assert "2 reports" in page and "Advertising" in page and "Uphold and hide" in page
    assert ": Something else – “Advertising”" in page and ": Spam or advertising" in page


def test_a_pending_edit_shows_its_changes_against_the_published_text(seeded, cast):
    item = make_item(cast["asha"], title="Shared outcomes framework", body="First line.\nSecond line.")
    library.save_item(
        item,
        item_fields(title="Shared outcomes framework", body="First line.\nA better second line."),
        cast["asha"],
        item.revision_number,
    )
    page = text_of(logged_in(seeded, cast["mo"]).get("/moderation"))
    assert "Review of an edit" in page and "Changes proposed to the published text" in page
    assert '<span class="visually-hidden">Removed: </span>Second line.' in page
    assert '<span class="visually-hidden">Added: </span>A better second line.' in page
    assert "Approve the edit<span" in page and "Decline the edit<span" in page


def test_deciding_inline_changes_the_item_tells_the_author_and_is_logged(seeded, cast):
    item = make_item(cast["asha"], status="submitted", title="Volunteer passports")
    mo = logged_in(seeded, cast["mo"])
    response = post(mo, f"/moderation/submissions/{item.id}", {"decision": "publish", "page": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/moderation?page=1")
    assert "Published “Volunteer passports”." in text_of(mo.get("/moderation"))
    db.session.refresh(item)
    assert item.status == "published"
    assert "has been published" in inbox.recent(cast["asha"])[0].message
    assert audit.latest_for("case study", item.id).action == "publish"


def test_a_reason_is_required_where_the_author_must_be_told_and_typing_is_kept(seeded, cast):
    item = make_item(cast["asha"], status="submitted", title="Volunteer passports")
    mo = logged_in(seeded, cast["mo"])
    response = post(mo, f"/moderation/submissions/{item.id}", {"decision": "reject", "reason": ""})
    assert response.status_code == 422 and "Give a reason, or choose a saved one" in text_of(response)
    long_note = "Please add the outcomes. " * 30
    response = post(mo, f"/moderation/submissions/{item.id}", {"decision": "request_changes", "reason": long_note})
    assert response.status_code == 422 and "Keep the reason to 500 characters" in text_of(response)
    assert long_note.strip() in text_of(response)  # what was typed is still in the box
    db.session.refresh(item)
    assert item.status == "submitted"

    reason = saved_reason("submissions")
    response = post(
        mo,
        f"/moderation/submissions/{item.id}",
        {"decision": "request_changes", "saved_reason": str(reason.id), "reason": "See paragraph 2."},
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status == "changes requested" and item.moderator_note == f"{reason.text} See paragraph 2."


def test_the_second_moderator_is_told_who_decided_first(seeded, cast):
    item = make_item(cast["asha"], status="submitted", title="Volunteer passports")
    mo, ola = logged_in(seeded, cast["mo"]), logged_in(seeded, cast["ola"])
    post(mo, f"/moderation/submissions/{item.id}", {"decision": "publish"})
    response = post(ola, f"/moderation/submissions/{item.id}", {"decision": "reject", "reason": "Too short"})
    assert response.status_code == 302
    page = text_of(ola.get("/moderation"))
    assert "Mo Moderator chose “publish”" in page
    db.session.refresh(item)
    assert item.status == "published"


def test_content_that_no_longer_exists_gets_a_message(seeded, cast):
    mo = logged_in(seeded, cast["mo"])
    for tab in ("submissions", "held", "reports"):
        decision = {"submissions": "publish", "held": "approve", "reports": "dismiss"}[tab]
        response = post(mo, f"/moderation/{tab}/999999", {"decision": decision})
        assert response.status_code == 302
        assert "no longer exists" in text_of(mo.get(response.headers["Location"]))
    response = post(mo, "/moderation/held/1", {"decision": "publish"})  # not a decision for posts
    assert "Choose one of the decisions offered" in text_of(mo.get(response.headers["Location"]))
    # Numbers that are digits to Python but not to int() are refused, not a server error.
    assert post(mo, "/moderation/submissions/bulk", {"decision": "approve", "selected": "²"}).status_code == 422
    response = post(mo, "/moderation/held/1", {"decision": "hide", "saved_reason": "²", "page": "²"})
    assert response.status_code in (302, 422)


def test_held_posts_are_approved_trusted_or_hidden_from_the_queue(seeded, cast):
    first, second = held_post(cast["ben"]), held_post(cast["ben"], "Second", "Another question")
    third = held_post(make_user(display_name="Pat"), "Third", "A third question")
    mo = logged_in(seeded, cast["mo"])
    post(mo, f"/moderation/held/{first.id}", {"decision": "approve_and_trust"})
    db.session.refresh(first)
    assert first.state == PostState.VISIBLE and cast["ben"].trusted
    assert post(mo, f"/moderation/held/{second.id}", {"decision": "hide"}).status_code == 422
    post(mo, f"/moderation/held/{second.id}", {"decision": "hide", "saved_reason": str(saved_reason("posts").id)})
    db.session.refresh(second)
    assert second.state == PostState.HIDDEN and second.state_reason == saved_reason("posts").text
    # A decision on a post another moderator already approved changes nothing.
    post(logged_in(seeded, cast["ola"]), f"/moderation/held/{third.id}", {"decision": "approve"})
    post(mo, f"/moderation/held/{third.id}", {"decision": "hide", "reason": "Off-topic"})
    db.session.refresh(third)
    assert third.state == PostState.VISIBLE
    assert "Ola Other chose “approve post”" in text_of(mo.get("/moderation/held"))


def test_reports_are_upheld_or_dismissed_and_a_spammer_removed(seeded, cast):
    spammer = make_user(display_name="Spammy")
    spammer.trusted = True
    upheld = reported_post(spammer, [make_user(), make_user()])
    dismissed = reported_post(cast["asha"], [make_user()], body="A fair question about pens")
    mo = logged_in(seeded, cast["mo"])
    post(mo, f"/moderation/reports/{dismissed.id}", {"decision": "dismiss"})
    post(logged_in(seeded, cast["ola"]), f"/moderation/reports/{dismissed.id}", {"decision": "uphold", "reason": "x"})
    db.session.refresh(dismissed)
    assert dismissed.state == PostState.VISIBLE  # dismissed first, so the late uphold changed nothing
    post(mo, f"/moderation/reports/{upheld.id}", {"decision": "uphold", "reason": "Advertising"})
    db.session.refresh(upheld)
    assert upheld.state == PostState.HIDDEN and upheld.state_reason == "Advertising"
    assert {flag.resolution for flag in db.session.scalars(select(PostFlag).where(PostFlag.post_id == upheld.id))} == {
        "upheld"
    }
    assert "hid your post" in inbox.recent(spammer)[0].message

    another = reported_post(spammer, [make_user()], body="More pens")
    post(mo, f"/moderation/reports/{another.id}", {"decision": "remove_spammer", "reason": "Spam account"})
    db.session.refresh(another)
    assert spammer.is_suspended() and another.state == PostState.HIDDEN
    assert audit.latest_for("member", spammer.id).action == "remove spammer"


def test_bulk_decisions_apply_to_each_selected_entry_and_report_refusals(seeded, cast):
    one = make_item(cast["asha"], status="submitted", title="One")
    two = make_item(cast["asha"], status="submitted", title="Two")
    edited = make_item(cast["asha"], title="Edited")
    library.save_item(edited, item_fields(title="Edited better"), cast["asha"], edited.revision_number)
    post(logged_in(seeded, cast["ola"]), f"/moderation/submissions/{two.id}", {"decision": "publish"})
    mo = logged_in(seeded, cast["mo"])
    response = post(mo, "/moderation/submissions/bulk", {"decision": "approve"})
    assert response.status_code == 422 and "Select at least one entry first" in text_of(response)
    response = mo.post(
        "/moderation/submissions/bulk",
        data={
            "decision": "approve",
            "selected": [str(one.id), str(two.id), str(edited.id)],
            "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', text_of(mo.get("/moderation"))).group(1),
        },
    )
    assert response.status_code == 302
    page = text_of(mo.get("/moderation"))
    assert "Published “One”." in page and "Approved the edit of “Edited better”" in page
    assert "Done (2)" in page and "Not done (1): “Two” is not waiting for review any more: Ola Other chose" in page
    for item in (one, edited):
        db.session.refresh(item)
        assert item.status == "published" and not item.has_pending_edit
    assert edited.title == "Edited better"


def test_bulk_reject_needs_a_reason_and_keeps_the_selection(seeded, cast):
    one = make_item(cast["asha"], status="submitted", title="One")
    mo = logged_in(seeded, cast["mo"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', text_of(mo.get("/moderation"))).group(1)
    response = mo.post(
        "/moderation/submissions/bulk", data={"decision": "reject", "selected": [str(one.id)], "csrf_token": token}
    )
    assert response.status_code == 422 and "Give a reason" in text_of(response)
    assert re.search(rf'value="{one.id}" id="select-submissions-{one.id}"\s+checked', text_of(response))
    mo.post(
        "/moderation/submissions/bulk",
        data={
            "decision": "reject",
            "selected": [str(one.id)],
            "reason": "Not about a partnership",
            "csrf_token": token,
        },
    )
    db.session.refresh(one)
    assert one.status == "rejected" and one.moderator_note == "Not about a partnership"


def test_decisions_need_a_moderator_and_a_csrf_token(seeded, cast):
    item = make_item(cast["asha"], status="submitted")
    member = logged_in(seeded, cast["ben"])
    assert post(member, f"/moderation/submissions/{item.id}", {"decision": "publish"}).status_code == 403
    assert (
        post(member, "/moderation/submissions/bulk", {"decision": "approve", "selected": str(item.id)}).status_code
        == 403
    )
    anonymous = seeded.test_client()
    assert (
        "/login" in post(anonymous, f"/moderation/submissions/{item.id}", {"decision": "publish"}).headers["Location"]
    )
    mo = logged_in(seeded, cast["mo"])
    assert mo.post(f"/moderation/submissions/{item.id}", data={"decision": "publish"}).status_code == 400
    db.session.refresh(item)
    assert item.status == "submitted"


def test_moderators_keep_their_saved_reasons(seeded, cast):
    mo = logged_in(seeded, cast["mo"])
    page = text_of(mo.get("/moderation/reasons"))
    assert saved_reason("posts").text in page
    response = post(mo, "/moderation/reasons", {"used_for": "posts", "text": "x"})
    assert response.status_code == 422 and "3 to 300 characters" in text_of(response)
    post(mo, "/moderation/reasons", {"used_for": "posts", "text": "Repeated the same post in several threads."})
    assert (
        post(
            mo, "/moderation/reasons", {"used_for": "posts", "text": "repeated the same post in several threads."}
        ).status_code
        == 422
    )
    added = db.session.scalar(select(SavedReason).where(SavedReason.text.like("Repeated%")))
    post(mo, f"/moderation/reasons/{added.id}/up")
    db.session.refresh(added)
    texts = [
        reason.text
        for reason in db.session.scalars(
            select(SavedReason).where(SavedReason.used_for == "posts").order_by(SavedReason.position)
        )
    ]
    assert texts[-2] == added.text
    added_id = added.id
    post(mo, f"/moderation/reasons/{added_id}/remove")
    assert "Repeated the same post" not in text_of(mo.get("/moderation/held"))
    assert audit.latest_for("saved reason", added_id).action == "remove saved reason"
    assert (
        post(
            logged_in(seeded, cast["ben"]), "/moderation/reasons", {"used_for": "posts", "text": "Nope nope"}
        ).status_code
        == 403
    )


def test_the_old_queue_addresses_redirect(seeded, cast):
    mo = logged_in(seeded, cast["mo"])
    assert mo.get("/moderation/review").headers["Location"].endswith("/moderation")
    assert mo.get("/moderation/board").headers["Location"].endswith("/moderation/held")


def test_members_do_not_see_the_queue_or_its_counts(seeded, cast):
    member = logged_in(seeded, cast["ben"])
    for url in ("/moderation", "/moderation/held", "/moderation/reports", "/moderation/reasons"):
        assert member.get(url).status_code == 403
    assert "waiting</span>" not in text_of(member.get("/"))


def test_a_late_decision_is_told_who_decided_first(seeded, cast):
    spam = reported_post(make_user(display_name="Pat"), [make_user()])
    mo, ola = logged_in(seeded, cast["mo"]), logged_in(seeded, cast["ola"])
    post(mo, f"/moderation/reports/{spam.id}", {"decision": "dismiss"})
    post(ola, f"/moderation/reports/{spam.id}", {"decision": "uphold", "reason": "Spam"})
    page = text_of(ola.get("/moderation/reports"))
    assert "is not waiting for a decision any more: Mo Moderator chose “dismiss reports”" in page
    db.session.refresh(spam)
    assert spam.state == PostState.VISIBLE


def test_removing_a_spammer_also_closes_reports_that_already_hid_a_post(seeded, cast):
    spammer = make_user(display_name="Pen Seller")
    spammer.trusted = True
    hidden = reported_post(spammer, [reporter_who_counts() for _ in range(3)])  # three reports hide it
    db.session.refresh(hidden)
    assert hidden.state == PostState.HIDDEN
    mo = logged_in(seeded, cast["mo"])
    post(mo, f"/moderation/reports/{hidden.id}", {"decision": "remove_spammer", "reason": "Selling pens"})
    assert "No open reports." in text_of(mo.get("/moderation/reports"))
    assert "Your account is suspended" in inbox.recent(spammer)[0].message
    post(mo, f"/admin/members/{spammer.id}/restore")
    db.session.refresh(hidden)
    assert hidden.state == PostState.VISIBLE and not spammer.is_suspended()


def test_a_submission_changed_since_the_queue_was_shown_is_not_decided(seeded, cast):
    item = make_item(cast["asha"], title="Shared outcomes")
    library.save_item(
        item, item_fields(title="Shared outcomes", body="First proposal."), cast["asha"], item.revision_number
    )
    mo = logged_in(seeded, cast["mo"])
    seen = re.search(r'name="revision" value="(\d+)"', text_of(mo.get("/moderation"))).group(1)
    library.save_item(
        item,
        item_fields(title="Shared outcomes", body="Second proposal, quite different."),
        cast["asha"],
        item.revision_number,
    )
    response = post(mo, f"/moderation/submissions/{item.id}", {"decision": "approve_edit", "revision": seen})
    page = text_of(mo.get(response.headers["Location"]))
    assert "has changed since the queue was shown" in page and "Second proposal, quite different." in page
    db.session.refresh(item)
    assert item.has_pending_edit and "Second proposal" not in item.body
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    mo.post(
        "/moderation/submissions/bulk",
        data={"decision": "approve", "selected": str(item.id), f"revision-{item.id}": seen, "csrf_token": token},
    )
    assert "has changed since the queue was shown" in text_of(mo.get("/moderation"))
    db.session.refresh(item)
    assert item.has_pending_edit  # in bulk too, what the moderator did not see is not approved
    post(
        mo,
        f"/moderation/submissions/{item.id}",
        {"decision": "decline_edit", "reason": "Too vague", "revision": str(item.revision_number)},
    )
    db.session.refresh(item)
    assert not item.has_pending_edit and "was declined" in inbox.recent(cast["asha"])[0].message


def test_bulk_decisions_on_posts(seeded, cast):
    first, second = held_post(cast["ben"]), held_post(cast["ben"], "Second", "Another question")
    reported = [reported_post(make_user(display_name=f"Poster {n}"), [make_user()]) for n in range(2)]
    mo = logged_in(seeded, cast["mo"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', text_of(mo.get("/moderation"))).group(1)
    mo.post(
        "/moderation/held/bulk",
        data={"decision": "approve", "selected": [str(first.id), str(second.id)], "csrf_token": token},
    )
    mo.post(
        "/moderation/reports/bulk",
        data={
            "decision": "uphold",
            "reason": "Adverts",
            "csrf_token": token,
            "selected": [str(each.id) for each in reported],
        },
    )
    for each in (first, second):
        db.session.refresh(each)
        assert each.state == PostState.VISIBLE
    for each in reported:
        db.session.refresh(each)
        assert each.state == PostState.HIDDEN and each.state_reason == "Adverts"
    assert "Done (2)" in text_of(mo.get("/moderation/reports"))


def test_headings_in_a_submission_sit_below_the_entry_heading(seeded, cast):
    make_item(cast["asha"], status="submitted", title="Headings", body="## What we did\n\nThings.")
    page = text_of(logged_in(seeded, cast["mo"]).get("/moderation"))
    assert "<h4>What we did</h4>" in page and "<h2>What we did</h2>" not in page
