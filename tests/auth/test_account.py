"""The account page: edit the profile, change the email (with the password), change the password."""

import pytest
from sqlalchemy import select

from kb.auth.models import User
from kb.platform.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_user

PROFILE = {
    "profile-display_name": "Sam Okafor",
    "profile-email": "sam@example.org",
    "profile-organisation": "Sheffield Black Community Forum",
    "profile-sector": "voluntary or community organisation",
    "profile-region": "Yorkshire and the Humber",
    "profile-current_password": "",
}


@pytest.fixture
def member(app, auth):
    user = make_user(email="sam@example.org", display_name="Sam")
    auth.login("sam@example.org")
    return user


def post_form(client, url, data):
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    return client.post(url, data={**data, "profile-csrf_token": token, "password-csrf_token": token})


def test_account_page_shows_the_profile(client, member):
    page = client.get("/account").get_data(as_text=True)
    assert "<h1>Your account</h1>" in page
    assert "sam@example.org" in page
    assert 'value="Sam"' in page  # the form starts filled in


def test_editing_the_profile_saves_and_shows_it(client, member):
    response = post_form(client, "/account/profile", PROFILE)
    assert response.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "Your profile has been updated" in page
    assert "Sheffield Black Community Forum" in page
    user = db.session.get(User, member.id)
    assert (user.display_name, user.sector, user.region) == (
        "Sam Okafor",
        "voluntary or community organisation",
        "Yorkshire and the Humber",
    )


def test_profile_errors_keep_what_was_typed(client, member):
    response = post_form(
        client,
        "/account/profile",
        {**PROFILE, "profile-display_name": "", "profile-organisation": "Typed but not saved"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#profile-display_name">Enter the name other members will see</a>' in page
    assert 'value="Typed but not saved"' in page
    assert db.session.get(User, member.id).organisation != "Typed but not saved"


def test_changing_email_needs_the_current_password_and_the_new_address_confirmed(client, member, mailbox):
    response = post_form(client, "/account/profile", {**PROFILE, "profile-email": "new@example.org"})
    assert response.status_code == 422
    assert "Your current password is needed to change your email address" in response.get_data(as_text=True)
    assert db.session.get(User, member.id).email == "sam@example.org"

    response = post_form(
        client,
        "/account/profile",
        {**PROFILE, "profile-email": "New@Example.org", "profile-current_password": PASSWORD},
    )
    assert response.status_code == 302
    assert db.session.get(User, member.id).email == "sam@example.org"  # until the new one is confirmed
    assert "We have sent a link to new@example.org" in client.get("/account").get_data(as_text=True)
    (message,) = mailbox.deliver()
    assert message["To"] == "new@example.org"
    response = client.get(mailbox.link_in(message, "/verify-email/"))
    assert response.status_code == 302
    user = db.session.get(User, member.id)
    assert user.email == "new@example.org" and user.email_verified
    (notice,) = mailbox.deliver()
    assert notice["To"] == "sam@example.org"  # the old address is told
    assert "changed to new@example.org" in mailbox.text_of(notice)


def test_changing_email_to_one_in_use_says_nothing_of_its_owner(client, member, mailbox):
    make_user(email="taken@example.org")
    response = post_form(
        client,
        "/account/profile",
        {**PROFILE, "profile-email": "TAKEN@example.org", "profile-current_password": PASSWORD},
    )
    assert response.status_code == 302
    assert "We have sent a link to taken@example.org" in client.get("/account").get_data(as_text=True)
    assert db.session.get(User, member.id).email == "sam@example.org"
    (message,) = mailbox.deliver()
    assert message["To"] == "taken@example.org"
    assert "You already have an account" in mailbox.text_of(message)
    assert "/verify-email/" not in mailbox.text_of(message)


def test_changing_the_password_needs_the_current_one(client, member):
    response = post_form(
        client,
        "/account/password",
        {
            "password-current_password": "not it at all",
            "password-password": "a brand new password",
            "password-confirm_password": "a brand new password",
        },
    )
    assert response.status_code == 422
    assert "Your current password is not right" in response.get_data(as_text=True)


def test_new_password_works_old_one_does_not_and_other_browsers_are_signed_out(app, client, auth, member):
    other_browser = app.test_client()
    type(auth)(other_browser).login("sam@example.org")
    assert other_browser.get("/account").status_code == 200

    response = post_form(
        client,
        "/account/password",
        {
            "password-current_password": PASSWORD,
            "password-password": "a brand new password",
            "password-confirm_password": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays logged in
    assert other_browser.get("/account").status_code == 302  # the other one is signed out

    auth.logout()
    assert auth.login("sam@example.org", PASSWORD).status_code == 422
    assert auth.login("sam@example.org", "a brand new password").status_code == 302


def test_password_fields_are_never_echoed_back(client, member):
    response = post_form(
        client,
        "/account/password",
        {"password-current_password": PASSWORD, "password-password": "shortpw", "password-confirm_password": "shortpw"},
    )
    page = response.get_data(as_text=True)
    assert "Password must be at least 10 characters long" in page
    assert "shortpw" not in page and PASSWORD not in page


def test_members_cannot_change_their_own_role_through_the_profile(client, member):
    post_form(client, "/account/profile", {**PROFILE, "profile-role": "admin", "role": "admin"})
    assert db.session.scalar(select(User.role).where(User.id == member.id)) == "member"


def test_a_name_with_a_line_break_is_stored_on_one_line(client, member):
    """Display names go into mail and every page's byline: one line, whatever was sent."""
    response = post_form(
        client,
        "/account/profile",
        {**PROFILE, "profile-display_name": "Sam\r\nOkafor", "profile-organisation": "Sheffield\u2029Forum\x0b"},
    )
    assert response.status_code == 302
    user = db.session.get(User, member.id)
    assert (user.display_name, user.organisation) == ("Sam Okafor", "Sheffield Forum")
