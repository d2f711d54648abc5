"""Issue 13's journey in a real browser: a coordinator registers a partnership and makes an
invitation link; a member joins by the link and answers a theme; more members' answers arrive
through the service (to keep it short); the coordinator closes the round and sees the chart, the
sector gap and the reading list. axe-core on every page visited, the chart included. And an
unverified member, told to verify first, joins by the same link once they have."""

from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from kb.auth import verification
from kb.partnerships import service
from kb.partnerships.models import HealthCheckRound, Partnership
from kb.platform.extensions import db
from kb.themes.models import Theme
from tests.browser.conftest import assert_accessible
from tests.factories import make_user
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, answer_pair, join_as

from .test_case_study_journey import log_in


def test_a_partnership_runs_its_health_check(browser, page, live_server):
    make_user(email="coordinator@example.org", display_name="Cora Coordinator")
    make_user(email="val@example.org", display_name="Val Voluntary", sector="voluntary or community organisation")

    # The coordinator registers the partnership; a first try without a name shows the error.
    log_in(page, live_server, "coordinator@example.org")
    page.get_by_role("link", name="Partnerships", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Register a partnership").click()
    page.get_by_role("button", name="Register the partnership").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the partnership's name")
    assert_accessible(page)
    page.get_by_label("Name of the partnership").fill("Stratford Local Strategic Partnership")
    page.get_by_label("Region").select_option("West Midlands")
    page.get_by_label("Public body").check()
    page.get_by_role("button", name="Register the partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stratford Local Strategic Partnership")
    assert_accessible(page)
    page.get_by_label("Green from (per cent positive)").fill("80")
    page.get_by_label("Amber from (per cent positive)").fill("60")
    page.get_by_role("button", name="Save the cut-offs").click()
    expect(page.get_by_role("status")).to_contain_text("cut-offs are saved")
    page.get_by_role("button", name="Create an invitation link").click()
    expect(page.get_by_role("status")).to_contain_text("A new invitation link is ready")
    link = page.locator("#invitations-heading ~ ul code").first.inner_text()
    page.get_by_label("Name of the round").fill("2026")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health-check 2026")
    assert_accessible(page)

    # A member joins by the link, answering for the voluntary sector, and answers the first theme.
    member_context = browser.new_context(viewport={"width": 1280, "height": 900})
    member = member_context.new_page()
    member.set_default_timeout(10_000)
    log_in(member, live_server, "val@example.org")
    member.goto(link)
    expect(member.get_by_role("heading", level=1)).to_have_text("Join Stratford Local Strategic Partnership")
    assert_accessible(member)
    member.get_by_label("Voluntary or community organisation").check()
    member.get_by_role("button", name="Join the partnership").click()
    expect(member.get_by_role("status")).to_contain_text("You have joined")
    assert_accessible(member)
    member.get_by_role("link", name="Health-check 2026", exact=True).click()
    member.get_by_role("link", name="Answer the checklist").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Improving understanding")
    assert_accessible(member)
    first_theme = db.session.scalar(select(Theme).order_by(Theme.position))
    pair = first_theme.checklist[0]
    member.locator(f"#rating-{pair.id}-1").check()  # "Mostly"
    member.get_by_label("Comment on item 1 (optional)").fill("We never meet the small groups.")
    member.get_by_label("Better").check()
    member.get_by_role("button", name="Save and continue").click()
    expect(member.get_by_role("status")).to_contain_text("Your answers on improving understanding are saved")
    expect(member.get_by_role("heading", level=1)).to_have_text("Joining-up policy")
    assert_accessible(member)
    member_context.close()

    # Four more from each sector, and the coordinator, answer item 1 (through the service).
    partnership = db.session.scalar(select(Partnership))
    health_check = db.session.scalar(select(HealthCheckRound))
    coordinator = partnership.memberships[0].user
    answer_pair(health_check, coordinator, pair, "consistently")
    for rating in ("consistently", "sometimes-dont", "sometimes-dont", "sometimes-dont"):
        answer_pair(health_check, join_as(partnership, PUBLIC, coordinator), pair, rating)
    for _ in range(4):
        answer_pair(health_check, join_as(partnership, VOLUNTARY, coordinator), pair, "consistently-dont")
    assert service.respondent_count(health_check) == 10

    # The coordinator closes the round: public bodies 40% positive, the voluntary sector 20%.
    page.reload()
    expect(page.get_by_text("10 members of 10 answered so far")).to_be_visible()
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("status")).to_contain_text("The round 2026 is closed")
    chart = page.locator("section[aria-labelledby=results-improving-understanding] svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_contain_text("Improving understanding: share of positive answers")
    row = page.locator(f"#result-{pair.id}")
    expect(row).to_contain_text("30%")
    expect(row).to_contain_text("+20 points")
    expect(row).to_contain_text("Gap of 20 or more")
    expect(row).to_contain_text("Red")  # 30%: below the partnership's own amber cut-off
    expect(page.get_by_text("We never meet the small groups.")).to_be_visible()
    weakest = page.locator(".weak-items li").first
    expect(weakest).to_contain_text("Improving understanding, item 1")
    weakest.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/case-studies/" in page.url or "/lessons/" in page.url
    page.go_back()
    assert_accessible(page)

    # The partnership's map of its local organisations: a mistake shown, then one added and filtered.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Stratford Local Strategic").click()
    page.get_by_role("link", name="Local organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Local organisations")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the map").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the organisation's name")
    assert_accessible(page)
    page.locator("#organisation-name").fill("Stratford CVS")
    page.locator("#organisation-sector").select_option("voluntary or community organisation")
    page.locator("#organisation-kind").select_option("infrastructure body")
    page.get_by_role("button", name="Add to the map").click()
    expect(page.get_by_role("status")).to_contain_text("Stratford CVS is on the map")
    page.locator("#filter-kind").select_option("infrastructure body")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("table")).to_contain_text("Stratford CVS")
    assert_accessible(page)

    # Published as a public directory, the map is there for anyone: its page checked too.
    page.get_by_role("button", name="Publish as a public directory").click()
    expect(page.get_by_role("status")).to_contain_text("The map is now a public directory")
    assert_accessible(page)
    page.get_by_role("link", name="its public directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Local organisations: Stratford Local Strategic Partnership"
    )
    expect(page.get_by_role("table")).to_contain_text("Stratford CVS")
    assert_accessible(page)


def test_an_unverified_member_verifies_and_then_joins_by_the_same_link(page, live_server):
    coordinator = make_user(email="coordinator@example.org", display_name="Cora Coordinator")
    partnership = service.register_partnership(
        "Stratford Local Strategic Partnership", "West Midlands", "", PUBLIC, by=coordinator
    )
    link = f"/partnerships/join/{service.create_invitation(partnership, 14, by=coordinator).token}"
    newcomer = make_user(email="una@example.org", display_name="Una Unverified", verified=False)

    log_in(page, live_server, "una@example.org")
    page.goto(f"{live_server}{link}")
    expect(page.get_by_role("heading", name="Verify your email address first")).to_be_visible()
    expect(page.get_by_text("Verify your email address to join the partnership")).to_be_visible()
    expect(page.get_by_role("button", name="Join the partnership")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{live_server}{urlsplit(verification.verification_link(newcomer)).path}")
    expect(page.get_by_role("status")).to_contain_text("una@example.org is verified")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Stratford Local Strategic Partnership")
    page.get_by_label("Voluntary or community organisation").check()
    page.get_by_role("button", name="Join the partnership").click()
    expect(page.get_by_role("status")).to_contain_text("You have joined")
    assert service.is_member(newcomer, partnership)
