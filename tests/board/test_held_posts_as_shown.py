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
    response = post(mod, f"/board/p/{held.id}/approve",
                    {"revision": re.search(r'name="revision" value="(\d+)"', page).group(1)})
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
