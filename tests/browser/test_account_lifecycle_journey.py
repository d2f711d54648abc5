"""A member's whole time with an account, in a real browser, with the mail arriving at a real SMTP
server: register, verify the address from the mail, forget the password and reset it from the
mail, choose a daily digest and receive it, download their data and open the zip, then delete the
account and find their case study credited to "a former member". axe-core checks every page on
the way."""

from __future__ import annotations

import io
import json
import time
import zipfile
from datetime import datetime
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from kb.auth.models import Role
from kb.auth.service import find_user_by_email
from kb.notifications.digests import send_digests
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import Theme
from tests.browser.conftest import assert_accessible
from tests.factories import make_item, make_user

EMAIL = "priya@example.org"
FIRST_PASSWORD = "my first long password"
NEW_PASSWORD = "a brand new password"
TITLE = "Pooling training budgets across the borough"


def mail_to(mailbox, subject_words: str):
    """The newest message to the member whose subject has these words, once it has arrived (the site
    sends after its response; sending from here too picks up anything still waiting)."""
    for _ in range(50):
        mailbox.deliver()
        found = [message for message in mailbox.to(EMAIL) if subject_words in message["Subject"]]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {EMAIL} about {subject_words!r}")


def log_in(page, live_server, password):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status").first).to_contain_text("You are logged in as Priya Shah")


def test_register_verify_reset_download_and_delete(page, live_server, mailbox, tmp_path: Path):
    page.goto(f"{live_server}/register")
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Display name").fill("Priya Shah")
    page.get_by_label("Organisation", exact=True).fill("Suffolk County Council")
    page.get_by_label("Public body").check()
    page.get_by_label("Region").select_option("East of England")
    page.get_by_label("Password", exact=True).fill(FIRST_PASSWORD)
    page.get_by_label("Confirm password").fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    # The verification link, from the mail as it arrived.
    verify = mail_to(mailbox, "Verify your email address")
    page.goto(f"{live_server}{mailbox.link_in(verify, '/verify-email/')}")
    expect(page.get_by_role("status").first).to_contain_text("is verified")
    assert_accessible(page)

    # Forgotten: the reset link from the mail, and a new password.
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    reset = mail_to(mailbox, "Reset your Common Ground password")
    page.goto(f"{live_server}{mailbox.link_in(reset, '/reset-password/')}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").first).to_contain_text("Your password has been changed")
    log_in(page, live_server, NEW_PASSWORD)

    # A daily digest of new case studies on every theme (the quiet default for them is weekly).
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="email notifications").click()
    assert_accessible(page)
    page.get_by_role("group", name="New case studies on the themes you choose").get_by_label(
        "In a daily digest"
    ).check()
    for theme in db.session.scalars(select(Theme)):
        page.get_by_label(theme.title, exact=True).check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("status").first).to_contain_text("Your email notification choices are saved.")
    assert_accessible(page)

    # A case study of theirs, published (written and reviewed as the library's own journeys show).
    clock.freeze(datetime(2026, 11, 28, 9, 0))
    member = find_user_by_email(EMAIL)
    item = make_item(member, title=TITLE, moderator=make_user(role=Role.MODERATOR))
    item_address = item.path()
    # The next morning's digest lists it, with a link to it: one mail, however many runs.
    clock.freeze(datetime(2026, 11, 29, 7, 0))
    assert send_digests().digests == 2  # theirs, and the reviewer's of the work that waited for them
    digest = mail_to(mailbox, "Your daily Common Ground digest")
    assert TITLE in digest.get_body(("plain",)).get_content()
    assert item_address in digest.get_body(("html",)).get_content()
    assert send_digests().digests == 0

    # Their data: the zip holds the JSON and the readable copy, both with the case study.
    page.goto(f"{live_server}/account")
    assert_accessible(page)
    page.get_by_role("link", name="your data").click()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data (zip file)").click()
    saved = tmp_path / "data.zip"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        data = json.loads(archive.read("common-ground-data.json"))
        html = archive.read("common-ground-data.html").decode()
    assert data["parts"]["account"]["data"]["profile"]["email"] == EMAIL
    assert TITLE in [entry["title"] for entry in data["parts"]["library"]["data"]]
    assert TITLE in html and EMAIL in html

    # Deleting the account: a wrong password changes nothing; the right one signs out everywhere.
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    assert_accessible(page)
    page.get_by_label("Keep my published case studies").check()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing has been deleted")
    expect(page.get_by_label("Keep my published case studies")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Your password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account has been deleted")
    expect(page.get_by_role("main")).to_contain_text("credited to “a former member”")
    assert_accessible(page)

    page.goto(f"{live_server}{item_address}")
    expect(page.get_by_role("main")).to_contain_text("A former member")
    expect(page.get_by_role("main")).not_to_contain_text("Priya Shah")
    assert_accessible(page)
    page.goto(f"{live_server}/account")
    expect(page).to_have_url(f"{live_server}/login?next=/account")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
