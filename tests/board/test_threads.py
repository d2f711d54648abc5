"""Reading and writing on the board: categories, threads, replies, quotes, edits, removal,
permalinks, mentions of library items, "Discuss this case study", and who may read at all."""

import re

from sqlalchemy import select

from kb.board.models import BoardThread
from kb.library.models import LibraryItem
from kb.platform.extensions import db
from tests.board.conftest import category, post, posts_in, start, texts, the_thread
from tests.factories import make_thread


def test_reading_the_board_needs_an_account_unless_it_is_public(client, board, people, client_of):
    start(client_of(people["ann"]))
    thread = the_thread()
    for url in ("/board", "/board/general", f"/board/t/{thread.id}-{thread.slug}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    board.config["KB_BOARD_PUBLIC"] = True
    page = client.get(f"/board/t/{thread.id}-{thread.slug}").get_data(as_text=True)
    assert "We meet monthly." in page and "to reply" in page  # anonymous readers are invited to log in


def test_the_board_lists_its_categories_with_counts_and_latest_activity(people, client_of):
    ann = client_of(people["ann"])
    start(ann, title="Who chairs your compact group?")
    thread = the_thread("Who chairs your compact group?")
    post(client_of(people["ben"]), f"/board/t/{thread.id}/reply", {"body": "Our council's voluntary sector lead."})
    page = ann.get("/board").get_data(as_text=True)
    general = page.split('href="/board/general"')[1].split("</tr>")[0]
    assert re.findall(r'<td class="numeric">(\d+)</td>', general) == ["1", "2"]
    assert "Who chairs your compact group?" in general and "Ben Reader" in general
    # One category per theme, plus General and Announcements; the theme page links to its category.
    for slug in ("announcements", "improving-understanding", "funding-it-better", "general"):
        assert f'href="/board/{slug}"' in page
    assert 'href="/board/funding-it-better"' in ann.get("/themes/funding-it-better").get_data(as_text=True)


def test_starting_a_thread_and_replying(people, client_of):
    ann, ben = client_of(people["ann"]), client_of(people["ben"])
    response = start(ann, body="We meet **monthly**.")
    thread = the_thread()
    assert response.headers["Location"] == f"/board/t/{thread.id}-{thread.slug}"
    response = post(ben, f"/board/t/{thread.id}/reply", {"body": "We meet quarterly, with a shared agenda."})
    reply = posts_in(thread)[-1]
    assert response.headers["Location"] == f"/board/t/{thread.id}-{thread.slug}?page=1#post-{reply.id}"
    page = ann.get(f"/board/t/{thread.id}-{thread.slug}").get_data(as_text=True)
    assert "<strong>monthly</strong>" in page and "We meet quarterly" in page
    assert texts(page) == ["We meet monthly.", "We meet quarterly, with a shared agenda."]


def test_threads_are_listed_pinned_first_then_by_latest_activity(people, client_of):
    ann, mod = client_of(people["ann"]), client_of(people["mod"])
    for title in ("The oldest thread here", "The middle thread here", "The newest thread here"):
        start(ann, title=title)
    oldest = the_thread("The oldest thread here")
    post(mod, f"/board/t/{the_thread('The middle thread here').id}/pin")
    page = ann.get("/board/general").get_data(as_text=True)
    order = re.findall(r'<a href="/board/t/\d+-[^"]+">([^<]+)</a>', page)
    assert order == ["The middle thread here", "The newest thread here", "The oldest thread here"]
    post(client_of(people["ben"]), f"/board/t/{oldest.id}/reply", {"body": "Bringing this back up."})
    order = re.findall(r'<a href="/board/t/\d+-[^"]+">([^<]+)</a>', ann.get("/board/general").get_data(as_text=True))
    assert order == ["The middle thread here", "The oldest thread here", "The newest thread here"]


def test_threads_show_twenty_posts_a_page_and_permalinks_find_their_page(people, client_of):
    thread = make_thread(people["ann"], 45)
    reader = client_of(people["ben"])
    assert (
        texts(reader.get(f"/board/t/{thread.id}-{thread.slug}?page=1").get_data(as_text=True))[-1] == "Post number 20"
    )
    third = reader.get(f"/board/t/{thread.id}-{thread.slug}?page=3").get_data(as_text=True)
    assert texts(third) == [f"Post number {n}" for n in range(41, 46)]
    # Past the last page: the last page; before the first: the first.
    assert texts(reader.get(f"/board/t/{thread.id}-{thread.slug}?page=9").get_data(as_text=True)) == texts(third)
    assert texts(reader.get(f"/board/t/{thread.id}-{thread.slug}?page=-2").get_data(as_text=True))[0] == "Post number 1"
    post_42 = posts_in(thread)[41]
    location = reader.get(f"/board/p/{post_42.id}").headers["Location"]
    assert location == f"/board/t/{thread.id}-{thread.slug}?page=3#post-{post_42.id}"
    assert (
        reader.get(f"/board/t/{thread.id}-wrong-slug?page=2").headers["Location"]
        == f"/board/t/{thread.id}-{thread.slug}?page=2"
    )


def test_quoting_a_post_fills_the_reply_with_it(people, client_of):
    start(client_of(people["ann"]), body="Agree the criteria first.\nThen the money.")
    thread = the_thread()
    first = posts_in(thread)[0]
    page = client_of(people["ben"]).get(f"/board/t/{thread.id}/reply?quote={first.id}").get_data(as_text=True)
    assert "&gt; Agree the criteria first.\n&gt; Then the money.\n&gt;\n&gt; — [Ann Author](/board/p/" in page


def test_editing_keeps_the_earlier_text_for_moderators(people, client_of):
    ann, ben, mod = client_of(people["ann"]), client_of(people["ben"]), client_of(people["mod"])
    start(ann, body="We meet every month.")
    first = posts_in(the_thread())[0]
    assert post(ben, f"/board/p/{first.id}/edit", {"body": "Vandalised"}).status_code == 403
    post(ann, f"/board/p/{first.id}/edit", {"body": "We meet every other month."})
    page = ben.get(f"/board/p/{first.id}", follow_redirects=True).get_data(as_text=True)
    assert "every other month" in page and "Edited" in page
    assert ben.get(f"/board/p/{first.id}/history").status_code == 403
    history = mod.get(f"/board/p/{first.id}/history").get_data(as_text=True)
    assert "We meet every month." in history and "We meet every other month." in history


def test_a_moderator_edits_a_members_post_only_with_a_reason(people, client_of):
    start(client_of(people["ann"]), body="Call me on 07700 900123.")
    first = posts_in(the_thread())[0]
    mod = client_of(people["mod"])
    response = post(mod, f"/board/p/{first.id}/edit", {"body": "Call me (number removed).", "reason": ""})
    assert response.status_code == 422 and "Say why you are editing" in response.get_data(as_text=True)
    assert "Call me (number removed)." in response.get_data(as_text=True)  # what was typed is kept
    post(mod, f"/board/p/{first.id}/edit", {"body": "Call me (number removed).", "reason": "Personal data"})
    assert "Personal data" in mod.get("/moderation/log").get_data(as_text=True)


def test_removing_your_own_post_leaves_a_placeholder(people, client_of):
    ann, ben, mod = client_of(people["ann"]), client_of(people["ben"]), client_of(people["mod"])
    start(ann)
    thread = the_thread()
    post(ben, f"/board/t/{thread.id}/reply", {"body": "Something I regret writing."})
    reply = posts_in(thread)[-1]
    assert post(ann, f"/board/p/{reply.id}/remove").status_code == 403
    post(ben, f"/board/p/{reply.id}/remove")
    page = ann.get(f"/board/t/{thread.id}-{thread.slug}").get_data(as_text=True)
    assert "Removed by its author." in page and "Something I regret" not in page
    assert "Something I regret writing." in mod.get(f"/board/t/{thread.id}-{thread.slug}").get_data(as_text=True)
    # Its permalink still resolves, so quotes and links stay valid.
    assert ann.get(f"/board/p/{reply.id}").status_code == 302


def test_a_pasted_case_study_address_becomes_a_titled_link(board, people, client_of):
    item = db.session.scalar(select(LibraryItem).where(LibraryItem.seed_key == "leaflet-case-study-1"))
    start(client_of(people["ann"]), body=f"Have you read http://localhost/case-studies/{item.id} yet?")
    page = client_of(people["ben"]).get(f"/board/t/{the_thread().id}-{the_thread().slug}").get_data(as_text=True)
    assert f'<a href="/case-studies/{item.id}-{item.slug}" rel="nofollow ugc">{item.title}</a>' in page


def test_discuss_this_case_study_opens_its_thread_in_the_themes_category(board, people, client_of):
    item = db.session.scalar(select(LibraryItem).where(LibraryItem.seed_key == "leaflet-case-study-5"))
    ann = client_of(people["ann"])
    assert "Discuss this case study" in ann.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    response = ann.get(f"/board/discuss/{item.id}")
    assert response.headers["Location"] == f"/board/new?case_study={item.id}&category=funding-it-better"
    form = ann.get(response.headers["Location"]).get_data(as_text=True)
    assert f'name="case_study" value="{item.id}"' in form
    post(
        ann,
        "/board/new",
        {
            "category": "funding-it-better",
            "title": f"Discussing: {item.title}",
            "body": "What would you do differently?",
            "case_study": str(item.id),
        },
    )
    thread = db.session.scalar(select(BoardThread).where(BoardThread.case_study_id == item.id))
    assert thread.category.slug == "funding-it-better"
    assert ann.get(f"/board/discuss/{item.id}").headers["Location"] == f"/board/t/{thread.id}-{thread.slug}"
    # A second thread for the same case study is refused, and the typed text is kept.
    response = post(
        ann,
        "/board/new",
        {"category": "general", "title": "Another discussion of it", "body": "Kept text", "case_study": str(item.id)},
    )
    assert response.status_code == 422 and "already has a discussion thread" in response.get_data(as_text=True)


def test_only_moderators_start_threads_in_announcements(people, client_of):
    ann, mod = client_of(people["ann"]), client_of(people["mod"])
    response = start(ann, title="An announcement from me", slug="announcements")
    assert response.status_code == 422 and "Choose a category from the list" in response.get_data(as_text=True)
    assert "Only moderators start threads here" in ann.get("/board/announcements").get_data(as_text=True)
    assert start(mod, title="The board is open", slug="announcements").status_code == 302
    thread = the_thread("The board is open")
    assert thread.category_id == category("announcements").id
    assert post(ann, f"/board/t/{thread.id}/reply", {"body": "Welcome!"}).status_code == 302  # anyone replies


def test_the_fast_thread_and_post_addresses_are_what_the_routes_build(app, people, client_of):
    from flask import url_for

    from kb.board.queries import ThreadRow
    from kb.library.models import Kind
    from kb.platform.site_address import address_of
    from tests.factories import make_item

    start(client_of(people["ann"]), title="Ünïcode and spaces in a title")
    thread = the_thread("Ünïcode and spaces in a title")
    first = posts_in(thread)[0]
    item = make_item(people["ann"], title="Ünïcode in a lesson’s title", kind=Kind.LESSON)
    row = ThreadRow(thread.id, thread.slug, thread.title, False, False, "Ann", 0, "Ann", thread.created_at)
    with app.test_request_context("/", base_url="http://localhost/under"):
        built = url_for("board.thread", thread_id=thread.id, slug=thread.slug)
        assert address_of(thread) == address_of(row) == built and built.startswith("/under/board/t/")
        assert address_of(thread, page=2, _anchor="post-3") == f"{built}?page=2#post-3"
        assert address_of(first) == url_for("board.permalink", post_id=first.id)
        assert address_of(item) == url_for("library.show_lesson", item_id=item.id, slug=item.slug)
        assert address_of(item, _external=True) == url_for(
            "library.show_lesson", item_id=item.id, slug=item.slug, _external=True
        )
