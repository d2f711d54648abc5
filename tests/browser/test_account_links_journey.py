"""Links that come by mail, in a real browser: a member forgets the password, follows the reset link
and chooses a new one; a used link explains itself. axe-core checks every page on the way."""

from flask import current_app
from playwright.sync_api import expect

from kb.auth import verification
from tests.browser.conftest import assert_accessible
from tests.factories import make_user

NEW_PASSWORD = "a brand new password"


def test_reset_the_password_from_the_link_then_find_the_link_used(page, live_server):
    member = make_user(email="sam@example.org", display_name="Sam Member")
    link = verification.reset_link(member).removeprefix(current_app.config["KB_SITE_URL"])

    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    page.goto(f"{live_server}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill("not the same password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords do not match")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").first).to_contain_text("Your password has been changed")

    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged in as Sam Member")

    page.goto(f"{live_server}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(page.get_by_role("main")).to_contain_text("has been used")
    assert_accessible(page)
