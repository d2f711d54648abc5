"""Issue 6's journey in a real browser: a moderator clears a mixed queue from the hub (publishes a
case study, requests changes on a lesson, upholds one report and dismisses another), features the
case study on a theme page, builds a collection of three items, and the author sees the
notifications. axe-core on every page visited."""

import re

from playwright.sync_api import expect

from kb.auth.models import Role
from kb.board import service as board
from kb.board.queries import category_by_slug
from kb.library.models import Kind
from tests.browser.conftest import assert_accessible
from tests.browser.test_board_journey import as_person
from tests.browser.test_case_study_journey import log_in
from tests.factories import make_item, make_user

CASE_STUDY = "A shared volunteer passport in Kirklees"
LESSON = "Pooled budgets need a named owner"
PUBLISHED = "Compact refresh across three districts"


def reported(author, title, body, reporters):
    author.trusted = True
    thread = board.start_thread(category_by_slug("general"), title, body, by=author).thread
    post = board.reply(thread, body + " (again)", by=author)
    for number, reporter in enumerate(reporters):
        board.flag_post(post, reporter, "spam" if number else "other", "" if number else "Looks like an advert")
    return post


def test_a_moderator_clears_a_mixed_queue_and_curates(browser, page, live_server):
    author = make_user(email="author@example.org", display_name="Asha Author", organisation="Kirklees CVS")
    make_user(email="mod@example.org", display_name="Mo Moderator", role=Role.MODERATOR)
    readers = [make_user(display_name=f"Reader {number}") for number in range(3)]
    source = make_item(author, title=PUBLISHED, theme_slugs=["joining-up-policy"])
    make_item(
        author,
        status="submitted",
        title=CASE_STUDY,
        theme_slugs=["improving-understanding"],
        body="## What we did\n\nOne passport for every volunteering role in the district.",
    )
    make_item(author, kind=Kind.LESSON, status="submitted", title=LESSON, source_case_study_id=source.id)
    reported(make_user(display_name="Pen Seller"), "Cheap pens", "Buy pens at example.com", readers[:2])
    reported(make_user(display_name="Fair Questioner"), "Compacts", "Is a compact worth it?", readers[2:])

    # The hub: counts on each tab and the total in the navigation.
    moderator = as_person(browser, live_server, "mod@example.org")
    moderator.get_by_role("link", name="Moderation 4 waiting").click()
    tabs = moderator.get_by_role("navigation", name="Moderation queues")
    expect(tabs.get_by_role("link", name="Submissions and edits 2 waiting")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Reported posts 2 waiting")).to_be_visible()
    case_study = moderator.locator(".queue__entry", has_text=CASE_STUDY)
    expect(case_study).to_contain_text("Kirklees CVS")
    expect(case_study).to_contain_text("1 published")
    case_study.get_by_text("Read the full text").click()
    expect(case_study).to_contain_text("One passport for every volunteering role")
    assert_accessible(moderator)

    # Publish the case study; request changes on the lesson (a reason is needed, and kept if refused).
    case_study.get_by_role("button", name=f"Publish – “{CASE_STUDY}”").click()
    expect(moderator.get_by_role("status")).to_contain_text(f"Published “{CASE_STUDY}”")
    lesson = moderator.locator(".queue__entry", has_text=LESSON)
    lesson.get_by_role("button", name=f"Request changes – “{LESSON}”").click()
    expect(moderator.get_by_role("alert")).to_contain_text("Give a reason, or choose a saved one")
    assert_accessible(moderator)
    lesson = moderator.locator(".queue__entry", has_text=LESSON)
    lesson.get_by_label("Or start from a saved reason").select_option(index=1)
    lesson.get_by_label("Reason or note to the author").fill("Which budget was pooled?")
    lesson.get_by_role("button", name=f"Request changes – “{LESSON}”").click()
    expect(moderator.get_by_role("status")).to_contain_text(f"Sent “{LESSON}” back to its author")
    expect(moderator.get_by_text("Nothing is waiting for review.")).to_be_visible()
    assert_accessible(moderator)

    # Reports: uphold one with a saved reason, dismiss the other.
    moderator.get_by_role("link", name="Reported posts 2 waiting").click()
    pens = moderator.locator(".queue__entry", has_text="Cheap pens")
    expect(pens).to_contain_text("2 reports")
    expect(pens).to_contain_text("Looks like an advert")
    assert_accessible(moderator)
    pens.get_by_label("Or start from a saved reason").select_option(label="Spam or advertising.")
    pens.get_by_role("button", name="Uphold and hide – the post in “Cheap pens”").click()
    expect(moderator.get_by_role("status")).to_contain_text("Upheld the reports")
    moderator.locator(".queue__entry", has_text="Compacts").get_by_role(
        "button", name="Dismiss the reports – the post in “Compacts”"
    ).click()
    expect(moderator.get_by_role("status")).to_contain_text("Dismissed the reports")
    expect(moderator.get_by_text("No open reports.")).to_be_visible()
    expect(moderator.get_by_role("link", name=re.compile(r"^Moderation$"))).to_be_visible()
    assert_accessible(moderator)

    # A saved reason of the moderator's own: an empty one is refused, then it is offered in the queue.
    moderator.get_by_role("link", name="Saved reasons").click()
    assert_accessible(moderator)
    moderator.get_by_role("radio", name="For held and reported posts").check()
    moderator.get_by_role("button", name="Add the reason").click()
    expect(moderator.get_by_role("alert")).to_contain_text("3 to 300 characters")
    assert_accessible(moderator)
    moderator.get_by_label("Reason", exact=True).fill("Posted the same message in several threads.")
    moderator.get_by_role("button", name="Add the reason").click()
    expect(moderator.get_by_role("status")).to_contain_text("Added the saved reason")
    expect(moderator.get_by_role("main")).to_contain_text("Posted the same message in several threads.")

    # Feature the new case study on its theme page.
    moderator.goto(f"{live_server}/case-studies")
    moderator.get_by_role("link", name=CASE_STUDY).click()
    case_study_address = moderator.url
    moderator.get_by_label("Feature it on").select_option(label="The Improving understanding page")
    moderator.get_by_role("button", name="Feature", exact=True).click()
    expect(moderator.get_by_role("status")).to_contain_text("Featured on the Improving understanding page")
    assert_accessible(moderator)
    moderator.goto(f"{live_server}/themes/improving-understanding")
    expect(moderator.locator("#featured-heading + .item-list")).to_contain_text(CASE_STUDY)
    assert_accessible(moderator)

    # A collection of three: the two case studies and a resource elsewhere on the web.
    moderator.goto(f"{live_server}/collections/new")
    assert_accessible(moderator)
    moderator.get_by_label("Title").fill("Volunteering across boundaries")
    moderator.get_by_label("Introduction").fill("Where councils and charities share volunteers.")
    moderator.get_by_label("Theme (optional)").select_option("improving-understanding")
    moderator.get_by_role("button", name="Save").click()
    for address, title, note in (
        (case_study_address, "", "Start here."),
        (f"{live_server}/case-studies/{source.id}-x", "", "A compact refreshed."),
        ("https://www.ncvo.org.uk/", "NCVO", "The national body for volunteering."),
    ):
        moderator.get_by_label("Address", exact=True).fill(address)
        moderator.get_by_label("Title (for a web address only)").fill(title)
        moderator.get_by_label("Note (optional)").fill(note)
        moderator.get_by_role("button", name="Add", exact=True).click()
        expect(moderator.get_by_role("status")).to_be_visible()
    entries = moderator.locator(".collection__entry")
    expect(entries).to_have_count(3)
    expect(entries.nth(0)).to_contain_text(CASE_STUDY)
    expect(entries.nth(1)).to_contain_text(PUBLISHED)
    expect(entries.nth(2)).to_contain_text("NCVO")
    assert_accessible(moderator)
    moderator.goto(f"{live_server}/themes/improving-understanding")
    expect(moderator.get_by_role("link", name="Volunteering across boundaries")).to_be_visible()

    # The audit log has each decision.
    moderator.goto(f"{live_server}/moderation/log")
    log = moderator.get_by_role("table")
    for action in ("Publish", "Request changes", "Hide post", "Dismiss reports"):
        expect(log).to_contain_text(action)
    assert_accessible(moderator)

    # The author sees what was decided, in the navigation and on the notifications page.
    log_in(page, live_server, "author@example.org")
    page.get_by_role("link", name=re.compile(r"^Notifications \d+ unread$")).click()
    notices = page.get_by_role("main")
    expect(notices).to_contain_text(f"Your case study “{CASE_STUDY}” has been published.")
    expect(notices).to_contain_text(f"A moderator asked for changes to your lesson “{LESSON}”")
    expect(notices).to_contain_text("Which budget was pooled?")
    assert_accessible(page)
