"""Keeping the board safe: pre-moderation, watched words, reports, moderators' actions, suspension,
rate limits and the audit log."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from kb.board.models import PostState
from kb.platform import clock
from kb.platform.audit import AuditEntry, AuditLogIsAppendOnly
from kb.platform.extensions import db
from tests.board.conftest import category, post, posts_in, start, texts, the_thread


def thread_page(client, thread) -> str:
    return client.get(f"/board/t/{thread.id}-{thread.slug}?page=1").get_data(as_text=True)


def test_a_new_members_first_posts_wait_for_approval_and_set_off_nothing(board, people, client_of):
    board.config["KB_PREMODERATION_POSTS"] = 3
    ben, ann, mod = client_of(people["ben"]), client_of(people["ann"]), client_of(people["mod"])
    start(mod, title="Introduce yourself here", body="Say hello.")
    thread = the_thread("Introduce yourself here")
    thread_page(ann, thread)  # Ann has read it all
    response = post(ben, f"/board/t/{thread.id}/reply", {"body": "Hello from Ben, my first post."})
    held = posts_in(thread)[-1]
    assert held.state == PostState.HELD
    assert "awaiting approval" in ben.get(response.headers["Location"]).get_data(as_text=True)
    # Others see nothing of it: not on the page, not in counts, no unread mark, not in their watch list.
    assert "Hello from Ben" not in thread_page(ann, thread)
    assert "New posts" not in ann.get("/board/general").get_data(as_text=True)
    assert ">2</td>" not in ann.get("/board").get_data(as_text=True).split('href="/board/general"')[1].split("</tr>")[0]
    # The author sees it, marked.
    assert "Hello from Ben" in thread_page(ben, thread) and "Awaiting approval" in thread_page(ben, thread)

    post(mod, f"/board/p/{held.id}/approve", {"next": "queue"})
    assert "Hello from Ben" in thread_page(ann, thread)
    assert "approve post" in mod.get("/moderation/log").get_data(as_text=True).lower()


def test_a_thread_whose_first_post_is_held_exists_only_for_its_author_and_moderators(board, people, client_of):
    board.config["KB_PREMODERATION_POSTS"] = 3
    ben, ann, mod = client_of(people["ben"]), client_of(people["ann"]), client_of(people["mod"])
    start(ben, title="A question from a newcomer", body="How do we start a compact?")
    thread = the_thread("A question from a newcomer")
    assert not thread.approved
    assert ann.get(f"/board/t/{thread.id}-{thread.slug}").status_code == 404
    assert "A question from a newcomer" not in ann.get("/board/general").get_data(as_text=True)
    assert ben.get(f"/board/t/{thread.id}-{thread.slug}").status_code == 200
    assert "A question from a newcomer" in mod.get("/moderation/held").get_data(as_text=True)
    post(mod, f"/board/p/{posts_in(thread)[0].id}/approve")
    assert "A question from a newcomer" in ann.get("/board/general").get_data(as_text=True)


def test_after_three_approved_posts_a_member_posts_straight_away(board, people, client_of):
    board.config["KB_PREMODERATION_POSTS"] = 3
    ben, mod = client_of(people["ben"]), client_of(people["mod"])
    start(mod, title="Introduce yourself here")
    thread = the_thread("Introduce yourself here")
    for number in range(3):
        post(ben, f"/board/t/{thread.id}/reply", {"body": f"Post {number}"})
        post(mod, f"/board/p/{posts_in(thread)[-1].id}/approve")
    post(ben, f"/board/t/{thread.id}/reply", {"body": "My fourth post"})
    assert posts_in(thread)[-1].state == PostState.VISIBLE


def test_posts_with_a_watched_word_are_held(people, client_of):
    mod, ann = client_of(people["mod"]), client_of(people["ann"])
    assert post(ann, "/moderation/watched-words", {"word": "casino"}).status_code == 403
    post(mod, "/moderation/watched-words", {"word": "Casino"})
    start(ann, title="Funding ideas for the year", body="Try the CASINO grants, they pay well.")
    assert posts_in(the_thread("Funding ideas for the year"))[0].state == PostState.HELD
    start(ann, title="A word inside a word", body="Occasinoally is not the word.")
    assert posts_in(the_thread("A word inside a word"))[0].state == PostState.VISIBLE
    response = post(mod, "/moderation/watched-words", {"word": "casino"})
    assert response.status_code == 422 and "already on the list" in response.get_data(as_text=True)


def test_three_reports_hide_a_post_until_a_moderator_decides(board, people, client_of):
    ann = client_of(people["ann"])
    start(ann, body="Buy cheap pens at example.com")
    thread = the_thread()
    spam = posts_in(thread)[0]
    ben, cat, dev, mod = (client_of(people[name]) for name in ("ben", "cat", "dev", "mod"))
    assert post(ann, f"/board/p/{spam.id}/flag", {"reason": "spam"}).status_code == 403  # not your own
    post(ben, f"/board/p/{spam.id}/flag", {"reason": "spam"})
    again = post(ben, f"/board/p/{spam.id}/flag", {"reason": "offensive"})
    assert "already reported" in ben.get(again.headers["Location"]).get_data(as_text=True)
    response = post(cat, f"/board/p/{spam.id}/flag", {"reason": "other", "note": ""})
    assert response.status_code == 422 and "Say what is wrong" in response.get_data(as_text=True)
    post(cat, f"/board/p/{spam.id}/flag", {"reason": "other", "note": "Advertising"})
    assert "Buy cheap pens" in thread_page(ben, thread)  # two reports: still shown
    post(dev, f"/board/p/{spam.id}/flag", {"reason": "spam"})
    page = thread_page(ben, thread)
    assert "Buy cheap pens" not in page and "until a moderator looks at it" in page

    queue = mod.get("/moderation/reports").get_data(as_text=True)
    assert "3 reports" in queue and "Advertising" in queue
    # The moderator upholds the reports by hiding it, with a reason shown in its place.
    assert post(mod, f"/board/p/{spam.id}/hide", {"reason": ""}).status_code == 422
    post(mod, f"/board/p/{spam.id}/hide", {"reason": "Advertising is not allowed"})
    assert "Hidden by a moderator: Advertising is not allowed" in thread_page(ben, thread)
    assert "No open reports." in mod.get("/moderation/reports").get_data(as_text=True)


def test_dismissing_reports_brings_a_post_back(board, people, client_of):
    board.config["KB_FLAGS_TO_HIDE"] = 1
    start(client_of(people["ann"]), body="An unpopular but fair opinion.")
    thread = the_thread()
    opinion = posts_in(thread)[0]
    post(client_of(people["ben"]), f"/board/p/{opinion.id}/flag", {"reason": "off-topic"})
    ben, mod = client_of(people["ben"]), client_of(people["mod"])
    assert "An unpopular but fair opinion." not in thread_page(ben, thread)
    post(mod, f"/board/p/{opinion.id}/dismiss-reports")
    assert "An unpopular but fair opinion." in thread_page(ben, thread)
    # A second moderator deciding the same reports is told it was already decided.
    response = post(mod, f"/board/p/{opinion.id}/dismiss-reports")
    page = mod.get(response.headers["Location"]).get_data(as_text=True)
    assert "no open reports on this post any more: Mo Moderator chose" in page


def test_a_locked_thread_takes_no_replies(people, client_of):
    ann, mod = client_of(people["ann"]), client_of(people["mod"])
    start(ann)
    thread = the_thread()
    post(mod, f"/board/t/{thread.id}/lock")
    page = thread_page(ann, thread)
    assert "This thread is locked" in page and f'action="/board/t/{thread.id}/reply"' not in page
    response = post(ann, f"/board/t/{thread.id}/reply", {"body": "Sneaking in a reply"})
    assert response.status_code == 422 and "locked" in response.get_data(as_text=True)
    assert "Sneaking in a reply" in response.get_data(as_text=True)  # what was typed is kept
    assert len(posts_in(thread)) == 1
    post(mod, f"/board/t/{thread.id}/unlock")
    assert post(ann, f"/board/t/{thread.id}/reply", {"body": "Now it works"}).status_code == 302


def test_moderators_move_threads_between_categories(people, client_of):
    mod = client_of(people["mod"])
    start(client_of(people["ann"]))
    thread = the_thread()
    post(mod, f"/board/t/{thread.id}/move", {"category": "funding-it-better"})
    assert the_thread().category_id == category("funding-it-better").id
    response = post(mod, f"/board/t/{thread.id}/move", {"category": "nowhere"})
    assert "Choose a category from the list" in mod.get(response.headers["Location"]).get_data(as_text=True)
    assert "move thread" in mod.get("/moderation/log").get_data(as_text=True).lower()


def test_a_suspended_member_is_signed_out_told_why_and_cannot_post_or_report(board, people, client_of):
    ann, ben, mod = client_of(people["ann"]), client_of(people["ben"]), client_of(people["mod"])
    start(ann)
    thread = the_thread()
    until = (clock.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    response = post(
        mod, f"/admin/members/{people['ben'].id}/suspend", {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": ""}
    )
    assert response.status_code == 422 and "Give the reason" in response.get_data(as_text=True)
    response = post(
        mod,
        f"/admin/members/{people['ben'].id}/suspend",
        {"until": "next tuesday", "reason": "Repeated personal attacks"},
    )
    assert response.status_code == 422 and "Enter the date and time" in response.get_data(as_text=True)
    post(
        mod,
        f"/admin/members/{people['ben'].id}/suspend",
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Repeated personal attacks"},
    )
    # The suspension takes effect at once: the member is signed out and told why and until when.
    board.config["KB_BOARD_PUBLIC"] = True
    page = thread_page(ben, thread)
    assert "Repeated personal attacks" in page and "suspended until" in page
    assert "We meet monthly." in page  # still readable, as for any visitor to a public board
    response = ben.post(f"/board/t/{thread.id}/reply", data={"body": "Let me in"})
    assert response.status_code in (302, 400) and len(posts_in(thread)) == 1
    log = mod.get("/moderation/log").get_data(as_text=True)
    assert "Suspend member" in log and "Repeated personal attacks" in log
    post(mod, f"/admin/members/{people['ben'].id}/unsuspend")
    assert post(client_of(people["ben"]), f"/board/t/{thread.id}/reply", {"body": "Back again"}).status_code == 302


def test_a_suspended_member_is_told_by_mail_as_well_and_again_when_it_is_lifted(board, people, client_of, mailbox):
    mod = client_of(people["mod"])
    until = (clock.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    post(
        mod,
        f"/admin/members/{people['ben'].id}/suspend",
        {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Repeated personal attacks"},
    )
    (suspended,) = mailbox.deliver()
    assert suspended["To"] == people["ben"].email and "suspended" in suspended["Subject"]
    assert "Repeated personal attacks" in mailbox.text_of(suspended)
    post(mod, f"/admin/members/{people['ben'].id}/unsuspend")
    (lifted,) = mailbox.deliver()
    assert lifted["To"] == people["ben"].email and "post on the discussion board" in mailbox.text_of(lifted)


def test_the_suspend_page_moved_to_the_members_pages_and_its_old_address_follows(board, people, client_of):
    mod = client_of(people["mod"])
    old = mod.get(f"/moderation/members/{people['ben'].id}/suspend")
    assert old.status_code == 308 and old.headers["Location"].endswith(f"/admin/members/{people['ben'].id}/suspend")
    kept = post(mod, f"/moderation/members/{people['ben'].id}/unsuspend")
    assert kept.status_code == 308 and kept.headers["Location"].endswith(f"/admin/members/{people['ben'].id}/unsuspend")


def test_a_suspended_account_still_signed_in_elsewhere_cannot_post(people, client_of):
    from kb.board import service
    from kb.board.service import NotAllowed

    start(client_of(people["ann"]))
    ben = people["ben"]
    ben.suspended_until, ben.suspension_reason = clock.now() + timedelta(days=1), "Spam"
    with pytest.raises(NotAllowed, match="suspended"):
        service.reply(the_thread(), "Sneaky", by=ben)
    with pytest.raises(NotAllowed):
        service.flag_post(posts_in(the_thread())[0], ben, "spam")


def test_posting_is_rate_limited_and_keeps_what_was_typed(board, people, client_of):
    board.config["KB_POSTS_PER_MINUTE"] = 2
    ann = client_of(people["ann"])
    clock.freeze(datetime(2026, 5, 1, 10, 0, 0))
    start(ann)
    thread = the_thread()
    post(ann, f"/board/t/{thread.id}/reply", {"body": "Second"})
    response = post(ann, f"/board/t/{thread.id}/reply", {"body": "A third, too soon"})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Wait a minute" in page and "A third, too soon" in page
    clock.freeze(datetime(2026, 5, 1, 10, 1, 1))
    assert post(ann, f"/board/t/{thread.id}/reply", {"body": "A third, later"}).status_code == 302


def test_members_in_pre_moderation_have_a_lower_limit(board, people, client_of):
    board.config.update(KB_PREMODERATION_POSTS=3, KB_NEW_MEMBER_POSTS_PER_MINUTE=1)
    mod, ben = client_of(people["mod"]), client_of(people["ben"])
    start(mod, title="Introduce yourself here")
    thread = the_thread("Introduce yourself here")
    assert post(ben, f"/board/t/{thread.id}/reply", {"body": "One"}).status_code == 302
    assert post(ben, f"/board/t/{thread.id}/reply", {"body": "Two"}).status_code == 429


def test_the_audit_log_is_append_only(people, client_of):
    mod = client_of(people["mod"])
    start(client_of(people["ann"]))
    post(mod, f"/board/t/{the_thread().id}/pin")
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "pin thread" and entry.actor_name == "Mo Moderator"
    entry.reason = "rewritten history"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEntry)))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_moderators_manage_categories(people, client_of):
    mod = client_of(people["mod"])
    post(mod, "/moderation/board/categories", {"new-title": "Events", "new-description": "Meet-ups and training"})
    events = category("events")
    assert events.title == "Events" and "Meet-ups and training" in mod.get("/board").get_data(as_text=True)
    post(mod, f"/moderation/board/categories/{events.id}", {"title": "Events and training", "description": "All"})
    assert category("events").title == "Events and training"  # the address stays
    post(mod, f"/moderation/board/categories/{events.id}/move", {"direction": "up"})
    names = [c.slug for c in sorted(db.session.scalars(select(type(events))), key=lambda c: c.position)]
    assert names[-2:] == ["events", "general"]
    response = post(mod, "/moderation/board/categories", {"new-title": "Events and training"})
    assert response.status_code == 422 and "already a category" in response.get_data(as_text=True)


def test_hidden_posts_keep_their_place_so_links_stay_valid(people, client_of):
    ann, ben, mod = client_of(people["ann"]), client_of(people["ben"]), client_of(people["mod"])
    start(ann)
    thread = the_thread()
    post(ben, f"/board/t/{thread.id}/reply", {"body": "Rude words here"})
    rude = posts_in(thread)[-1]
    post(ann, f"/board/t/{thread.id}/reply", {"body": "A later, kind reply"})
    post(mod, f"/board/p/{rude.id}/hide", {"reason": "Rude"})
    page = thread_page(ann, thread)
    assert f'id="post-{rude.id}"' in page and "Rude words here" not in page
    assert texts(page) == ["We meet monthly.", "A later, kind reply"]
    post(mod, f"/board/p/{rude.id}/unhide")
    assert "Rude words here" in thread_page(ann, thread)


def test_thread_post_counts_match_a_recount_after_every_kind_of_change(board, people, client_of):
    board.config["KB_FLAGS_TO_HIDE"] = 1
    ann, ben, mod = client_of(people["ann"]), client_of(people["ben"]), client_of(people["mod"])
    start(ann)
    thread = the_thread()
    for body in ("two", "three", "four", "five"):
        post(ben, f"/board/t/{thread.id}/reply", {"body": body})
    first, two, three, four, five = posts_in(thread)
    post(mod, f"/board/p/{two.id}/hide", {"reason": "No"})
    post(ben, f"/board/p/{three.id}/remove")
    post(ann, f"/board/p/{four.id}/flag", {"reason": "spam"})
    post(mod, "/moderation/watched-words", {"word": "forbidden"})
    post(ben, f"/board/p/{five.id}/edit", {"body": "now forbidden"})
    post(mod, f"/board/p/{two.id}/unhide")

    def recount():
        return sum(1 for each in posts_in(thread) if each.state == "visible")

    assert [each.state for each in posts_in(thread)] == ["visible", "visible", "removed", "hidden", "held"]
    assert the_thread().visible_posts == recount() == 2
    assert "1</td>" in ann.get("/board/general").get_data(as_text=True)  # replies: 2 visible posts - 1


def test_board_decisions_reach_the_author(people, client_of):
    ann, mod = client_of(people["ann"]), client_of(people["mod"])
    start(ann)
    post(mod, f"/board/p/{posts_in(the_thread())[0].id}/hide", {"reason": "Off-topic for this board"})
    notes = ann.get("/my/notifications").get_data(as_text=True)
    assert "A moderator hid your post in “How do you run a compact working group?”" in notes
    assert "Off-topic for this board" in notes


def test_approve_and_trust_lets_a_member_skip_pre_moderation(board, people, client_of):
    board.config["KB_PREMODERATION_POSTS"] = 3
    ben, mod = client_of(people["ben"]), client_of(people["mod"])
    start(mod, title="Introduce yourself here")
    thread = the_thread("Introduce yourself here")
    post(ben, f"/board/t/{thread.id}/reply", {"body": "Hello, first post"})
    held = posts_in(thread)[-1]
    post(mod, f"/board/p/{held.id}/approve-and-trust", {"next": "queue"})
    post(ben, f"/board/t/{thread.id}/reply", {"body": "Second post, straight through"})
    assert [each.state for each in posts_in(thread)[1:]] == ["visible", "visible"]
    assert "Trust member" in mod.get("/moderation/log").get_data(as_text=True)
    # A second moderator arriving late is told who decided, and nothing changes.
    response = post(mod, f"/board/p/{held.id}/approve")
    message = mod.get(response.headers["Location"]).get_data(as_text=True)
    assert "not waiting for approval any more: Mo Moderator chose “approve post”" in message
