"""Forgotten passwords: the same answer for every address, a link by mail that works once, for an
hour, and dies with the password; resetting signs the account out everywhere."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from kb.auth import verification
from kb.auth.models import SignedInSession, User
from kb.platform import clock, mail
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox
from kb.platform.settings import MailUrl
from tests.conftest import PASSWORD, Auth, form_token, sign_in
from tests.factories import make_user

NEW_PASSWORD = "a fresh new password"
NOW = datetime(2026, 11, 28, 9, 0)


def ask_for_reset(client, address: str):
    return client.post("/forgot-password", data={"email": address, "csrf_token": form_token(client)})


def choose_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return client.post(
        path, data={"password": password, "confirm_password": confirm or password, "csrf_token": form_token(client)}
    )


def reset_link(client, mailbox, address: str = "sam@example.org") -> str:
    ask_for_reset(client, address)
    (message,) = mailbox.deliver()
    return mailbox.link_in(message, "/reset-password/")


@pytest.fixture
def member(app):
    return make_user(email="sam@example.org", display_name="Sam Member")


def test_login_page_offers_the_way_back_in(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password">Forgotten your password?</a>' in page
    form = client.get("/forgot-password").get_data(as_text=True)
    assert '<label class="label" for="email">' in form or 'for="email"' in form


def test_the_answer_is_the_same_for_a_member_and_a_stranger(client, mailbox, member):
    known = ask_for_reset(client, "Sam@Example.org")
    unknown = ask_for_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200

    def text(response, address):
        return response.get_data(as_text=True).replace(address, "ADDRESS")

    assert text(known, "Sam@Example.org") == text(unknown, "nobody@example.org")
    arrived = mailbox.deliver()
    assert [message["To"] for message in arrived] == ["sam@example.org"]  # strangers' addresses get nothing
    assert "reset the password" in mailbox.text_of(arrived[0])


def test_the_link_sets_a_new_password_and_signs_out_every_browser(app, client, mailbox, member):
    elsewhere = sign_in(app.test_client(), member)
    link = reset_link(client, mailbox)
    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)

    response = choose_password(client, link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert elsewhere.get("/account").status_code == 302  # signed out
    assert db.session.scalar(select(func.count(SignedInSession.id))) == 0
    assert Auth(app.test_client()).login("sam@example.org", PASSWORD).status_code == 422
    sign_in(app.test_client(), member, NEW_PASSWORD)


def test_the_link_works_once(client, mailbox, member):
    link = reset_link(client, mailbox)
    assert choose_password(client, link).status_code == 302
    again = client.get(link)
    assert again.status_code == 410
    page = again.get_data(as_text=True)
    assert "has been used" in page and "Nothing has been changed" in page
    assert 'href="/forgot-password"' in page  # ...and offers a new one
    assert choose_password(client, link, "yet another password").status_code == 410
    sign_in(client.application.test_client(), member, NEW_PASSWORD)


def test_the_link_dies_when_the_password_changes_another_way(client, mailbox, member):
    link = reset_link(client, mailbox)
    sign_in(client, member)
    client.post(
        "/account/password",
        data={
            "password-current_password": PASSWORD,
            "password-password": "changed on the account page",
            "password-confirm_password": "changed on the account page",
            "csrf_token": form_token(client),
        },
    )
    assert client.get(link).status_code == 410


def test_the_link_expires_after_an_hour(client, mailbox, member):
    clock.freeze(NOW)
    link = reset_link(client, mailbox)
    clock.freeze(NOW + timedelta(minutes=59))
    assert client.get(link).status_code == 200
    clock.freeze(NOW + timedelta(minutes=61))
    response = client.get(link)
    assert response.status_code == 410 and "has expired" in response.get_data(as_text=True)
    assert choose_password(client, link).status_code == 410
    assert db.session.get(User, member.id).password_hash == member.password_hash


@pytest.mark.parametrize(
    "change",
    [lambda t: t[:-3] + "abc", lambda t: t[:20], lambda t: "x" * 5000, lambda t: "not.a.token", lambda t: "%00"],
)
def test_a_tampered_link_explains_itself_and_changes_nothing(client, mailbox, member, change):
    link = reset_link(client, mailbox)
    token = link.rsplit("/", 1)[1]
    bad = f"/reset-password/{change(token)}"
    response = client.get(bad)
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert "not valid" in response.get_data(as_text=True)
    assert choose_password(client, bad).status_code in (400, 404)
    assert db.session.get(User, member.id).password_hash == member.password_hash


def test_a_token_for_another_purpose_opens_nothing(client, mailbox):
    client.post(
        "/register",
        data={
            "email": "new@example.org",
            "display_name": "New",
            "organisation": "Org",
            "sector": "other",
            "region": "London",
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": form_token(client),
        },
    )
    (message,) = mailbox.deliver()
    token = mailbox.link_in(message, "/verify-email/").rsplit("/", 1)[1]
    assert client.get(f"/reset-password/{token}").status_code == 400


def test_the_new_password_must_be_valid(client, mailbox, member):
    link = reset_link(client, mailbox)
    response = choose_password(client, link, "short")
    assert response.status_code == 422
    assert "Password must be at least 10 characters long" in response.get_data(as_text=True)
    response = choose_password(client, link, NEW_PASSWORD, "does not match at all")
    assert "The two passwords do not match" in response.get_data(as_text=True)
    assert client.get(link).status_code == 200  # still good: nothing changed


def test_an_empty_address_is_explained_in_the_error_summary(client):
    response = ask_for_reset(client, "")
    assert response.status_code == 422
    assert '<a href="#email">Enter your email address</a>' in response.get_data(as_text=True)


def test_forms_need_their_token(client, mailbox, member):
    link = reset_link(client, mailbox)
    assert client.post("/forgot-password", data={"email": "sam@example.org"}).status_code == 400
    assert client.post(link, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}).status_code == 400
    assert db.session.get(User, member.id).password_hash == member.password_hash


def test_asking_again_and_again_sends_at_most_three_an_hour(client, mailbox, member):
    clock.freeze(NOW)
    for _ in range(5):
        assert ask_for_reset(client, "sam@example.org").status_code == 200
    assert len(mailbox.deliver()) == verification.MAILS_PER_HOUR
    clock.freeze(NOW + timedelta(minutes=61))
    ask_for_reset(client, "sam@example.org")
    assert len(mailbox.deliver()) == 1


def test_a_reset_while_signed_in_keeps_this_browser(app, client, mailbox, member):
    sign_in(client, member)
    elsewhere = sign_in(app.test_client(), member)
    link = reset_link(client, mailbox)
    assert choose_password(client, link).status_code == 302
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302


def test_the_mail_leaves_after_the_response_not_inside_the_request(client, mailbox, member):
    response = ask_for_reset(client, "sam@example.org")
    assert mailbox.messages == []
    assert db.session.scalar(select(func.count(MailOutbox.id))) == 1
    response.close()  # the server closes the response once sent; the outbox is sent then
    assert [message["To"] for message in mailbox.messages] == ["sam@example.org"]


def test_reset_links_use_the_configured_address_not_the_request_host(app, client, mailbox, member):
    app.config["KB_SITE_URL"] = "https://commonground.example.org"
    with app.test_request_context("/forgot-password", method="POST", base_url="http://evil.example.com"):
        verification.request_password_reset("sam@example.org")
    (message,) = mailbox.deliver()
    assert "https://commonground.example.org/reset-password/" in mailbox.text_of(message)
    assert "evil.example.com" not in message.as_string()


def test_a_stranger_costs_the_same_work_as_a_member_and_gets_nothing(client, mailbox, member):
    """The time a reset takes must not tell members from strangers: both sign a link, write the message
    and queue it. The stranger's is of a kind the sender drops, and no operator's count includes it."""
    for address in ("sam@example.org", "nobody@example.org"):
        ask_for_reset(client, address).close()  # the response went out: the outbox has been sent
    rows = {row.to_address: row for row in db.session.scalars(select(MailOutbox))}
    assert set(rows) == {"sam@example.org", "nobody@example.org"}
    assert rows["sam@example.org"].kind == "reset_password" and rows["nobody@example.org"].kind == "reset_no_account"
    assert [message["To"] for message in mailbox.messages] == ["sam@example.org"]
    assert mail.backlog()["sent_last_week"] == 1

    ask_for_reset(client, "Nobody@Example.org")  # queued, not yet swept
    (waiting,) = db.session.scalars(select(MailOutbox).where(MailOutbox.sent_at.is_(None)))
    assert waiting.kind == "reset_no_account" and waiting.to_address == "nobody@example.org"
    assert "/reset-password/" in waiting.body_text and waiting.subject == "Reset your Common Ground password"
    assert mail.backlog()["waiting"] == 0
    # Asking too often stops the work for a stranger's address as for a member's: the limit says nothing.
    ask_for_reset(client, "nobody@example.org")
    ask_for_reset(client, "nobody@example.org")
    assert (
        db.session.scalar(select(func.count(MailOutbox.id)).where(MailOutbox.to_address == "nobody@example.org"))
        == verification.MAILS_PER_HOUR
    )
    # Its link names no account, should it ever be read: it opens nothing.
    link = waiting.body_text.split("/reset-password/")[1].split()[0]
    opened = client.get(f"/reset-password/{link}")
    assert opened.status_code == 400 and verification.GONE in opened.get_data(as_text=True)


def test_a_mail_outage_never_shows_a_strangers_address_to_the_operator(app, client, mailbox, member):
    """The mail server is down for longer than every retry: the member's reset is given up and
    reported, the stranger's withheld one is settled before the server is asked and appears nowhere."""
    clock.freeze(NOW)
    ask_for_reset(client, "sam@example.org")
    ask_for_reset(client, "stranger@example.org")
    app.config["KB_MAIL_URL"] = MailUrl("smtp", host="127.0.0.1", port=1)  # nothing listens there
    moment = NOW
    for _ in range(mail.MAX_ATTEMPTS):
        mail.send_due(log_failures=False)
        moment += mail.LONGEST_WAIT
        clock.freeze(moment)
    stranger = db.session.scalar(select(MailOutbox).where(MailOutbox.to_address == "stranger@example.org"))
    assert stranger.attempts == 0 and stranger.failed_at is None and stranger.last_error is None
    assert mail.backlog()["given_up"] == 1
    assert [row.to_address for row in mail.given_up_lately()] == ["sam@example.org"]
    status = app.test_cli_runner().invoke(args=["kb", "mail", "status"]).output
    assert "sam@example.org" in status and "stranger@example.org" not in status
    health = client.get("/healthz")
    assert "stranger@example.org" not in health.get_data(as_text=True)
    assert health.get_json()["checks"]["mail_outbox"]["given_up"] == 1


def test_a_member_who_registers_later_is_not_shown_a_withheld_message_as_mail_sent(app, client, mailbox):
    ask_for_reset(client, "late@example.org").close()  # no account yet: withheld
    make_user(email="late@example.org", display_name="Late Comer")
    sign_in(client, "late@example.org")
    response = client.get("/my/data.zip")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        data = json.loads(archive.read("common-ground-data.json"))
    assert [row["kind"] for row in data["parts"]["mail"]["data"]] == []
    assert "Reset your Common Ground password" not in json.dumps(data)
