"""The trust pages in a real browser, on a phone and a laptop: a visitor follows each footer link,
every page passes axe-core and none scrolls sideways at 390 px; a visitor clicking Board is told
why they must log in and how to join."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

FOOTER = ["Community guidelines", "Privacy", "Cookies", "Accessibility statement", "Contact"]


@pytest.mark.parametrize("width", [390, 1280])
def test_a_visitor_reads_the_trust_pages_from_the_footer(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server)
    expect(page.get_by_text("This is a new service")).to_be_visible()
    for name in FOOTER:
        page.get_by_role("navigation", name="Footer").get_by_role("link", name=name, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
        sideways = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert sideways <= 0, (name, width, sideways)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Board").click()
    expect(page.get_by_role("status")).to_contain_text("The discussion board is for members")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert_accessible(page)
    context.close()
