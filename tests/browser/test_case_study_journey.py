"""Issue 3's journey in a real browser: a member submits a case study with two themes, a moderator
requests changes, the member revises and resubmits, the moderator publishes; it shows on both theme
pages and in filtered lists; the history shows the revisions and a diff. axe-core on every page."""

from playwright.sync_api import expect

from kb.auth.models import Role
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, make_user

TITLE = "A single gateway for grants in Suffolk"


def log_in(page, live_server, email):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged in")


def test_submit_review_revise_publish_and_read_the_history(browser, page, live_server):
    make_user(email="writer@example.org", display_name="Wren Writer")
    make_user(email="moderator@example.org", display_name="Mo Moderator", role=Role.MODERATOR)
    moderator_context = browser.new_context(viewport={"width": 1280, "height": 900})
    moderator = moderator_context.new_page()
    moderator.set_default_timeout(10_000)

    # The member writes it up; a first try with a missing summary shows the error and keeps the text.
    log_in(page, live_server, "writer@example.org")
    page.get_by_role("link", name="Case studies").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Share a case study").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Funding it better").check()
    page.get_by_label("Joining-up policy").check()
    page.get_by_label("The case study").fill(
        "## Context\n\nEvery funder had its own form.\n\n## What we did\n\nOne gateway and shared criteria."
    )
    page.get_by_label("Region").select_option("East of England")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a short summary")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    assert_accessible(page)
    page.get_by_label("Summary").fill("The council and the health trust built one way to apply for grants.")
    page.get_by_label("Tags").fill("grants, procurement")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("sent to the moderators")
    assert_accessible(page)

    # The moderator asks for the outcomes.
    log_in(moderator, live_server, "moderator@example.org")
    moderator.get_by_role("link", name="Moderation 1 waiting").click()
    expect(moderator.get_by_role("heading", name="Submissions and edits (1)")).to_be_visible()
    assert_accessible(moderator)
    moderator.get_by_role("link", name=TITLE).click()
    moderator.get_by_label("Note to the author").fill("Please add what changed for the charities.")
    moderator.get_by_role("button", name="Request changes").click()
    expect(moderator.get_by_role("status")).to_contain_text("back to its author with your note")
    assert_accessible(moderator)

    # The member sees the note, revises and resubmits.
    page.get_by_role("link", name="My contributions").click()
    expect(page.get_by_role("table")).to_contain_text("Please add what changed for the charities.")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("region", name="Status")).to_contain_text("Please add what changed")
    page.get_by_role("link", name="Edit").click()
    body = page.get_by_label("The case study")
    body.fill(body.input_value() + "\n\n## Outcomes\n\nGrants are decided in three weeks, not twelve.")
    page.get_by_label("What did you change?").fill("Added the outcomes")
    assert_accessible(page)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_contain_text("sent to the moderators")

    # The moderator publishes.
    moderator.reload()
    moderator.get_by_role("button", name="Publish").click()
    expect(moderator.get_by_role("status")).to_contain_text("Published")

    # It shows on both theme pages and in filtered lists, for anyone.
    reader = browser.new_context().new_page()
    for theme in ("funding-it-better", "joining-up-policy"):
        reader.goto(f"{live_server}/themes/{theme}")
        expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
        assert_accessible(reader)
    reader.goto(f"{live_server}/case-studies")
    reader.get_by_label("Theme").select_option("joining-up-policy")
    reader.get_by_label("Region").select_option("East of England")
    reader.get_by_role("button", name="Apply filters").click()
    expect(reader.get_by_role("heading", name="1 case study")).to_be_visible()
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(reader)
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.locator(".prose")).to_contain_text("three weeks, not twelve")
    assert_accessible(reader)
    reader.context.close()

    # The author's history lists every save, and compares the first draft with the revision.
    page.get_by_role("link", name="History of changes").click()
    expect(page.get_by_role("table")).to_contain_text("First draft")
    expect(page.get_by_role("table")).to_contain_text("Added the outcomes")
    assert_accessible(page)
    page.get_by_label("Compare from revision 1", exact=True).check()
    page.get_by_label("Compare to revision 4", exact=True).check()
    page.get_by_role("button", name="Compare the chosen revisions").click()
    expect(page.locator("ins").filter(has_text="three weeks, not twelve")).to_be_visible()
    assert_accessible(page)

    # The moderator restores the first draft from the history page: it becomes the published text.
    moderator.get_by_role("link", name="History of changes").click()
    assert_accessible(moderator)
    moderator.get_by_role("button", name="Restore revision 1").click()
    expect(moderator.get_by_role("status")).to_contain_text("Revision 1 has been restored")
    expect(moderator.locator(".prose")).not_to_contain_text("three weeks, not twelve")
    assert_accessible(moderator)

    # The moderator features it on a theme page and checks the order of what is featured.
    item_page = moderator.url
    moderator.get_by_label("Feature it on").select_option(label="The Funding it better page")
    moderator.get_by_role("button", name="Feature", exact=True).click()
    expect(moderator.get_by_role("status")).to_contain_text("Featured on the Funding it better page")
    moderator.get_by_role("link", name="Order what is featured").click()
    expect(moderator.get_by_role("table", name="Featured on the Funding it better page, in order")).to_contain_text(
        TITLE
    )
    assert_accessible(moderator)
    moderator.goto(f"{live_server}/themes/funding-it-better")
    expect(moderator.locator("#featured-heading + .item-list")).to_contain_text(TITLE)
    assert_accessible(moderator)
    moderator.goto(f"{live_server}/moderation/themes/funding-it-better/resources")
    moderator.get_by_role("button", name="Add to the reading list").click()
    expect(moderator.get_by_role("alert")).to_contain_text("Enter the resource's title")
    assert_accessible(moderator)
    moderator.goto(f"{live_server}/collections/new")
    moderator.get_by_label("Title").fill("Grants done well")
    moderator.get_by_label("Theme (optional)").select_option("funding-it-better")
    moderator.get_by_role("button", name="Save").click()
    moderator.get_by_label("Address", exact=True).fill(item_page)
    moderator.get_by_label("Note (optional)").fill("One gateway for every funder.")
    moderator.get_by_role("button", name="Add", exact=True).click()
    expect(moderator.locator(".collection")).to_contain_text(TITLE)
    assert_accessible(moderator)
    moderator.get_by_role("navigation", name="Main").get_by_role("link", name="Collections").click()
    expect(moderator.get_by_role("link", name="Grants done well")).to_be_visible()
    assert_accessible(moderator)
    moderator.goto(f"{live_server}/moderation/tags")
    expect(moderator.get_by_label("New name for “procurement”")).to_have_value("procurement")
    assert_accessible(moderator)
    moderator.goto(item_page)

    # Printed, the page keeps the case study and drops the site's controls.
    page.goto(moderator.url)
    page.emulate_media(media="print")
    expect(page.locator(".prose")).to_contain_text("One gateway and shared criteria")
    expect(page.locator(".site-header")).to_be_hidden()
    page.emulate_media(media="screen")

    # A reader draws a lesson from it: the lesson form starts from this case study.
    page.get_by_role("link", name="Add a lesson from this case study").click()
    expect(page.get_by_label("From which case study?")).to_have_value(moderator.url.split("/")[-1].split("-")[0])
    assert_accessible(page)
    moderator_context.close()
