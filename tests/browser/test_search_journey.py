"""Search in a real browser: from the header, narrow by two facets, open a result, come back with
the filters kept. axe-core on the results page with results and with none."""

from playwright.sync_api import expect

from kb.search import service as search
from tests.browser.conftest import assert_accessible


def test_search_narrow_open_and_come_back(page, live_server):
    search.drain()  # the seed's case studies and lessons, as `flask kb index init` would index them
    page.goto(live_server)
    page.get_by_role("search").get_by_label("Search case studies, lessons and the board").fill("compact")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    # The leaflet's four case studies about compacts, two lessons drawn from them, and twelve parts
    # of its checklist (Do/Don't pairs, actions and reading) that name the Compact.
    expect(page.get_by_role("heading", level=2, name="18 results for “compact”")).to_be_visible()
    expect(
        page.get_by_role("complementary", name="Narrow your search").get_by_role("link", name="The checklist (12)")
    ).to_be_visible()
    expect(page.locator("mark").first).to_be_visible()
    assert_accessible(page)

    filters = page.get_by_role("complementary", name="Narrow your search")
    filters.get_by_role("link", name="Public body (4)").click()
    expect(page.get_by_role("heading", level=2, name="4 results for “compact”")).to_be_visible()
    page.get_by_role("complementary", name="Narrow your search").get_by_role("link", name="West Midlands (1)").click()
    expect(page.get_by_role("heading", level=2, name="1 result for “compact”")).to_be_visible()
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Region: West Midlands")
    assert_accessible(page)
    filtered_url = page.url

    page.get_by_role("link", name="Using the Compact to join-up policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Using the Compact to join-up policy")
    page.go_back()
    expect(page).to_have_url(filtered_url)
    expect(page.get_by_role("list", name="Active filters")).to_contain_text("Sector: Public body")
    expect(page.get_by_label("Search for")).to_have_value("compact")

    page.goto(f"{live_server}/search?q=zebra+giraffe")
    expect(page.get_by_text("Nothing found.")).to_be_visible()
    assert_accessible(page)
