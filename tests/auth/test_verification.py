"""Verifying an address: the link from the mail (signed, once, 48 hours); until then a member reads and
saves drafts but does not submit, post or report, and is told why and how; "send the link again"."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from kb.auth import deletion, verification
from kb.auth.models import User
from kb.board.models import BoardPost, BoardThread
from kb.library.models import LibraryItem, Status
from kb.platform import clock
from kb.platform.extensions import db
from tests.conftest import form_token, sign_in
from tests.factories import make_thread, make_user
from tests.library.conftest import CASE_STUDY_FORM, post

NOW = datetime(2026, 11, 28, 9, 0)
PASSWORD = "a long enough password"
REGISTRATION = {
    "email": "priya@example.org",
    "display_name": "Priya Shah",
    "organisation": "Suffolk County Council",
    "sector": "public body",
    "region": "East of England",
    "password": PASSWORD,
    "confirm_password": PASSWORD,
}


def register(client, mailbox) -> str:
    """Register through the form; the verification link from the mail that arrives."""
    response = client.post("/register", data={**REGISTRATION, "csrf_token": form_token(client)})
    assert response.status_code == 200
    (message,) = mailbox.deliver()
    assert message["To"] == "priya@example.org"
    assert message["Subject"] == "Verify your email address for Common Ground"
    assert mailbox.html_of(message).count("/verify-email/") >= 1
    return mailbox.link_in(message, "/verify-email/")


def priya() -> User:
    return db.session.scalar(select(User).where(User.email == "priya@example.org"))


def test_the_link_verifies_the_address_once(client, mailbox):
    link = register(client, mailbox)
    assert not priya().email_verified
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert priya().email_verified
    again = client.get(link)
    assert again.status_code == 410
    assert "already verified" in again.get_data(as_text=True)
    assert "Nothing has been changed" in again.get_data(as_text=True)


def test_the_link_expires_after_48_hours_and_a_new_one_can_be_asked_for(app, client, mailbox):
    clock.freeze(NOW)
    link = register(client, mailbox)
    clock.freeze(NOW + timedelta(hours=48, minutes=1))
    response = client.get(link)
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "has expired" in page and "ask for a new one on your account page" in page
    assert not priya().email_verified

    sign_in(client, "priya@example.org", PASSWORD)  # an unverified member can log in
    account = client.get("/account").get_data(as_text=True)
    assert "Verify your email address" in account and "Send the link again" in account
    response = client.post("/account/verification", data={"csrf_token": form_token(client)})
    assert response.status_code == 302
    (message,) = mailbox.deliver()
    assert client.get(mailbox.link_in(message, "/verify-email/")).status_code == 302
    assert priya().email_verified
    assert "Verified" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize("change", [lambda t: t[:-2] + "zz", lambda t: t[5:], lambda t: "A" * 2000])
def test_a_tampered_link_explains_itself_and_verifies_nothing(client, mailbox, change):
    link = register(client, mailbox)
    token = link.rsplit("/", 1)[1]
    response = client.get(f"/verify-email/{change(token)}")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert not priya().email_verified


def test_send_again_is_limited_to_three_an_hour(client, mailbox):
    clock.freeze(NOW)
    register(client, mailbox)  # the first of the three
    sign_in(client, "priya@example.org", PASSWORD)
    for _ in range(2):
        client.post("/account/verification", data={"csrf_token": form_token(client)})
    response = client.post("/account/verification", data={"csrf_token": form_token(client)})
    assert response.status_code == 302
    assert "already sent you 3 links in the last hour" in client.get("/account").get_data(as_text=True)
    assert len(mailbox.deliver()) == 2
    assert client.post("/account/verification", data={}).status_code == 400  # no form token: refused


def test_a_verified_member_is_told_so_when_asking_again(client):
    member = make_user(email="sam@example.org")
    sign_in(client, member)
    client.post("/account/verification", data={"csrf_token": form_token(client)})
    assert "already verified" in client.get("/account").get_data(as_text=True)


def test_an_unverified_member_saves_drafts_but_cannot_submit(seeded, client):
    member = make_user(email="new@example.org", verified=False)
    sign_in(client, member)
    response = post(client, "/case-studies/new", {**CASE_STUDY_FORM, "intent": "submit"})
    assert response.status_code == 302
    item = db.session.scalar(select(LibraryItem).where(LibraryItem.title == CASE_STUDY_FORM["title"]))
    assert item.status == Status.DRAFT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your draft has been saved" in page
    assert "Verify your email address to submit your work for review" in page
    assert "Submit for review</button>" not in page

    response = post(client, f"/case-studies/{item.id}/submit")
    assert response.status_code == 302
    assert db.session.get(LibraryItem, item.id).status == Status.DRAFT
    assert "Verify your email address" in client.get(response.headers["Location"]).get_data(as_text=True)

    db.session.get(User, member.id).email_verified_at = clock.now()
    db.session.commit()
    post(client, f"/case-studies/{item.id}/submit")
    assert db.session.get(LibraryItem, item.id).status == Status.SUBMITTED


def test_an_unverified_member_reads_the_board_but_cannot_post_or_report(seeded, client):
    seeded.config["KB_PREMODERATION_POSTS"] = 0
    writer = make_user(email="writer@example.org")
    thread = make_thread(writer)
    member = make_user(email="new@example.org", verified=False)
    sign_in(client, member)
    assert client.get(f"/board/t/{thread.id}", follow_redirects=True).status_code == 200

    page = client.get("/board/new").get_data(as_text=True)
    assert "Verify your email address to post on the board or report posts" in page
    before = db.session.scalar(select(db.func.count(BoardPost.id)))
    response = post(client, "/board/new", {"category": "general", "title": "A question", "body": "Hello"})
    assert response.status_code in (403, 422)
    assert "Verify your email address" in response.get_data(as_text=True)
    response = post(client, f"/board/t/{thread.id}/reply", {"body": "Me too"})
    assert response.status_code in (403, 422)
    first_post = db.session.scalar(select(BoardPost).where(BoardPost.thread_id == thread.id))
    response = post(client, f"/board/p/{first_post.id}/flag", {"reason": "spam", "note": ""})
    assert response.status_code == 403
    assert "Verify your email address" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(BoardPost.id))) == before
    assert db.session.scalar(select(db.func.count(BoardThread.id))) == 1


def test_operators_and_existing_accounts_count_as_verified(app, runner):
    result = runner.invoke(
        args=["kb", "create-user", "admin@example.org", "--role", "admin", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "admin@example.org")).email_verified


def test_links_name_the_address_they_verify(client, mailbox):
    link = register(client, mailbox)
    user = priya()
    user.email = "moved@example.org"  # the account moved on before the link was followed
    db.session.commit()
    response = client.get(link)
    assert response.status_code == 400
    assert "no longer uses" in response.get_data(as_text=True)
    assert not priya() and not db.session.get(User, user.id).email_verified


def test_the_verify_token_opens_no_reset(client, mailbox):
    link = register(client, mailbox)
    with pytest.raises(verification.LinkProblem):
        verification.account_for_reset(link.rsplit("/", 1)[1])


def test_links_mailed_to_a_deleted_account_do_nothing_for_an_account_given_its_id(client, mailbox):
    verify = register(client, mailbox)
    leaving = priya()
    reset = urlsplit(verification.reset_link(leaving)).path
    old_id, password_hash = leaving.id, leaving.password_hash
    deletion.delete_account(leaving, PASSWORD, remove_published=False)
    # She registers again, with the same password, and (as SQLite did before migration 0025) the same id.
    db.session.add(
        User(
            id=old_id,
            email="priya@example.org",
            display_name="Priya Shah",
            password_hash=password_hash,
            created_at=clock.now() + timedelta(hours=1),
        )
    )
    db.session.commit()
    for link in (verify, reset):
        response = client.get(link)
        assert response.status_code == 400, link
        assert "This link cannot be used" in response.get_data(as_text=True)
        assert "no longer exists" in response.get_data(as_text=True)
    assert not priya().email_verified
