"""A member takes a partnership's health-check results to the review meeting, in a real browser:
the results page with the sector gap and the trend over two rounds (pictures and tables), the
print-ready report (each theme on a new sheet when printed) and the CSV. axe-core on each page."""

from datetime import datetime
from pathlib import Path

from playwright.sync_api import expect

from kb.partnerships import service
from kb.partnerships.models import Partnership
from kb.platform import clock
from tests.browser.conftest import assert_accessible
from tests.factories import make_user
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, answer_pair, join_as, themes

from .test_case_study_journey import log_in


def closed_round(partnership: Partnership, coordinator, name: str, day: int, people, positive: dict) -> None:
    """Item 1 of the first theme answered by everyone; the people listed in `positive` say "mostly"."""
    clock.freeze(datetime(2026, 1, day, 9, 0))
    round_ = service.open_round(partnership, name, None, by=coordinator)
    pair = themes()[0].checklist[0]
    for person in people:
        answer_pair(round_, person, pair, "mostly" if person in positive else "consistently-dont")
    service.close_round(round_, by=coordinator)
    clock.freeze(None)


def test_results_go_to_the_review_meeting(page, live_server):
    coordinator = make_user(email="coordinator@example.org", display_name="Cora Coordinator")
    partnership = service.register_partnership(
        "Stratford Local Strategic Partnership", "West Midlands", "", PUBLIC, by=coordinator
    )
    public = [coordinator] + [join_as(partnership, PUBLIC, coordinator) for _ in range(4)]
    voluntary = [join_as(partnership, VOLUNTARY, coordinator, email=f"vol{n}@example.org") for n in range(5)]
    everyone = public + voluntary
    closed_round(partnership, coordinator, "2025", 1, everyone, set(public[:3]))  # 30% positive
    # 2026: every public body positive (100%), one of the voluntary sector (20%): a gap of 80 points.
    closed_round(partnership, coordinator, "2026", 2, everyone, set(public + voluntary[:1]))

    log_in(page, live_server, "vol0@example.org")
    page.get_by_role("link", name="Partnerships", exact=True).click()
    page.get_by_role("link", name="Stratford Local Strategic Partnership").click()
    page.get_by_role("link", name="Health-check 2026", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health-check 2026")
    gap_chart = page.get_by_role("img", name="The sector gap for each theme")
    expect(gap_chart).to_be_visible()
    expect(gap_chart).to_contain_text("gap +80 points, 20 or more")
    expect(page.get_by_role("table", name="The sector gap for each theme")).to_contain_text("+80 points")
    expect(page.get_by_role("img", name="Each theme over the rounds 2025, 2026")).to_be_visible()
    expect(page.get_by_role("table", name="Each theme over the rounds")).to_contain_text("+30 points on 2025")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the results as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename == "stratford-local-strategic-partnership-health-check-2026.csv"
    assert "60.0" in Path(download.value.path()).read_text(encoding="utf-8-sig")  # item 1: 6 of 10 positive

    page.get_by_role("link", name="Print-ready report for the review meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Health-check 2026: Stratford Local Strategic Partnership"
    )
    expect(page.get_by_text("10 members of 10")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    sheets = page.locator(".healthcheck-report__page")
    assert sheets.count() == len(themes()) + 1  # the gap and the trend, then one sheet a theme
    assert sheets.evaluate_all("pages => pages.map(p => getComputedStyle(p).breakBefore)") == ["page"] * sheets.count()
