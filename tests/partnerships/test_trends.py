"""Change over the last three closed rounds: worked examples of shares and changes per item and per
theme, an item reworded between rounds (not compared with the rounds before, the others still
are), a round with too few respondents (shows nothing, and the change skips it), and the pictures."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from kb.partnerships import service
from kb.partnerships.results.service import round_results
from kb.partnerships.results.trends import round_trends, rounds_compared
from kb.platform import clock
from kb.platform.extensions import db
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, answer_pair, join_as, themes


@pytest.fixture
def members(partnership, coordinator):
    """Ten members: the coordinator and four more for public bodies, five for the voluntary sector."""
    return (
        [coordinator]
        + [join_as(partnership, PUBLIC, coordinator) for _ in range(4)]
        + [join_as(partnership, VOLUNTARY, coordinator) for _ in range(5)]
    )


def closed_round(partnership, coordinator, name: str, day: int, answers: dict) -> object:
    """A round opened on the given day of January 2026 in which, for each (pair, people, positive),
    the first `positive` people say "mostly" and the rest "sometimes the Don't"; then closed."""
    clock.freeze(datetime(2026, 1, day, 9, 0))
    round_ = service.open_round(partnership, name, None, by=coordinator)
    for pair, (people, positive) in answers.items():
        for number, person in enumerate(people):
            answer_pair(round_, person, pair, "mostly" if number < positive else "sometimes-dont")
    service.close_round(round_, by=coordinator)
    return round_


def results_page(browser_of, person, round_) -> str:
    return browser_of(person).get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)


def csv_row(browser_of, person, round_, pair) -> dict:
    response = browser_of(person).get(f"/partnerships/rounds/{round_.id}/results.csv")
    rows = csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig")))
    return next(row for row in rows if row["Do"] == pair.do_text)


def shares(series) -> list:
    return [point.share for point in series.points]


def changes(series) -> list:
    return [point.change for point in series.points]


def test_worked_example_of_change_over_the_last_three_rounds(browser_of, partnership, coordinator, members):
    a, b = themes()[0].checklist[:2]
    closed_round(partnership, coordinator, "2023", 1, {a: (members, 9), b: (members, 9)})  # too old: 4th from last
    closed_round(partnership, coordinator, "2024", 2, {a: (members, 5), b: (members, 10)})
    closed_round(partnership, coordinator, "2025", 3, {a: (members, 7), b: (members, 10)})
    latest = closed_round(partnership, coordinator, "2026", 4, {a: (members, 6), b: (members[:8], 2)})

    trends = round_trends(latest, 5)
    assert trends.round_names == ["2024", "2025", "2026"]
    assert shares(trends.items[a.id]) == [50.0, 70.0, 60.0]
    assert changes(trends.items[a.id]) == [None, 20.0, -10.0]  # the first has nothing before it in view
    assert trends.items[a.id].latest.compared_with == "2025" and not trends.items[a.id].reworded
    assert shares(trends.items[b.id]) == [100.0, 100.0, 25.0] and changes(trends.items[b.id])[2] == -75.0
    # The theme pools its items: 15 of 20, 17 of 20, then 8 of 18 positive.
    theme = trends.themes[themes()[0].id]
    assert shares(theme) == [75.0, 85.0, pytest.approx(100 * 8 / 18)]
    assert changes(theme)[1] == pytest.approx(10.0) and changes(theme)[2] == pytest.approx(100 * 8 / 18 - 85)
    assert [(point.round_name, point.share) for point in trends.items[a.id].earlier] == [("2024", 50.0), ("2025", 70.0)]
    # The view from an earlier round looks back from there.
    earlier = rounds_compared(db.session.scalar(db.select(type(latest)).where(type(latest).name == "2025")))
    assert [round_.name for round_ in earlier] == ["2023", "2024", "2025"]

    page = results_page(browser_of, coordinator, latest)
    assert "-10 points on 2025" in page and "Before: 2024 50%, 2025 70%" in page
    row = csv_row(browser_of, coordinator, latest, a)
    assert (
        row["Positive (%)"],
        row["Change (points)"],
        row["Compared with round"],
        row["Reworded"],
        row["Positive (%) in 2024"],
        row["Positive (%) in 2025"],
    ) == ("60.0", "-10.0", "2025", "", "50.0", "70.0")


def test_a_reworded_item_is_not_compared_with_rounds_before_the_change(browser_of, partnership, coordinator, members):
    a, b = themes()[0].checklist[:2]
    closed_round(partnership, coordinator, "2024", 2, {a: (members, 10), b: (members, 5)})
    a.do_text = "Map the local voluntary sector and public bodies every two years"  # the wording changes
    db.session.commit()
    middle = closed_round(partnership, coordinator, "2025", 3, {a: (members, 0), b: (members, 5)})

    trends = round_trends(middle, 5)
    assert shares(trends.items[a.id]) == [100.0, 0.0]
    assert changes(trends.items[a.id]) == [None, None] and trends.items[a.id].reworded  # no "-100 points"
    assert changes(trends.items[b.id]) == [None, 0.0]  # the other item is still compared
    # The theme's change counts only item B, asked alike: 50% then 50%, where pooling A would say -50.
    assert shares(trends.themes[themes()[0].id]) == [75.0, 25.0]
    assert changes(trends.themes[themes()[0].id])[1] == 0.0

    assert trends.items[a.id].earlier == [] and len(trends.items[b.id].earlier) == 1
    row = csv_row(browser_of, coordinator, middle, a)
    assert (row["Positive (%)"], row["Change (points)"], row["Reworded"], row["Positive (%) in 2024"]) == (
        "0.0",
        "",
        "yes",
        "",
    )  # the 100% of 2024 answered other words
    assert csv_row(browser_of, coordinator, middle, b)["Positive (%) in 2024"] == "50.0"

    latest = closed_round(partnership, coordinator, "2026", 4, {a: (members, 3), b: (members, 5)})
    item_a = round_trends(latest, 5).items[a.id]
    assert changes(item_a) == [None, None, 30.0] and item_a.latest.compared_with == "2025"  # same words since
    assert [point.round_name for point in item_a.earlier] == ["2025"]

    page = results_page(browser_of, coordinator, middle)
    assert "reworded: compared only with rounds that asked it the same way" in page
    assert "-100 points" not in page and "0 points on 2024" in page


def test_a_round_with_too_few_respondents_shows_nothing_and_is_skipped(browser_of, partnership, coordinator, members):
    a = themes()[0].checklist[0]
    closed_round(partnership, coordinator, "2024", 2, {a: (members, 4)})
    closed_round(partnership, coordinator, "2025", 3, {a: (members[:4], 1)})  # four respondents: 25%, withheld
    latest = closed_round(partnership, coordinator, "2026", 4, {a: (members, 9)})

    trends = round_trends(latest, 5)
    assert shares(trends.items[a.id]) == [40.0, None, 90.0]
    assert changes(trends.items[a.id]) == [None, None, 50.0] and trends.items[a.id].latest.compared_with == "2024"
    assert shares(trends.themes[themes()[0].id]) == [40.0, None, 90.0]
    page = results_page(browser_of, coordinator, latest)
    assert "25%" not in page and "+50 points on 2024" in page


def test_an_open_round_has_no_trend(partnership, coordinator, members):
    a = themes()[0].checklist[0]
    closed_round(partnership, coordinator, "2025", 3, {a: (members, 4)})
    still_open = service.open_round(partnership, "2026", None, by=coordinator)
    assert round_trends(still_open, 5).round_names == [] and not round_trends(still_open, 5).compared


def test_the_pictures_have_titles_descriptions_and_tables(browser_of, partnership, coordinator, members):
    a = themes()[0].checklist[0]
    public, voluntary = members[:5], members[5:]
    closed_round(partnership, coordinator, "2025", 3, {a: (members, 5)})
    clock.freeze(datetime(2026, 1, 4, 9, 0))
    latest = service.open_round(partnership, "2026", None, by=coordinator)
    for person in public:
        answer_pair(latest, person, a, "consistently")
    for number, person in enumerate(voluntary):
        answer_pair(latest, person, a, "mostly" if number == 0 else "consistently-dont")
    service.close_round(latest, by=coordinator)
    assert round_results(latest, 5).themes[0].figures.gap == 80.0

    page = results_page(browser_of, coordinator, latest)
    gap_svg = page[page.index('role="img" aria-labelledby="chart-sector-gap-title chart-sector-gap-desc"') :]
    gap_svg = gap_svg[: gap_svg.index("</svg>")]
    assert '<desc id="chart-sector-gap-desc">' in gap_svg and "gap +80 points, 20 or more" in gap_svg
    assert "The sector gap for each theme</caption>" in page and "+80 points" in page
    assert '<title id="chart-trend-title">Each theme over the rounds 2025, 2026' in page
    assert "Each theme over the rounds</caption>" in page
    assert "+10 points on 2025" in page  # 5 of 10, then 6 of 10 positive
