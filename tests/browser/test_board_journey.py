"""Issue 5's journey in a real browser: a new member starts a thread (held), a moderator approves it,
another member replies quoting it, three members report the reply and it disappears, the moderator
reviews it and hides it with a reason, and the audit log shows each action. axe-core on every page."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from kb.auth.models import Role
from kb.board import moderation, service
from kb.board.models import BoardCategory
from kb.platform import clock
from kb.platform.extensions import db
from tests.browser.conftest import assert_accessible
from tests.browser.test_case_study_journey import log_in
from tests.factories import make_user

TITLE = "How do you keep a compact group going?"


def as_person(browser, live_server, email):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, email)
    return page


def test_held_thread_approved_quoted_reported_and_hidden(browser, page, live_server):
    newcomer = make_user(email="new@example.org", display_name="Nia Newcomer")
    regular = make_user(email="regular@example.org", display_name="Rob Regular")
    # Reports count only from established members (trust before power): the readers and Rob joined
    # a while ago, and the readers are trusted though they have not posted yet.
    readers = [make_user(email=f"reader{number}@example.org", display_name=f"Reader {number}") for number in (1, 2, 3)]
    for member in (*readers, regular):
        member.created_at = clock.now() - timedelta(days=30)
    for reader in readers:
        reader.trusted = True
    db.session.commit()
    mod_user = make_user(email="mod@example.org", display_name="Mo Moderator", role=Role.MODERATOR)
    # Rob is past pre-moderation: three approved posts in an older thread.
    general = db.session.query(BoardCategory).filter_by(slug="general").one()
    welcome = service.start_thread(general, "Welcome to the board", "Say hello.", by=mod_user).thread
    for number in range(3):
        moderation.approve_post(service.reply(welcome, f"Hello number {number}", by=regular), by=mod_user)
    assert newcomer.id

    # The newcomer starts a thread; a first try without a title shows the error and keeps the text.
    log_in(page, live_server, "new@example.org")
    page.get_by_role("link", name="Board", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Category").select_option("general")
    page.get_by_label("Your first post").fill("We started a compact group in 2019 and it has gone quiet.")
    page.get_by_role("button", name="Start the thread").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a title")
    expect(page.get_by_label("Your first post")).to_have_value(
        "We started a compact group in 2019 and it has gone quiet."
    )
    assert_accessible(page)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Start the thread").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting approval")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)

    # The moderator approves it from the queue.
    moderator = as_person(browser, live_server, "mod@example.org")
    moderator.get_by_role("link", name="Board", exact=True).click()
    moderator.get_by_role("link", name="Held and reported posts").click()
    expect(moderator.get_by_role("heading", name="Held posts (1)")).to_be_visible()
    assert_accessible(moderator)
    moderator.get_by_role("button", name=f"Approve – the post in “{TITLE}”").click()
    expect(moderator.get_by_role("status")).to_contain_text("Approved")
    assert_accessible(moderator)

    # Rob finds it and replies, quoting it.
    rob = as_person(browser, live_server, "regular@example.org")
    rob.get_by_role("link", name="Board", exact=True).click()
    rob.get_by_role("link", name="General", exact=True).click()
    assert_accessible(rob)
    rob.get_by_role("link", name=TITLE).click()
    assert_accessible(rob)
    rob.get_by_role("link", name="Quote this post").click()
    reply = rob.get_by_label("Your reply")
    assert reply.input_value().startswith("> We started a compact group in 2019")
    assert_accessible(rob)
    reply.fill(reply.input_value() + "Ours did too, until we gave it a budget line. Frankly you lot are useless.")
    rob.get_by_role("button", name="Post reply").click()
    expect(rob.get_by_role("status")).to_contain_text("Posted")
    expect(rob.locator(".post").last).to_contain_text("until we gave it a budget line")
    expect(rob.locator(".post").last.locator("blockquote")).to_contain_text("We started a compact group")

    # Three established members report the reply; after the third it disappears for everyone.
    for number in (1, 2, 3):
        reporter = as_person(browser, live_server, f"reader{number}@example.org")
        reporter.goto(rob.url)
        reporter.locator(".post").last.get_by_role("link", name="Report this post").click()
        assert_accessible(reporter)
        reporter.get_by_label("Offensive or abusive").check()
        reporter.get_by_role("button", name="Send report").click()
        expect(reporter.get_by_role("status")).to_contain_text(
            "now hidden" if number == 3 else "A moderator will look at it"
        )
    page.reload()
    expect(page.locator(".post").last).to_contain_text("until a moderator looks at it")
    expect(page.locator(".post").last).not_to_contain_text("budget line")
    assert_accessible(page)

    # The moderator reviews the reports and hides the reply with a reason.
    moderator.get_by_role("link", name="Board", exact=True).click()
    moderator.get_by_role("link", name="Held and reported posts").click()
    moderator.get_by_role("link", name="Reported posts 1 waiting").click()
    expect(moderator.get_by_role("heading", name="Reported posts (1)")).to_be_visible()
    entry = moderator.locator(".queue__entry")
    expect(entry).to_contain_text("3 reports")
    assert_accessible(moderator)
    entry.get_by_role("button", name=f"Uphold and hide – the post in “{TITLE}”").click()
    expect(moderator.get_by_role("alert")).to_contain_text("Give a reason")
    assert_accessible(moderator)
    entry.get_by_label("Reason or note to the author").fill("Personal attacks are not allowed on Common Ground.")
    entry.get_by_role("button", name=f"Uphold and hide – the post in “{TITLE}”").click()
    expect(moderator.get_by_role("status")).to_contain_text("Upheld the reports")
    page.reload()
    expect(page.locator(".post").last).to_contain_text("Hidden by a moderator: Personal attacks are not allowed")
    # The moderator still finds the hidden reply on the thread, with the button that puts it back.
    moderator.goto(page.url)
    expect(moderator.get_by_role("button", name="Unhide this post")).to_be_visible()
    assert_accessible(moderator)

    # The audit log shows each decision.
    moderator.get_by_role("link", name="Board", exact=True).click()
    moderator.get_by_role("link", name="Audit log").click()
    log = moderator.get_by_role("table")
    expect(log).to_contain_text("Approve post")
    expect(log).to_contain_text("Hide post")
    expect(log).to_contain_text("Personal attacks are not allowed")
    assert_accessible(moderator)

    # The moderator looks Rob up: his record shows the hidden post and the decision.
    moderator.get_by_role("link", name=re.compile(r"^Moderation")).click()
    assert_accessible(moderator)
    moderator.get_by_role("link", name="Members").click()
    moderator.get_by_label("Name, email or organisation").fill("Rob")
    moderator.get_by_role("button", name="Find").click()
    assert_accessible(moderator)
    moderator.get_by_role("link", name="Rob Regular").click()
    expect(moderator.get_by_role("main")).to_contain_text("1 hidden by moderators")
    expect(moderator.get_by_role("table")).to_contain_text("Personal attacks are not allowed")
    assert_accessible(moderator)

    # Rob is told, in the navigation and on his notifications page.
    rob.reload()
    rob.get_by_role("link", name=re.compile(r"^Notifications \d+ unread$")).click()
    expect(rob.get_by_role("main")).to_contain_text("A moderator hid your post")
    expect(rob.get_by_role("main")).to_contain_text("Personal attacks are not allowed")
    assert_accessible(rob)

    # The newcomer watches her thread: Rob's reply showed up there before it was hidden.
    page.get_by_role("link", name="Watching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Threads you watch")
    assert_accessible(page)
