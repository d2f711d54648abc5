"""Issue 24's first journey in a real browser, with the mail arriving at a real SMTP server: a
coordinator invites two people by email; one has no account, opens the link from the mail, creates
an account from the invitation, verifies the address in another browser window, logs in there and
lands back on the invitation, joins and answers the open round. axe-core on every page; the steps
the invitee takes are counted, and kept few."""

import re
import time

from playwright.sync_api import expect

from kb.partnerships import service
from tests.browser.conftest import assert_accessible
from tests.browser.test_board_journey import as_person
from tests.factories import make_user
from tests.partnerships.conftest import PUBLIC

INVITEE = "nia.newcomer@example.org"
PASSWORD = "a long enough password"


def mail_to(mailbox, address: str, subject_words: str):
    for _ in range(50):
        mailbox.deliver()
        found = [message for message in mailbox.to(address) if subject_words in message["Subject"]]
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError(f"no mail to {address} about {subject_words!r}")


def test_invited_by_email_register_verify_join_and_answer(browser, page, live_server, mailbox):
    coordinator = make_user(email="cora@example.org", display_name="Cora Coordinator")
    partnership = service.register_partnership(
        "Stratford Local Strategic Partnership", "West Midlands", "", PUBLIC, by=coordinator
    )
    service.open_round(partnership, "2026", None, by=coordinator)

    # The coordinator types two addresses, one mistyped: told which, nothing lost, then sent.
    cora = as_person(browser, live_server, "cora@example.org")
    cora.goto(f"{live_server}/partnerships/{partnership.id}")
    addresses = cora.get_by_label("Email addresses of the people to invite")
    addresses.fill(f"{INVITEE}\nsam.example.org")
    cora.get_by_role("button", name="Send the invitations").click()
    expect(cora.get_by_role("alert")).to_contain_text("These are not email addresses: sam.example.org")
    expect(cora.get_by_label("Email addresses of the people to invite")).to_have_value(f"{INVITEE}\nsam.example.org")
    assert_accessible(cora)
    cora.get_by_label("Email addresses of the people to invite").fill(f"{INVITEE}\nsam@example.org")
    cora.get_by_role("button", name="Send the invitations").click()
    expect(cora.get_by_role("status")).to_contain_text(f"Invitations sent to {INVITEE}, sam@example.org")
    expect(cora.get_by_text(f"Sent to {INVITEE}", exact=True)).to_be_visible()
    assert_accessible(cora)

    # The invitee, who has no account, opens the link from the mail.
    steps = 0
    invitation = mail_to(mailbox, INVITEE, "invites you to join")
    page.goto(live_server + mailbox.link_in(invitation, "/partnerships/join/"))
    steps += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Stratford Local Strategic Partnership")
    assert_accessible(page)
    page.get_by_role("link", name="Create an account").click()
    steps += 1
    assert_accessible(page)
    page.get_by_label("Email address").fill(INVITEE)
    page.get_by_label("Display name").fill("Nia Newcomer")
    page.get_by_label("Organisation", exact=True).fill("Stratford CVS")
    page.get_by_label("Voluntary or community organisation").check()
    page.get_by_label("Region").select_option("West Midlands")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    steps += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The verification link opens in another window (the mail program's), not signed in.
    verify = mail_to(mailbox, INVITEE, "Verify your email address")
    elsewhere = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    elsewhere.goto(live_server + mailbox.link_in(verify, "/verify-email/"))
    steps += 1
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Log in")
    assert_accessible(elsewhere)
    elsewhere.get_by_label("Email address").fill(INVITEE)
    elsewhere.get_by_label("Password").fill(PASSWORD)
    elsewhere.get_by_role("button", name="Log in").click()
    steps += 1
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Join Stratford Local Strategic Partnership")
    assert_accessible(elsewhere)
    elsewhere.get_by_label("Voluntary or community organisation").check()
    elsewhere.get_by_role("button", name="Join the partnership").click()
    steps += 1
    expect(elsewhere.get_by_role("status")).to_contain_text("You have joined Stratford Local Strategic Partnership")
    assert_accessible(elsewhere)
    elsewhere.get_by_role("link", name=re.compile("2026")).first.click()
    steps += 1
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Health-check 2026")
    assert_accessible(elsewhere)
    assert steps <= 7, steps  # from the mail to the round's questions
