"""A meeting pack in a real browser: from a theme's page to its pack, then as the printer sees it
(print media emulated): no navigation, search box or buttons, the checklist and each case study and
lesson starting on a new page. The same for a collection's pack. axe-core on screen and in print."""

from playwright.sync_api import expect

from kb.auth.models import Role
from kb.collections import service as collections
from kb.themes.service import get_theme
from tests.browser.conftest import assert_accessible
from tests.factories import make_item, make_user

HIDDEN_IN_PRINT = ".site-header, .site-footer, .breadcrumbs, nav, button, .no-print"


def displays(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "elements => elements.map(e => getComputedStyle(e).display)")


def breaks_before(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "elements => elements.map(e => getComputedStyle(e).breakBefore)")


def test_print_a_themes_meeting_pack(page, live_server):
    page.goto(f"{live_server}/themes/joining-up-policy")
    assert_accessible(page)
    page.get_by_role("link", name="Meeting pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Joining-up policy")
    expect(page.get_by_role("heading", name="Contents")).to_be_visible()
    items = page.locator("article.pack-item")
    assert items.count() >= 1  # the leaflet's case studies and lessons on this theme
    first_title = items.first.locator("h2").inner_text()
    contents = page.locator(".pack-contents")
    expect(contents).to_contain_text(first_title)
    expect(contents).to_contain_text(f"{live_server}/")  # whole addresses, for readers of the paper
    assert "page" not in breaks_before(page, "article.pack-item")  # on screen, one long page
    assert_accessible(page)

    page.emulate_media(media="print")
    assert page.evaluate("matchMedia('print').matches")
    assert set(displays(page, HIDDEN_IN_PRINT)) == {"none"}
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("heading", name="Joining-up policy: the aim and checklist")).to_be_visible()
    expect(page.locator(".checklist-table")).to_be_visible()
    # The checklist and every item start a new sheet of paper.
    assert breaks_before(page, ".pack-page") == ["page"] * (items.count() + 1)
    expect(items.first).to_be_visible()
    assert_accessible(page)


def test_print_a_collections_meeting_pack(page, live_server):
    moderator = make_user(role=Role.MODERATOR)
    writer = make_user(display_name="Wren Writer")
    collection = collections.save(
        None,
        "Starting a partnership",
        "Where to begin, in two readings.",
        get_theme("improving-understanding"),
        by=moderator,
    )
    for title in ("Joint training for councillors", "A shared induction for new trustees"):
        item = make_item(writer, title=title)
        collections.add_entry(collection, f"/case-studies/{item.id}", f"Why: {title.lower()}.", by=moderator)
    collections.add_entry(
        collection, "https://example.org/guide", "Outside guidance.", by=moderator, title="A guide from elsewhere"
    )

    page.goto(f"{live_server}/collections/{collection.id}-{collection.slug}")
    assert_accessible(page)
    page.get_by_role("link", name="Meeting pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Starting a partnership")
    expect(page.locator(".pack-contents")).to_contain_text("https://example.org/guide")
    assert_accessible(page)

    page.emulate_media(media="print")
    assert set(displays(page, HIDDEN_IN_PRINT)) == {"none"}
    titles = page.locator("article.pack-item h2").all_inner_texts()
    assert titles == ["Joint training for councillors", "A shared induction for new trustees"]
    assert breaks_before(page, "article.pack-item") == ["page", "page"]
    assert_accessible(page)
