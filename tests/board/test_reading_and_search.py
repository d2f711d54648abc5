"""Unread marks, jumping to the first unread post, watching, and the board in search: findable by
members, and never showing what the thread page would not."""

from datetime import datetime

from kb.board.models import ThreadRead
from kb.platform import clock
from kb.platform.extensions import db
from kb.search import service as search
from tests.board.conftest import post, posts_in, start, the_thread
from tests.factories import make_thread
from tests.search.conftest import titles


def test_threads_with_new_posts_are_marked_and_open_at_the_first_unread(people, client_of):
    thread = make_thread(people["ann"], 25)
    ben = client_of(people["ben"])
    ben.get(f"/board/t/{thread.id}-{thread.slug}?page=1")
    ben.get(f"/board/t/{thread.id}-{thread.slug}?page=2")
    assert "New posts" not in ben.get("/board/general").get_data(as_text=True)
    clock.freeze(datetime(2026, 1, 6, 9, 0))
    post(client_of(people["cat"]), f"/board/t/{thread.id}/reply", {"body": "Something new"})
    clock.freeze(None)
    assert "New posts" in ben.get("/board/general").get_data(as_text=True)
    newest = posts_in(thread)[-1]
    response = ben.get(f"/board/t/{thread.id}-{thread.slug}")
    assert response.headers["Location"] == f"/board/t/{thread.id}-{thread.slug}?page=2#post-{newest.id}"
    ben.get(response.headers["Location"])
    assert "New posts" not in ben.get("/board/general").get_data(as_text=True)
    assert ben.get(f"/board/t/{thread.id}-{thread.slug}").status_code == 200  # all read: no jump


def test_reading_the_last_page_reads_the_thread_up_to_its_last_activity(people, client_of):
    thread = make_thread(people["ann"], 3)
    # Activity later than any post on the page (imported data, say): the last page still reads it all.
    thread.last_activity_at = datetime(2026, 1, 5, 10, 0)
    db.session.commit()
    ben = client_of(people["ben"])
    assert ben.get(f"/board/t/{thread.id}-{thread.slug}").status_code == 200
    assert db.session.get(ThreadRead, (people["ben"].id, thread.id)).read_at == datetime(2026, 1, 5, 10, 0)
    assert "New posts" not in ben.get("/board/general").get_data(as_text=True)
    assert ben.get(f"/board/t/{thread.id}-{thread.slug}").status_code == 200


def test_watched_threads_with_new_posts_show_on_the_watching_page(people, client_of):
    ann, ben = client_of(people["ann"]), client_of(people["ben"])
    clock.freeze(datetime(2026, 2, 1, 9, 0))
    start(ann, title="Watched by its author")
    start(ann, title="Watched by Ben on purpose")
    chosen = the_thread("Watched by Ben on purpose")
    post(ben, f"/board/t/{chosen.id}/watch")
    assert "Nothing new" in ben.get("/my/watching").get_data(as_text=True)
    clock.freeze(datetime(2026, 2, 1, 10, 0))
    post(client_of(people["cat"]), f"/board/t/{chosen.id}/reply", {"body": "News!"})
    post(client_of(people["cat"]), f"/board/t/{the_thread('Watched by its author').id}/reply", {"body": "Hi"})
    clock.freeze(None)
    page = ben.get("/my/watching").get_data(as_text=True)
    fresh = page.split("With new posts")[1].split("No new posts")[0]
    assert "Watched by Ben on purpose" in fresh and "1 new post" in fresh
    assert "Watched by its author" not in page  # Ben does not watch that one
    assert "Watched by its author" in ann.get("/my/watching").get_data(as_text=True).split("No new posts")[0]
    post(ben, f"/board/t/{chosen.id}/unwatch")
    assert "Watched by Ben on purpose" not in ben.get("/my/watching").get_data(as_text=True)


def test_a_held_post_sets_off_no_watch_notice(board, people, client_of):
    board.config["KB_PREMODERATION_POSTS"] = 3
    mod = client_of(people["mod"])
    clock.freeze(datetime(2026, 2, 1, 9, 0))
    start(mod, title="Introduce yourself here")
    clock.freeze(datetime(2026, 2, 1, 10, 0))
    post(client_of(people["ben"]), f"/board/t/{the_thread('Introduce yourself here').id}/reply", {"body": "Hello"})
    clock.freeze(None)
    assert "Nothing new in the threads you watch" in mod.get("/my/watching").get_data(as_text=True)


def test_members_find_threads_in_search_and_anonymous_visitors_do_not(board, people, client_of, client):
    ann = client_of(people["ann"])
    start(ann, title="Shared procurement with the health trust", body="We pooled the budgets for advocacy.")
    search.drain()
    assert titles(ann, "q=advocacy") == ["Shared procurement with the health trust"]
    assert titles(ann, "q=advocacy&type=board+thread") == ["Shared procurement with the health trust"]
    assert titles(client, "q=advocacy") == []
    board.config["KB_BOARD_PUBLIC"] = True
    assert titles(client, "q=advocacy") == ["Shared procurement with the health trust"]


def test_held_hidden_and_removed_posts_are_as_invisible_in_search_as_on_the_page(board, people, client_of):
    ann, ben, mod = client_of(people["ann"]), client_of(people["ben"]), client_of(people["mod"])
    start(ann, title="Partnership boards that work", body="Keep the agenda short.")
    thread = the_thread("Partnership boards that work")
    post(ben, f"/board/t/{thread.id}/reply", {"body": "Invite the zebracorn society."})
    post(ben, f"/board/t/{thread.id}/reply", {"body": "Mention the quokkafund too."})
    search.drain()
    assert titles(ann, "q=zebracorn") == ["Partnership boards that work"]
    zebra, quokka = posts_in(thread)[1:]
    post(mod, f"/board/p/{zebra.id}/hide", {"reason": "Off-topic"})
    post(ben, f"/board/p/{quokka.id}/remove")
    search.drain()
    assert titles(ann, "q=zebracorn") == [] and titles(ann, "q=quokkafund") == []
    assert titles(ann, "q=agenda&type=board+thread") == ["Partnership boards that work"]

    board.config.update(KB_PREMODERATION_POSTS=99)
    start(ben, title="A thread still waiting for approval", body="About the wombatgrant.")
    search.drain()
    assert titles(ann, "q=wombatgrant") == []
    assert titles(mod, "q=wombatgrant") == []  # not even for moderators: held is not published
    post(mod, f"/board/p/{posts_in(the_thread('A thread still waiting for approval'))[0].id}/approve")
    search.drain()
    assert titles(ann, "q=wombatgrant") == ["A thread still waiting for approval"]


def test_index_status_counts_board_threads(people, client_of):
    start(client_of(people["ann"]))
    search.drain()
    assert search.status()["types"]["board thread"] == {"index": 1, "database": 1}


def test_new_members_are_not_told_every_old_thread_is_new(people, client_of):
    clock.freeze(datetime(2025, 1, 1, 9, 0))
    start(client_of(people["ann"]), title="An old thread from last year")
    clock.freeze(None)
    assert people["dev"].created_at > datetime(2025, 1, 1, 9, 0)
    assert "New posts" not in client_of(people["dev"]).get("/board/general").get_data(as_text=True)
