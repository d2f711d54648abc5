"""Describe your situation in a real browser: a practitioner's problem in their own words on the
home page, the leaflet's advice among the first results, open it, follow "More like this".
axe-core on each page."""

import re

from playwright.sync_api import expect

from kb.search import service as search
from tests.browser.conftest import assert_accessible

SITUATION = "our council keeps giving one-year grants and the charities spend all their time bidding"


def test_describe_open_the_top_result_and_follow_more_like_this(page, live_server):
    search.drain()  # the seed's items and their vectors, as `flask kb index init` would make them
    page.goto(live_server)
    assert_accessible(page)
    page.get_by_label("Your situation, in your own words").fill(SITUATION)
    page.get_by_role("button", name="Find what helps").click()

    expect(page.get_by_role("heading", level=2, name="What addresses it")).to_be_visible()
    results = page.locator(".search-results > li")
    first_three = " ".join(results.nth(index).inner_text() for index in range(3))
    assert "Consider longer-term and clearer funding agreements" in first_three
    expect(results.first).to_contain_text("Closest passage")
    expect(page.get_by_label("Your situation, in your own words")).to_have_value(SITUATION)
    assert_accessible(page)

    # The leaflet's advice, wherever it is among the first three (a lesson may rank above it).
    advice = results.filter(has_text="Consider longer-term and clearer funding agreements").first
    top = advice.get_by_role("link").first
    title = top.inner_text()
    top.click()
    expect(page).to_have_url(re.compile(r"/themes/funding-it-better#checklist-\d+$"))
    assert_accessible(page)

    row = page.locator("#" + page.url.rsplit("#", 1)[1])
    expect(row).to_contain_text(title.removeprefix("Do: "))
    row.get_by_role("link", name="More like this").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("More like")
    expect(page.locator(".search-results > li")).to_have_count(5)
    assert_accessible(page)
    neighbour = page.locator(".search-results > li").first.get_by_role("link")
    name = neighbour.inner_text()
    neighbour.click()
    expect(page.get_by_text(name.removeprefix("Do: ")).first).to_be_visible()
