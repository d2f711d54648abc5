"""The API's readable page in a real browser: axe-core finds no WCAG 2.2 A or AA problem, and its
contents links lead to the sections they name."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_the_api_page_is_accessible_and_its_contents_lead_somewhere(page, live_server):
    page.goto(f"{live_server}/api/v1/docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("Common Ground API, version 1")
    assert_accessible(page)
    page.get_by_role("link", name="GET /case-studies", exact=True).click()
    expect(page).to_have_url(f"{live_server}/api/v1/docs#listCaseStudies")
    section = page.get_by_role("region", name="GET /api/v1/case-studies", exact=True)
    expect(section.get_by_role("table", name="Parameters of GET /case-studies")).to_be_visible()
    page.get_by_role("link", name="The shapes of the answers").click()
    expect(page.get_by_role("heading", level=3, name="ItemList")).to_be_visible()
