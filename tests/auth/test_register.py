"""Registering: clear field errors, what was typed is kept, emails are unique in any letter case, and the
answer never says whether an address already has an account."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kb.auth.models import User
from kb.platform.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import make_user

GOOD = {
    "email": "Priya.Shah@Example.org",
    "display_name": "Priya Shah",
    "organisation": "Suffolk County Council",
    "sector": "public body",
    "region": "East of England",
    "password": "a long enough password",
    "confirm_password": "a long enough password",
}


def register(client, **changes):
    token = csrf_token_from(client.get("/register").get_data(as_text=True))
    return client.post("/register", data={**GOOD, "csrf_token": token, **changes})


def test_registering_creates_an_unverified_member_and_sends_the_link(app, client, mailbox):
    del app.config["PASSWORD_HASH_METHOD"]  # the production hashing, not the tests' fast one
    response = register(client)
    assert response.status_code == 200
    assert "<h1>Check your email</h1>" in response.get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.email == "priya.shah@example.org"
    assert user.role == "member"
    assert not user.email_verified
    assert user.password_hash.startswith("scrypt:")
    assert "a long enough password" not in user.password_hash
    assert client.get("/account").status_code == 302  # not signed in: the answer must not differ (below)
    (message,) = mailbox.deliver()
    assert message["To"] == "priya.shah@example.org"
    assert "/verify-email/" in mailbox.text_of(message)


def test_empty_form_explains_every_field_and_creates_nothing(client):
    response = register(client, **{name: "" for name in GOOD})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in page
    for message in [
        "Enter your email address",
        "Enter the name other members will see",
        "Enter the organisation you work or volunteer for",
        "Choose the sector your organisation is in",
        "Choose your region",
        "Enter a password",
    ]:
        assert message in page
    assert '<a href="#sector-0">' in page  # the summary links to the first radio
    assert db.session.scalar(select(User)) is None


def test_what_was_typed_is_kept_except_passwords(client):
    response = register(client, password="short", confirm_password="short")
    page = response.get_data(as_text=True)
    assert "Password must be at least 10 characters long" in page
    assert 'value="Priya.Shah@Example.org"' in page
    assert 'value="Suffolk County Council"' in page
    assert re.search(r'<input checked[^>]*value="public body">', page)
    assert '<option selected value="East of England">' in page
    assert 'value="short"' not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address in the correct format"),
        ({"confirm_password": "a different password"}, "The two passwords do not match"),
        ({"display_name": "x" * 81}, "Display name must be 80 characters or fewer"),
        ({"organisation": "x" * 121}, "Organisation must be 120 characters or fewer"),
        ({"password": "p" * 201, "confirm_password": "p" * 201}, "Password must be 200 characters or fewer"),
        ({"email": "a" * 250 + "@example.org"}, "Email address must be 254 characters or fewer"),
        ({"region": "Atlantis"}, "Not a valid choice"),
    ],
)
def test_bad_input_gets_a_field_message(client, changes, message):
    response = register(client, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_a_known_address_gets_the_same_answer_and_a_mail_offering_the_reset_link(client, mailbox):
    make_user(email="priya.shah@example.org")
    known = register(client, email="PRIYA.SHAH@EXAMPLE.ORG")
    stranger = register(client.application.test_client(), email="someone.new@example.org")
    assert known.status_code == stranger.status_code == 200
    assert known.get_data(as_text=True).replace("PRIYA.SHAH@EXAMPLE.ORG", "ADDRESS") == stranger.get_data(
        as_text=True
    ).replace("someone.new@example.org", "ADDRESS")
    assert "already exists" not in known.get_data(as_text=True)
    assert len(db.session.scalars(select(User)).all()) == 2  # the known address got no second account
    mailbox.deliver()
    (message,) = mailbox.to("priya.shah@example.org")
    text = mailbox.text_of(message)
    assert "You already have an account" in text
    assert "/reset-password/" in text


def test_logged_in_members_are_sent_to_their_account(client, auth):
    make_user(email="member@example.org")
    auth.login("member@example.org")
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"] == "/account"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.fixed_dictionaries({name: st.text(max_size=300) for name in GOOD}))
def test_any_input_gives_a_page_never_a_server_error(client, fields):
    response = register(client, **fields)
    assert response.status_code in (200, 422)
