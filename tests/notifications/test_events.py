"""What happens when something a member asked to hear about happens: one mail at once, an entry
for their digest, or nothing (their own reply, a held post, an unverified or suspended member)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kb.auth import verification
from kb.board import moderation
from kb.board import service as board
from kb.library import service as library
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox
from kb.platform.notifications import Kind
from tests.factories import category_named, make_item, make_user
from tests.notifications.conftest import choose, theme_title, waiting_for


def a_thread_by(author, title="How do you run a compact working group?"):
    return board.start_thread(category_named("general"), title, "We meet monthly.", by=author).thread


def test_a_reply_in_a_watched_thread_arrives_at_once_with_both_parts_and_an_unsubscribe_link(people, mailbox):
    ann, ben = people["ann"], people["ben"]
    choose(ann, replies="immediate")
    thread = a_thread_by(ann)
    post = board.reply(thread, "We meet **every month**, with minutes shared.", by=ben)
    arrived = mailbox.deliver()
    assert [message["To"] for message in arrived] == ["ann@example.org"]
    message = arrived[0]
    assert message["Subject"] == "New reply in “How do you run a compact working group?”"
    assert message.get_content_type() == "multipart/alternative"
    text, html = mailbox.text_of(message), mailbox.html_of(message)
    assert "Ben Reader replied: We meet every month, with minutes shared." in text
    assert f"/board/p/{post.id}" in text and f'href="http://127.0.0.1:5000/board/p/{post.id}"' in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text and f'href="{unsubscribe}"' in html


def test_nobody_is_told_of_their_own_reply(people, mailbox):
    ann = people["ann"]
    choose(ann, replies="immediate")
    board.reply(a_thread_by(ann), "Adding a note to my own question.", by=ann)
    assert mailbox.deliver() == []
    assert waiting_for(ann) == []


def test_a_held_reply_is_told_only_once_a_moderator_publishes_it(site, people, mailbox):
    ann, mod = people["ann"], people["mod"]
    choose(ann, replies="immediate")
    thread = a_thread_by(ann)
    site.config["KB_PREMODERATION_POSTS"] = 3
    newcomer = make_user(email="new@example.org", display_name="Nia Newcomer")
    held = board.reply(thread, "My first post here.", by=newcomer)
    assert not held.is_visible
    assert mailbox.deliver() == []
    moderation.approve_post(held, by=mod)
    arrived = mailbox.deliver()
    assert [message["To"] for message in arrived] == ["ann@example.org"]
    assert "Nia Newcomer replied: My first post here." in mailbox.text_of(arrived[0])
    # The newcomer hears of the decision on their post in their daily digest (the default).
    [decision] = waiting_for(newcomer)
    assert decision.kind == Kind.DECISIONS and "was approved" in decision.summary


def test_unverified_and_suspended_members_are_mailed_nothing(people, mailbox):
    ann, ben = people["ann"], people["ben"]
    unverified = make_user(email="unverified@example.org", verified=False)
    suspended = make_user(email="suspended@example.org")
    suspended.suspended_until = clock.now() + timedelta(days=3)
    db.session.commit()
    thread = a_thread_by(ann)
    for member in (unverified, suspended):
        choose(member, replies="immediate")
        board.watch(member, thread)
    board.reply(thread, "A reply for the watchers.", by=ben)
    assert [message["To"] for message in mailbox.deliver()] == []  # ann takes the daily digest
    assert waiting_for(unverified) == [] and waiting_for(suspended) == []
    assert len(waiting_for(ann)) == 1


def test_a_decision_on_my_case_study_is_mailed_with_its_theme(people, mailbox):
    ann, mod = people["ann"], people["mod"]
    choose(ann, decisions="immediate")
    item = make_item(ann, title="Shared training for councillors", moderator=mod)
    message = mailbox.deliver()[-1]
    assert message["To"] == "ann@example.org"
    assert message["Subject"] == "A moderator’s decision on “Shared training for councillors”"
    text = mailbox.text_of(message)
    assert "has been published" in text and f"Themes: {theme_title('improving-understanding')}" in text
    assert f"/case-studies/{item.id}" in text


def test_a_new_case_study_reaches_members_who_chose_its_theme_and_nobody_else(people, mailbox):
    ann, ben, cat = people["ann"], people["ben"], people["cat"]
    choose(ben, ("improving-understanding",), case_studies="immediate")
    choose(cat, ("funding-it-better",), case_studies="immediate")
    make_item(ann, title="Shared training for councillors", moderator=people["mod"])
    told = [message for message in mailbox.deliver() if message["To"] != "ann@example.org"]
    assert [message["To"] for message in told] == ["ben@example.org"]
    assert told[0]["Subject"] == "New case study: “Shared training for councillors”"


def test_a_title_stored_with_a_line_break_is_told_on_one_line_and_holds_up_no_other_mail(people, mailbox):
    """A case study saved before titles were put on one line: its notification used to stop the
    outbox, with a password reset queued alongside it."""
    ben = people["ben"]
    choose(ben, ("improving-understanding",), case_studies="immediate")
    item = make_item(people["ann"], status="submitted")
    item.title = "Shared training\r\nfor councillors"
    db.session.commit()
    library.publish(item, by=people["mod"])
    verification.request_password_reset("cat@example.org")
    arrived = mailbox.deliver()
    assert sorted(message["To"] for message in arrived) == ["ben@example.org", "cat@example.org"]
    assert mailbox.to("ben@example.org")[0]["Subject"] == "New case study: “Shared training for councillors”"
    assert "Reset your Common Ground password" in mailbox.to("cat@example.org")[0]["Subject"]


def test_a_draft_or_a_submitted_case_study_tells_nobody(people, mailbox):
    ben = people["ben"]
    choose(ben, ("improving-understanding",), case_studies="immediate")
    make_item(people["ann"], status="submitted")
    assert mailbox.deliver() == []
    assert db.session.scalar(select(MailOutbox.id)) is None
    assert waiting_for(ben) == []


def test_a_digest_member_gets_an_entry_instead_of_a_mail(people, mailbox):
    ann = people["ann"]  # the defaults: replies in a daily digest
    board.reply(a_thread_by(ann), "A reply for the digest.", by=people["ben"])
    assert mailbox.deliver() == []
    [entry] = waiting_for(ann)
    assert (entry.kind, entry.title) == (Kind.REPLIES, "How do you run a compact working group?")
