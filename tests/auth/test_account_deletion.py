"""Deleting your own account: personal data goes, published work stays as "a former member"'s (or
goes too, as the member chooses), the audit log keeps its entries with the name gone."""

from __future__ import annotations

import feedparser
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DatabaseError

from kb.auth import deletion
from kb.auth.models import LoginAttempt, Role, SignedInSession, User
from kb.auth.service import find_user_by_email
from kb.board import service as board
from kb.board.models import BoardPost, BoardThread, ThreadWatch
from kb.library import service as library
from kb.library.models import LibraryItem
from kb.partnerships import service as partnerships
from kb.partnerships.models import Answer, Membership
from kb.platform.audit import AuditEntry
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox
from kb.platform.notifications import Kind, tell
from kb.platform.notifications.models import Notification
from kb.search import service as search
from kb.themes.models import Theme
from tests.conftest import PASSWORD, Auth, form_token, sign_in
from tests.factories import make_item, make_thread, make_user

NAME = "Moira Departing"


@pytest.fixture
def leaver(seeded):
    """A moderator who wrote, posted, decided and answered a health-check, and who will leave; and
    the other people around them, who stay."""
    me = make_user(email="moira@example.org", display_name=NAME, role=Role.MODERATOR)
    other = make_user(display_name="Olu Staying")
    admin = make_user(role=Role.ADMIN, display_name="Ada Admin")
    me.trusted = other.trusted = True
    published = make_item(me, title="Zebrafinch partnership for joint commissioning", moderator=admin)
    draft = make_item(me, status="draft", title="Quokka plans not yet shared")
    theirs = make_item(other, status="submitted", title="Olu's piece on pooled budgets")
    library.publish(theirs, by=me)  # an audit entry with the leaver as the actor
    others_thread = make_thread(other, title="Funding small charities together")
    my_post = board.reply(others_thread, "My yakety words on funding", by=me)
    my_thread = make_thread(me, title="A thread nobody answered at all")
    board.watch(me, others_thread)
    tell(me, Kind.DECISIONS, "Our case study", message="Your case study was published")
    db.session.commit()
    partnership = partnerships.register_partnership("Stratford Partnership", "West Midlands", "", "public body", by=me)
    round_ = partnerships.open_round(partnership, "2026", None, by=me)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == me.id))
    partnerships.make_coordinator(_join(partnership, other), by=me)
    theme = db.session.scalars(select(Theme).order_by(Theme.position)).first()
    pair = theme.checklist[0]
    partnerships.save_theme_answers(
        round_, theme, {pair.id: partnerships.ItemAnswer("mostly", "We map yearly")}, "", member=me, by=me
    )
    search.drain()
    # Ids and addresses read now: the objects themselves expire once the account is deleted.
    ids = {
        "me_id": me.id,
        "item_id": published.id,
        "item_path": published.path(),
        "draft_id": draft.id,
        "theirs_id": theirs.id,
        "post_id": my_post.id,
        "my_thread_id": my_thread.id,
        "others_thread_path": others_thread.path(),
        "round_id": round_.id,
    }
    return {
        **ids,
        "me": me,
        "other": other,
        "admin": admin,
        "published": published,
        "draft": draft,
        "theirs": theirs,
        "others_thread": others_thread,
        "my_post": my_post,
        "my_thread": my_thread,
        "round": round_,
        "membership": membership,
    }


def _join(partnership, person) -> Membership:
    membership = Membership(partnership_id=partnership.id, user_id=person.id, sector="voluntary or community")
    db.session.add(membership)
    db.session.commit()
    return membership


def delete_account(client, password=PASSWORD, published="keep"):
    return client.post(
        "/account/delete", data={"csrf_token": form_token(client), "current_password": password, "published": published}
    )


def test_the_page_explains_what_happens_and_asks_for_the_password(client, leaver):
    sign_in(client, leaver["me"])
    page = client.get("/account/delete").get_data(as_text=True)
    assert "cannot be undone" in page and "“a former member”" in page
    assert 'name="current_password"' in page and 'value="keep"' in page and 'value="remove"' in page
    assert 'href="/account/delete"' in client.get("/account").get_data(as_text=True)
    assert client.post("/account/delete", data={"current_password": PASSWORD, "published": "keep"}).status_code == 400


def test_a_wrong_password_changes_nothing(client, leaver):
    sign_in(client, leaver["me"])
    response = delete_account(client, password="not my password at all")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Your current password is not right. Nothing has been deleted." in page
    assert '<a href="#current_password">' in page  # listed in the error summary, linked to the field
    assert find_user_by_email("moira@example.org") is not None
    assert db.session.get(LibraryItem, leaver["draft"].id) is not None
    assert client.get("/account").status_code == 200  # still signed in
    missing_choice = client.post(
        "/account/delete", data={"csrf_token": form_token(client), "current_password": PASSWORD}
    )
    assert missing_choice.status_code == 422 and "Choose whether to keep or remove" in missing_choice.get_data(
        as_text=True
    )
    assert find_user_by_email("moira@example.org") is not None


def test_keeping_published_work_credits_it_to_a_former_member_everywhere(client, leaver):
    me_id, item_id = leaver["me_id"], leaver["item_id"]
    # Another member quotes the leaver's post, with the attribution the reply form writes.
    quoting = board.reply(
        db.session.get(BoardThread, leaver["others_thread"].id),
        f"> Their words\n>\n> — [{NAME}](/board/p/{leaver['post_id']})\n\nI agree.",
        by=leaver["other"],
    )
    quoting_id = quoting.id
    db.session.commit()
    sign_in(client, leaver["me"])
    response = delete_account(client)
    assert response.status_code == 302 and response.headers["Location"] == "/account/deleted"
    confirmation = client.get("/account/deleted")
    assert confirmation.status_code == 200
    assert "Your account has been deleted" in confirmation.get_data(as_text=True)
    assert client.get("/account/deleted").status_code == 302  # shown once, to that browser
    assert client.get("/account").status_code == 302  # signed out

    # Personal data: gone.
    assert db.session.get(User, me_id) is None
    assert db.session.get(LibraryItem, leaver["draft_id"]) is None
    for model, column in (
        (SignedInSession, SignedInSession.user_id),
        (Notification, Notification.user_id),
        (ThreadWatch, ThreadWatch.user_id),
        (Membership, Membership.user_id),
        (LoginAttempt, LoginAttempt.user_id),
    ):
        assert db.session.scalar(select(func.count()).select_from(model).where(column == me_id)) == 0, model
    assert db.session.scalar(select(func.count(MailOutbox.id)).where(MailOutbox.to_address == "moira@example.org")) == 0
    assert db.session.scalar(select(func.count(LoginAttempt.id)).where(LoginAttempt.email == "moira@example.org")) == 0

    # Published work: there, with the name gone, on its page, in search, the feed and the API.
    page = client.get(leaver["item_path"]).get_data(as_text=True)
    assert "Zebrafinch partnership" in page and "A former member" in page and NAME not in page
    search.drain()
    found = client.get("/search.json?q=zebrafinch").get_json()
    assert [result["title"] for result in found["results"]] == ["Zebrafinch partnership for joint commissioning"]
    assert NAME not in client.get("/search?q=zebrafinch").get_data(as_text=True)
    feed = feedparser.parse(client.get("/feeds/latest.atom").get_data())
    entry = next(entry for entry in feed.entries if entry.title.startswith("Zebrafinch"))
    assert entry.author == "A former member"
    assert client.get(f"/api/v1/case-studies/{item_id}").get_json()["credit"] == "A former member"

    # The board: the post stays, credited to a former member.
    sign_in(client, leaver["other"])
    post = db.session.get(BoardPost, leaver["post_id"])
    assert post.author_id is None and post.body == "My yakety words on funding"
    thread_page = client.get(leaver["others_thread_path"]).get_data(as_text=True)
    assert "My yakety words on funding" in thread_page and NAME not in thread_page
    assert "former member" in thread_page
    quoting = db.session.get(BoardPost, quoting_id)
    assert quoting.body.endswith(f"— [A former member](/board/p/{leaver['post_id']})\n\nI agree.")
    assert NAME not in quoting.body_html and "I agree." in quoting.body_html


def test_the_audit_log_keeps_the_actions_with_the_actor_anonymised(client, leaver):
    sign_in(client, leaver["me"])
    assert delete_account(client).status_code == 302
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert all(NAME not in (entry.actor_name + entry.target_label) for entry in entries)
    published_theirs = next(entry for entry in entries if entry.target_id == leaver["theirs_id"])
    assert published_theirs.actor_name == "a former member" and published_theirs.action == "publish"
    assert entries[-1].action == "delete account" and entries[-1].actor_name == "a former member"
    assert "credited to a former member" in entries[-1].reason
    sign_in(client, leaver["admin"])
    log = client.get("/moderation/log").get_data(as_text=True)
    assert "a former member" in log and NAME not in log and "delete account" in log


def test_the_audit_log_stays_append_only_beyond_the_erasure(app, leaver):
    with db.engine.connect() as connection:
        for statement in (
            update(AuditEntry.__table__).values(actor_name="Someone Else"),
            update(AuditEntry.__table__).values(actor_id=None, actor_name="Someone Else"),
            update(AuditEntry.__table__).values(actor_id=None, actor_name="a former member", reason="rewritten"),
            text("DELETE FROM audit_log"),
        ):
            with pytest.raises(DatabaseError, match="never changed or removed"), connection.begin():
                connection.execute(statement)


def test_the_member_cannot_sign_in_again_but_the_address_can_register_afresh(client, leaver):
    sign_in(client, leaver["me"])
    assert delete_account(client).status_code == 302
    assert Auth(client).login("moira@example.org").status_code == 422
    response = client.post(
        "/register",
        data={
            "csrf_token": form_token(client),
            "email": "moira@example.org",
            "display_name": "Moira Returning",
            "organisation": "Warwick Council",
            "sector": "public body",
            "region": "West Midlands",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    again = find_user_by_email("moira@example.org")
    assert again is not None and again.display_name == "Moira Returning" and not again.email_verified
    # A new account inherits nothing, even if the database hands it the old id.
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.target_type == "member", AuditEntry.target_id == again.id
            )
        )
        == 0
    )


def test_a_deleted_members_id_is_not_given_to_the_next_member(client, seeded):
    # The newest account: SQLite without AUTOINCREMENT gave the highest id, once free, to the next row.
    leaving = make_user(email="lou@example.org", display_name="Lou Leaving")
    leaving_id = leaving.id
    sign_in(client, leaving)
    assert delete_account(client).status_code == 302
    response = client.post(
        "/register",
        data={
            "csrf_token": form_token(client),
            "email": "nia@example.org",
            "display_name": "Nia Newcomer",
            "organisation": "Warwick Council",
            "sector": "public body",
            "region": "West Midlands",
            "password": PASSWORD,
            "confirm_password": PASSWORD,
        },
    )
    assert "Check your email" in response.get_data(as_text=True)
    assert find_user_by_email("nia@example.org").id > leaving_id


def test_removing_published_work_takes_it_out_of_pages_and_search(client, leaver):
    item_id, post_id, my_thread_id = leaver["item_id"], leaver["post_id"], leaver["my_thread_id"]
    sign_in(client, leaver["me"])
    assert delete_account(client, published="remove").status_code == 302
    assert "has been removed" in client.get("/account/deleted").get_data(as_text=True)
    assert db.session.get(LibraryItem, item_id) is None
    assert client.get(leaver["item_path"]).status_code == 404
    search.drain()
    assert client.get("/search.json?q=zebrafinch").get_json()["results"] == []
    assert client.get(f"/api/v1/case-studies/{item_id}").status_code == 404
    post = db.session.get(BoardPost, post_id)
    assert post.state == "removed" and post.body == "" and post.author_id is None
    assert db.session.get(BoardThread, my_thread_id) is None  # nobody else had posted in it
    search.drain()
    assert client.get("/search.json?q=yakety").get_json()["results"] == []
    # Others' work stays.
    assert db.session.get(LibraryItem, leaver["theirs_id"]) is not None


def test_health_check_answers_stay_counted_but_tied_to_nobody(client, leaver):
    round_id = leaver["round_id"]
    before = partnerships.respondent_count(leaver["round"])
    sign_in(client, leaver["me"])
    assert delete_account(client).status_code == 302
    round_ = db.session.get(type(leaver["round"]), round_id)
    assert partnerships.respondent_count(round_) == before == 1
    [answer] = db.session.scalars(select(Answer).where(Answer.round_id == round_id)).all()
    assert answer.user_id is None and answer.former_respondent_id is not None
    assert answer.comment == "We map yearly"


def test_the_only_coordinator_hands_over_first(client, leaver):
    db.session.execute(update(Membership).where(Membership.user_id == leaver["other"].id).values(is_coordinator=False))
    db.session.commit()
    sign_in(client, leaver["me"])
    page = client.get("/account/delete").get_data(as_text=True)
    assert "only coordinator of “Stratford Partnership”" in page
    response = delete_account(client)
    assert response.status_code == 409
    assert find_user_by_email("moira@example.org") is not None


def test_the_last_admin_cannot_delete_their_account(client, seeded):
    admin = make_user(role=Role.ADMIN)
    admin_id = admin.id
    sign_in(client, admin)
    assert "only admin" in client.get("/account/delete").get_data(as_text=True)
    response = delete_account(client)
    assert response.status_code == 409 and "only admin" in response.get_data(as_text=True)
    assert db.session.get(User, admin_id) is not None
    make_user(role=Role.ADMIN)
    assert delete_account(client).status_code == 302
    assert db.session.get(User, admin_id) is None


def test_visitors_are_sent_to_log_in(client, app):
    assert "/login" in client.get("/account/delete").headers["Location"]
    assert client.get("/account/deleted").status_code == 302


def test_a_pending_edit_goes_and_the_published_text_stays(client, leaver):
    writer = make_user(email="wren@example.org")
    item = make_item(writer, title="Quayside volunteers' shared induction", moderator=leaver["admin"])
    item_id, path = item.id, item.path()
    fields = library.fields_for_editing(item, writer)
    fields.body = "A proposed quetzal paragraph nobody approved."
    assert library.save_item(item, fields, writer, item.revision_number) is False  # waits for a moderator
    deletion.delete_account(writer, PASSWORD, remove_published=False)
    item = db.session.get(LibraryItem, item_id)
    assert not item.has_pending_edit and item.awaiting_since is None and item.author_id is None
    assert all(revision.state != "pending" for revision in item.revisions)
    assert "quetzal" not in str([revision.snapshot for revision in item.revisions])
    page = client.get(path).get_data(as_text=True)
    assert "Quayside volunteers" in page and "quetzal" not in page


def test_exports_credit_a_former_member(client, leaver):
    sign_in(client, leaver["me"])
    assert delete_account(client).status_code == 302
    exported = client.get("/case-studies.csv").get_data(as_text=True)
    row = next(line for line in exported.splitlines() if "Zebrafinch" in line)
    assert "A former member" in row and NAME not in exported


def test_removing_keeps_a_thread_others_replied_to_without_the_members_posts(client, leaver):
    thread_id = leaver["my_thread_id"]
    reply = board.reply(db.session.get(BoardThread, thread_id), "An answer from someone staying", by=leaver["other"])
    reply_id = reply.id
    db.session.commit()
    sign_in(client, leaver["me"])
    assert delete_account(client, published="remove").status_code == 302
    thread = db.session.get(BoardThread, thread_id)
    assert thread is not None and thread.author_id is None
    opening = db.session.scalar(select(BoardPost).where(BoardPost.thread_id == thread_id).order_by(BoardPost.id))
    assert opening.state == "removed" and opening.body == ""
    assert db.session.get(BoardPost, reply_id).body == "An answer from someone staying"
