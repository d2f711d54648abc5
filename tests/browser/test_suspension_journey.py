"""A moderator suspends a member from the members pages and lifts it again, in a real browser: the
form's mistakes are explained in the page, the member is told in their inbox (and by mail), and
can post again once it is lifted. axe-core on every page visited."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from kb.auth.models import Role
from kb.platform import clock
from tests.browser.conftest import assert_accessible
from tests.browser.test_board_journey import as_person
from tests.conftest import PASSWORD
from tests.factories import make_user


def test_a_moderator_suspends_a_member_and_lifts_it(browser, page, live_server):
    member = make_user(email="sam@example.org", display_name="Sam Spammy", organisation="Pens Ltd")
    make_user(email="mod@example.org", display_name="Mo Moderator", role=Role.MODERATOR)

    moderator = as_person(browser, live_server, "mod@example.org")
    moderator.goto(f"{live_server}/admin/members/{member.id}")
    assert_accessible(moderator)
    moderator.get_by_role("link", name="Suspend", exact=True).click()
    expect(moderator).to_have_url(f"{live_server}/admin/members/{member.id}/suspend")
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Suspend Sam Spammy")
    assert_accessible(moderator)

    # Nothing typed: both mistakes are named in the summary, which links to each box.
    moderator.get_by_role("button", name="Suspend").click()
    summary = moderator.get_by_role("alert")
    expect(summary).to_contain_text("Enter when the suspension ends")
    expect(summary).to_contain_text("Give the reason for the suspension")
    expect(moderator).to_have_title(re.compile(r"^Error: Suspend Sam Spammy"))
    assert_accessible(moderator)

    # A reason typed, the end left out: the reason is still there after the refusal.
    moderator.get_by_label("Reason (the member is shown it)").fill("Posting adverts for pens in every thread")
    moderator.get_by_role("button", name="Suspend").click()
    expect(moderator.get_by_label("Reason (the member is shown it)")).to_have_value(
        "Posting adverts for pens in every thread"
    )
    until = (clock.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    moderator.get_by_label("Suspended until (UK time)").fill(until.strftime("%Y-%m-%dT%H:%M"))
    moderator.get_by_role("button", name="Suspend").click()
    expect(moderator.get_by_role("status")).to_contain_text("Sam Spammy is suspended until")
    current = moderator.get_by_role("region", name="Current suspension")
    expect(current).to_contain_text("Posting adverts for pens in every thread")
    assert_accessible(moderator)

    # The member, trying to log in, is told why and until when.
    refused = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    refused.goto(f"{live_server}/login")
    refused.get_by_label("Email address").fill("sam@example.org")
    refused.get_by_label("Password").fill(PASSWORD)
    refused.get_by_role("button", name="Log in").click()
    expect(refused.get_by_role("alert")).to_contain_text("Your account is suspended until")
    expect(refused.get_by_role("alert")).to_contain_text("Posting adverts for pens in every thread")
    assert_accessible(refused)

    # Lifted: the page says so; the member logs in and finds both in their notifications.
    current.get_by_role("button", name="Lift the suspension").click()
    expect(moderator.get_by_role("status")).to_contain_text("Sam Spammy can post again.")
    expect(moderator.get_by_role("region", name="Current suspension")).to_have_count(0)
    assert_accessible(moderator)
    restored = as_person(browser, live_server, "sam@example.org")
    restored.get_by_role("link", name=re.compile(r"^Notifications 2")).click()
    notes = restored.locator(".item-list li")
    expect(notes.nth(0)).to_contain_text("Your suspension has been lifted: you can post and report posts again.")
    expect(notes.nth(1)).to_contain_text("Reason: Posting adverts for pens in every thread")
    assert_accessible(restored)
