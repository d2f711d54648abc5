"""The board with threads open, locked, pinned, moved and held, and posts held, hidden, removed,
reported and edited; a suspended member and a removed spammer."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from kb.auth import service as accounts
from kb.board import moderation
from kb.board import service as board
from kb.board.models import BoardCategory, WatchedWord
from kb.platform import clock
from kb.platform.extensions import db
from tests.site.harness import MEMBERS_ONLY, MODERATORS, MODERATORS_ONLY, SIGNED_IN, Site, registers_states

# The board is for members unless KB_BOARD_PUBLIC is set: its titles are secret from visitors.
MEMBERS = set(SIGNED_IN)
HELD_THREAD = {"anonymous": 302, "member": 404, "author": 200, "moderator": 200, "admin": 200}


def category(slug: str) -> BoardCategory:
    return db.session.scalar(select(BoardCategory).where(BoardCategory.slug == slug))


def thread_address(thread) -> str:
    return f"/board/t/{thread.id}-{thread.slug}"


def veteran(site: Site, key: str):
    """A member whose reports count and whose posts need no approval."""
    person = site.person(key)
    person.trusted, person.created_at = True, clock.now() - timedelta(days=60)
    db.session.commit()
    return person


@registers_states("board")
def board_states(site: Site) -> None:
    member, author, moderator = site.people["member"], site.people["author"], site.people["moderator"]
    member.trusted = True
    db.session.commit()
    reporters = [veteran(site, f"reporter{number}") for number in (1, 2, 3)]
    general = category("general")

    opening = board.start_thread(
        general,
        f"Open thread {site.secret('thread title', MEMBERS)}",
        "How do you run a compact working group?",
        by=member,
    )
    thread = opening.thread
    board.reply(thread, "A moderator's answer.", by=moderator)
    held = board.reply(thread, f"My first post {site.secret('held post', {'author', *MODERATORS})}", by=author)
    hidden = board.reply(thread, f"Rude words {site.secret('hidden post', MODERATORS)}", by=reporters[0])
    moderation.hide_post(hidden, by=moderator, reason="Not civil.")
    removed = board.reply(thread, f"Second thoughts {site.secret('removed post', MODERATORS)}", by=reporters[1])
    board.remove_own_post(removed, by=reporters[1])
    reported = board.reply(thread, "A post one member reported.", by=reporters[2])
    # The member's own words: moderators' eyes only on the site, but in the member's own data download.
    note = site.secret("report note", MODERATORS, written_by={"member"})
    board.flag_post(reported, by=member, reason="off-topic", note=f"Noted {note}")
    mobbed_word = site.secret("reported hidden", MODERATORS, written_by={"member"})
    mobbed = board.reply(thread, f"Reported by three {mobbed_word}", by=member)
    for reporter in reporters:
        board.flag_post(mobbed, by=reporter, reason="spam")
    edited = board.reply(thread, f"First words {site.secret('earlier text', MODERATORS)}", by=reporters[0])
    board.edit_post(edited, "Better words.", by=reporters[0])

    pinned = board.start_thread(general, "Pinned thread: read this first", "House rules.", by=moderator).thread
    moderation.set_thread_flag(pinned, moderator, "pinned", True)
    locked = board.start_thread(general, "Locked thread that takes no replies", "Closed.", by=member).thread
    moderation.set_thread_flag(locked, moderator, "locked", True)
    moved = board.start_thread(general, "Moved thread about money", "Funding question.", by=member).thread
    moderation.move_thread(moved, category("funding-it-better"), moderator)
    held_thread = board.start_thread(
        general,
        f"Held thread {site.secret('held thread', {'author', *MODERATORS})}",
        "Waiting for approval.",
        by=author,
    ).thread
    discussion = board.start_thread(
        general, "Discussing a case study", "What do you think?", by=member, case_study=site.refs["case_study"]
    ).thread

    spammer = site.person("spammer")
    current_app.config["KB_PREMODERATION_POSTS"], was = 0, current_app.config["KB_PREMODERATION_POSTS"]
    spam = board.reply(thread, f"Buy now {site.secret('spam post', MODERATORS)}", by=spammer)
    current_app.config["KB_PREMODERATION_POSTS"] = was
    moderation.remove_spammer(spammer, by=moderator, until=clock.now() + timedelta(days=365), reason="Spam.")
    suspended = site.person("suspended")
    accounts.suspend_member(
        suspended,
        by=moderator,
        until=clock.now() + timedelta(days=7),
        reason=f"Cooling off {site.secret('suspension reason', MODERATORS)}",
    )
    moderation.add_watched_word(site.secret("watched word", MODERATORS), by=moderator)
    site.refs.update(members_thread=thread, held_post=held)
    site.ids.update(
        post_id=reported.id,
        thread_id=thread.id,
        user_id=suspended.id,
        category_id=general.id,
        word_id=db.session.scalar(select(WatchedWord.id)),
    )
    site.ids.update(
        {
            "subject_id@submissions": site.refs["resubmitted case study"].id,
            "subject_id@held": held.id,
            "subject_id@reports": reported.id,
        }
    )

    for page in ("/board", "/board/general", "/board/funding-it-better", "/my/watching", "/board/new"):
        site.page(page, MEMBERS_ONLY)  # members only unless the board is made public: a setting, not the route
    for each in (thread, pinned, locked, moved, discussion):
        site.page(thread_address(each), MEMBERS_ONLY)
    site.page(thread_address(held_thread), HELD_THREAD)
    site.page(f"/board/t/{thread.id}/reply")
    site.page(f"/board/t/{thread.id}/reply?quote={reported.id}")
    site.page(f"/board/discuss/{site.refs['case_study'].id}", {**dict.fromkeys(SIGNED_IN, 302), "anonymous": 302})
    for post in (opening, hidden, removed, reported, mobbed, edited, spam):
        site.page(f"/board/p/{post.id}", {**dict.fromkeys(SIGNED_IN, 302), "anonymous": 302})
    site.page(f"/board/p/{held.id}", {**dict.fromkeys(SIGNED_IN, 302), "anonymous": 302, "member": 404})
    site.page(f"/board/p/{edited.id}/history", MODERATORS_ONLY)  # the view's rule, not the route's
    site.page(f"/board/p/{reported.id}/flag")
    site.page(
        f"/board/p/{opening.id}/edit", {"anonymous": 302, "member": 200, "author": 403, "moderator": 200, "admin": 200}
    )
    site.page(f"/board/p/{reported.id}/hide")
    for person in (suspended, spammer, author):
        site.page(f"/admin/members/{person.id}/suspend")
        site.page(f"/admin/members/{person.id}")
    # The address the suspend page had before it joined the members pages still leads there.
    site.page(f"/moderation/members/{suspended.id}/suspend", {**MODERATORS_ONLY, "moderator": 308, "admin": 308})
    site.page(f"/moderation/board/categories/{general.id}")
    site.page("/moderation/board/categories")
    site.page("/moderation/watched-words")

    site.form("/board/new", "member")
    site.form(f"/board/t/{thread.id}/reply", "member")
    site.form(f"/board/p/{opening.id}/edit", "member")
    site.form(f"/board/p/{reported.id}/flag", "author")
    site.form(f"/board/p/{reported.id}/hide", "moderator")
    site.form(f"/admin/members/{site.people['author'].id}/suspend", "moderator")
    site.form("/moderation/board/categories", "moderator")
    site.form(f"/moderation/board/categories/{general.id}", "moderator")
    site.form("/moderation/watched-words", "moderator")
