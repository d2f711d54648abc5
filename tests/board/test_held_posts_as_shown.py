"""Approving a held post approves the version the moderator was shown (on the thread page and in
the queue); an approved post edited by a member still in pre-moderation waits for approval again."""

import re

from kb.auth.models import User
from kb.board.models import BoardPost, PostState
from kb.platform.extensions import db
from tests.board.conftest import post, posts_in, start, the_thread


def held_first_post(board, client):
    board.config["KB_PREMODERATION_POSTS"] = 3
    start(client, title="A newcomer asks about compacts", body="How do we start a compact?")
    return posts_in(the_thread("A newcomer asks about compacts"))[0]


def fresh(post_id: int) -> BoardPost:
    db.session.expire_all()
    return db.session.get(BoardPost, post_id)


def thread_page(client, thread) -> str:
    return client.get(f"/board/t/{thread.id}-{thread.slug}").get_data(as_text=True)


def test_a_held_post_edited_since_the_moderator_saw_it_is_not_approved(board, people, client_of):
    ben, mod = client_of(people["ben"]), client_of(people["mod"])
    held = held_first_post(board, ben)
    page = thread_page(mod, held.thread)
    seen = re.search(r'name="revision" value="(\d+)"', page).group(1)
    post(ben, f"/board/p/{held.id}/edit", {"body": "Buy cheap pens at example.com"})
    for action in ("approve", "approve-and-trust"):
        response = post(mod, f"/board/p/{held.id}/{action}", {"revision": seen})
        page = mod.get(response.headers["Location"]).get_data(as_text=True)
        assert "has changed since you were shown it, so nothing was decided" in page
        assert fresh(held.id).state == PostState.HELD
    assert not db.session.get(User, people["ben"].id).trusted
    response = post(
        mod, f"/board/p/{held.id}/approve", {"revision": re.search(r'name="revision" value="(\d+)"', page).group(1)}
    )
    assert fresh(held.id).state == PostState.VISIBLE


def test_the_queue_does_not_approve_a_held_post_edited_since_it_was_shown(board, people, client_of):
    ben, mod = client_of(people["ben"]), client_of(people["mod"])
    held = held_first_post(board, ben)
    queue = mod.get("/moderation/held").get_data(as_text=True)
    seen = re.search(r'name="revision" value="(\d+)"', queue).group(1)
    post(ben, f"/board/p/{held.id}/edit", {"body": "Something else entirely"})
    response = post(mod, f"/moderation/held/{held.id}", {"decision": "approve", "revision": seen})
    assert "has changed since the queue was shown" in mod.get(response.headers["Location"]).get_data(as_text=True)
    assert fresh(held.id).state == PostState.HELD
    post(mod, "/moderation/held/bulk", {"decision": "approve", "selected": str(held.id), f"revision-{held.id}": seen})
    assert fresh(held.id).state == PostState.HELD


def test_an_approved_post_edited_by_a_member_in_pre_moderation_waits_again(board, people, client_of):
    ben, ann, mod = client_of(people["ben"]), client_of(people["ann"]), client_of(people["mod"])
    held = held_first_post(board, ben)
    post(mod, f"/board/p/{held.id}/approve")
    assert fresh(held.id).state == PostState.VISIBLE
    response = post(ben, f"/board/p/{held.id}/edit", {"body": "Now with a link to my casino"})
    assert "awaiting a moderator" in ben.get(response.headers["Location"]).get_data(as_text=True)
    edited = fresh(held.id)
    assert edited.state == PostState.HELD
    assert "casino" not in thread_page(ann, edited.thread)
    assert "A newcomer asks about compacts" in mod.get("/moderation/held").get_data(as_text=True)


def test_a_trusted_members_edit_stays_visible(board, people, client_of):
    ben = client_of(people["ben"])
    held = held_first_post(board, ben)
    people["ben"].trusted = True
    db.session.commit()
    post(client_of(people["mod"]), f"/board/p/{held.id}/approve")
    post(ben, f"/board/p/{held.id}/edit", {"body": "A small correction"})
    assert fresh(held.id).state == PostState.VISIBLE


def what_a_decision_leaves(board, people, client_of, title: str, decide) -> tuple:
    """The audit entry, the author's in-app message and the moderator's flash a decision leaves."""
    from sqlalchemy import select

    from kb.platform.audit import AuditEntry
    from kb.platform.notifications.models import Notification

    board.config["KB_PREMODERATION_POSTS"] = 3
    ben, mod = client_of(people["ben"]), client_of(people["mod"])
    start(ben, title=title, body="How do we start a compact?")
    held = posts_in(the_thread(title))[0]
    told = mod.get(decide(mod, held).headers["Location"]).get_data(as_text=True)
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    note = db.session.scalars(
        select(Notification).where(Notification.user_id == people["ben"].id).order_by(Notification.id.desc())
    ).first()
    flash = re.search(r"Approved the post in “[^”]+”", told)
    return (
        entry.action,
        entry.target_type,
        note.message.replace(title, "T"),
        flash.group(0).replace(title, "T") if flash else None,
    )


def test_approving_from_the_post_page_is_the_same_decision_as_from_the_queue(board, people, client_of):
    """One pipeline: the same audit entry, the same words to the author and to the moderator."""
    from_page = what_a_decision_leaves(
        board, people, client_of, "Asked on the page", lambda mod, held: post(mod, f"/board/p/{held.id}/approve")
    )
    from_queue = what_a_decision_leaves(
        board,
        people,
        client_of,
        "Asked in the queue",
        lambda mod, held: post(mod, f"/moderation/held/{held.id}", {"decision": "approve"}),
    )
    assert from_page == from_queue
    assert from_page[0] == "approve post" and from_page[3] == "Approved the post in “T”"
