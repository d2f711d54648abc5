"""Email notifications in a real browser: a member chooses what they are emailed (a wrong choice is
explained), then stops one kind from the link in a mail without logging in. axe-core checks every
page on the way."""

from flask import current_app
from playwright.sync_api import expect

from kb.platform.notifications import Frequency, Kind, telling
from tests.browser.conftest import assert_accessible
from tests.factories import make_user

PASSWORD = "correct horse battery"


def test_choose_notifications_then_stop_them_from_the_mail_link(page, live_server):
    member = make_user(email="sam@example.org", display_name="Sam Member")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="email notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email notifications")
    assert_accessible(page)

    replies = page.get_by_role("group", name="Replies in threads you watch")
    replies.get_by_label("As it happens: one email each time").check()
    page.get_by_role("group", name="New case studies on the themes you choose").get_by_label(
        "In a daily digest"
    ).check()
    page.get_by_label("Improving understanding").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status").first).to_contain_text("Your email notification choices are saved.")
    expect(replies.get_by_label("As it happens: one email each time")).to_be_checked()
    assert_accessible(page)

    # A value no radio offers (as a crafted post would send it) is explained on the page.
    page.evaluate("document.querySelector('input[name=replies]:checked').value = 'hourly'")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose one of the listed options for replies")
    assert_accessible(page)

    link = telling.unsubscribe_url(member, [Kind.REPLIES]).removeprefix(current_app.config["KB_SITE_URL"])
    page.context.clear_cookies()
    page.goto(f"{live_server}{link}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop these emails")
    assert_accessible(page)
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You will not get these emails any more")
    assert_accessible(page)
    assert telling.settings_of(member).frequency(Kind.REPLIES) == Frequency.OFF

    page.goto(f"{live_server}{link[:-4]}zzzz")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(page.get_by_role("main")).to_contain_text("copied only in part, or changed")
    assert_accessible(page)
