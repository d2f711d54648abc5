"""Bad input and rules: every refusal is a clear message or status, and changes nothing."""

import pytest
from sqlalchemy import func, select

from kb.board.models import BoardPost, BoardThread
from kb.platform.extensions import db
from tests.board.conftest import post, posts_in, start, the_thread
from tests.library.test_input import XSS_PAYLOADS, executable_markup


def counts():
    return db.session.scalar(select(func.count(BoardThread.id))), db.session.scalar(select(func.count(BoardPost.id)))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter a title"),
        ({"title": "Hm"}, "The title must be 5 to 150 characters long"),
        ({"title": "x" * 151}, "The title must be 5 to 150 characters long"),
        ({"body": ""}, "Write something to post"),
        ({"body": "x" * 20_001}, "A post must be 20,000 characters or fewer"),
        ({"category": "no-such-category"}, "Choose a category from the list"),
    ],
)
def test_bad_thread_input_is_explained_and_keeps_what_was_typed(people, client_of, changes, message):
    form = {"category": "general", "title": "A perfectly good title", "body": "A body worth keeping", **changes}
    response = post(client_of(people["ann"]), "/board/new", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and "There is a problem" in page
    kept = form["body"] if form["body"] and len(form["body"]) < 100 else form["title"]
    assert not kept or kept in page
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("body", "message"), [("", "Write something to post"), ("y" * 20_001, "A post must be 20,000 characters or fewer")]
)
def test_bad_replies_are_explained(people, client_of, body, message):
    start(client_of(people["ann"]))
    response = post(client_of(people["ben"]), f"/board/t/{the_thread().id}/reply", {"body": body})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert counts() == (1, 1)


def test_missing_things_are_not_found(people, client_of):
    ben = client_of(people["ben"])
    assert post(ben, "/board/t/999/reply", {"body": "Hello?"}).status_code == 404
    assert ben.get("/board/t/99999999999").status_code == 404
    assert ben.get("/board/p/424242").status_code == 404
    assert ben.get("/board/no-such-category").status_code == 404
    assert ben.get("/board/discuss/31337").status_code == 404
    assert post(ben, "/board/p/424242/flag", {"reason": "spam"}).status_code == 404


def test_members_cannot_take_moderator_actions(people, client_of, client):
    ann, ben = client_of(people["ann"]), client_of(people["ben"])
    start(ann)
    thread = the_thread()
    first = posts_in(thread)[0]
    actions = [
        f"/board/p/{first.id}/approve",
        f"/board/p/{first.id}/hide",
        f"/board/p/{first.id}/unhide",
        f"/board/p/{first.id}/dismiss-reports",
        f"/board/t/{thread.id}/lock",
        f"/board/t/{thread.id}/unlock",
        f"/board/t/{thread.id}/pin",
        f"/board/t/{thread.id}/unpin",
        f"/board/t/{thread.id}/move",
        f"/admin/members/{people['ann'].id}/suspend",
        f"/admin/members/{people['ann'].id}/unsuspend",
        "/moderation/board/categories",
        "/moderation/watched-words",
    ]
    for url in actions:
        assert post(ben, url, {"reason": "x", "category": "general"}).status_code == 403, url
    for url in (
        "/moderation/held",
        "/moderation/log",
        "/moderation/watched-words",
        "/moderation/board/categories",
        f"/board/p/{first.id}/history",
        f"/board/p/{first.id}/hide",
    ):
        assert ben.get(url).status_code == 403, url
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    fresh = the_thread()
    assert not fresh.locked and not fresh.pinned and posts_in(fresh)[0].state == "visible"


def test_posting_without_a_csrf_token_is_refused(app, people, client_of):
    app.config["WTF_CSRF_ENABLED"] = True
    ann = client_of(people["ann"])
    response = ann.post("/board/new", data={"category": "general", "title": "No token here", "body": "Hi"})
    assert response.status_code == 400
    assert counts() == (0, 0)


def test_no_payload_survives_into_any_board_page(people, client_of):
    body = "\n\n".join(XSS_PAYLOADS)
    start(client_of(people["ann"]), title="Payload carrier <script>alert(1)</script>", body=body)
    thread = db.session.scalar(select(BoardThread))
    post(client_of(people["cat"]), f"/board/t/{thread.id}/reply", {"body": body})
    for viewer in ("ben", "mod"):
        reader = client_of(people[viewer])
        for url in (
            f"/board/t/{thread.id}-{thread.slug}",
            "/board/general",
            "/board",
            "/moderation/held",
            f"/board/t/{thread.id}/reply?quote={posts_in(thread)[0].id}",
        ):
            page = reader.get(url).get_data(as_text=True)
            assert executable_markup(page) == [], (viewer, url)
