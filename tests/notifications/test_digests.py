"""`flask kb mail digests`: one mail per member whose daily (weekly) digest is due, listing what
is new with titles, themes and links; nothing when nothing is new or the digest is not due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from kb.board import service as board
from kb.notifications import digests
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.notifications.models import DigestEntry
from tests.factories import category_named, make_item
from tests.notifications.conftest import MONDAY, choose, theme_title, waiting_for


def run_at(moment, mailbox) -> list:
    clock.freeze(moment)
    digests.send_digests()
    return mailbox.deliver()


def test_a_daily_digest_lists_each_new_item_then_the_next_run_sends_nothing(people, mailbox):
    ann, mod = people["ann"], people["mod"]
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    reply = board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    clock.freeze(MONDAY + timedelta(hours=2))
    item = make_item(ann, title="Shared training for councillors", moderator=mod)
    assert run_at(MONDAY + timedelta(hours=3), mailbox) == []  # the same day: not due yet
    # Tuesday 07:00 (the moderator's digest of work that waited goes too)
    [digest] = [m for m in run_at(MONDAY + timedelta(days=1, hours=-3), mailbox) if m["To"] == ann.email]
    assert digest["To"] == "ann@example.org"
    assert digest["Subject"] == "Your daily Common Ground digest: 2 new items"
    text, html = mailbox.text_of(digest), mailbox.html_of(digest)
    assert "Replies in threads you watch" in text and "Sharing a building with a charity" in text
    assert f"http://127.0.0.1:5000/board/p/{reply.id}" in text
    assert "Shared training for councillors" in text and f"/case-studies/{item.id}" in text
    assert f"Themes: {theme_title('improving-understanding')}" in text
    assert f'href="http://127.0.0.1:5000/board/p/{reply.id}"' in html
    assert digest["List-Unsubscribe"] and digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert waiting_for(ann) == []
    assert run_at(MONDAY + timedelta(days=1, hours=-2), mailbox) == []
    assert run_at(MONDAY + timedelta(days=2), mailbox) == []  # nothing new: no empty digest


def test_a_weekly_digest_waits_for_its_week(people, mailbox):
    ben = people["ben"]
    choose(ben, ("improving-understanding",))  # new case studies: weekly, the default
    make_item(people["ann"], title="Shared training for councillors", moderator=people["mod"])
    mailbox.deliver()  # the author's own decision mail, if any
    for days in (1, 3, 6):
        assert [m for m in run_at(MONDAY + timedelta(days=days), mailbox) if m["To"] == ben.email] == []
    [digest] = [m for m in run_at(MONDAY + timedelta(days=7, hours=-3), mailbox) if m["To"] == ben.email]
    assert digest["Subject"] == "Your weekly Common Ground digest: 1 new item"
    assert "New case studies on the themes you choose" in mailbox.text_of(digest)
    # The next week counts from this digest: a case study two days later waits five more days.
    clock.freeze(MONDAY + timedelta(days=9))
    make_item(people["ann"], title="A second case study", moderator=people["mod"])
    assert [m for m in run_at(MONDAY + timedelta(days=13), mailbox) if m["To"] == ben.email] == []
    [later] = [m for m in run_at(MONDAY + timedelta(days=14), mailbox) if m["To"] == ben.email]
    assert "A second case study" in mailbox.text_of(later)


def test_off_sends_nothing_ever(people, mailbox):
    ann = people["ann"]
    choose(ann, replies="off", decisions="off")
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    make_item(ann, moderator=people["mod"])
    assert waiting_for(ann) == []
    assert [m for m in run_at(MONDAY + timedelta(days=1), mailbox) if m["To"] == ann.email] == []
    assert [m for m in run_at(MONDAY + timedelta(days=8), mailbox) if m["To"] == ann.email] == []


def test_turning_a_kind_off_drops_what_waited_for_its_digest(people, mailbox):
    ann = people["ann"]
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    assert len(waiting_for(ann)) == 1
    choose(ann, replies="off")
    assert waiting_for(ann) == []
    assert run_at(MONDAY + timedelta(days=1), mailbox) == []


def test_the_command_shows_progress_and_what_it_did(people, mailbox, runner):
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=people["ann"]
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    clock.freeze(MONDAY + timedelta(days=1))
    result = runner.invoke(args=["kb", "mail", "digests"])
    assert result.exit_code == 0, result.output
    assert "Members with new items" in result.output
    assert "1 member with new items: 1 digest queued, listing 1 item; 0 not due yet" in result.output
    assert "Sent 1;" in result.output
    assert [message["To"] for message in mailbox.messages] == ["ann@example.org"]


def test_two_runs_at_once_send_one_digest(people, mailbox, monkeypatch):
    ann = people["ann"]
    choose(ann)  # the defaults, stored: this run writes nothing before it marks the items
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    clock.freeze(MONDAY + timedelta(days=1))
    due = digests._due

    def another_run_sends_it_meanwhile(settings, frequency, waiting):
        # Between this run reading the items and marking them sent, another run marks them.
        with db.engine.begin() as other_run:
            other_run.execute(update(DigestEntry).where(DigestEntry.user_id == ann.id).values(sent_at=clock.now()))
        return due(settings, frequency, waiting)

    monkeypatch.setattr(digests, "_due", another_run_sends_it_meanwhile)
    run = digests.send_digests()
    assert (run.members, run.digests) == (1, 0)
    assert mailbox.deliver() == []


def test_a_suspended_members_digest_waits_until_the_suspension_ends(people, mailbox):
    ann = people["ann"]
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    ann.suspended_until = MONDAY + timedelta(days=3)
    db.session.commit()
    clock.freeze(MONDAY + timedelta(days=1))
    assert digests.send_digests().not_mailed == 1
    assert mailbox.deliver() == []
    [digest] = run_at(MONDAY + timedelta(days=4), mailbox)
    assert digest["To"] == "ann@example.org"


def test_items_kept_for_a_digest_go_in_the_daily_one_after_switching_to_each_time(people, mailbox):
    ann = people["ann"]
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    choose(ann, replies="immediate")
    [digest] = run_at(MONDAY + timedelta(days=1), mailbox)
    assert digest["Subject"] == "Your daily Common Ground digest: 1 new item"
