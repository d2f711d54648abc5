"""Taking a closed round's results away: the CSV (one row per item, a withheld figure an empty cell
like any empty one), the print-ready report (one theme per page, headings in order), who may have
them, and a withheld sector gap that reaches no page, CSV or JSON. The reading list for weak items
takes in the theme's collections and items tagged with what the item speaks of."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from kb.auth.models import Role
from kb.collections import service as collections
from kb.partnerships import service
from kb.partnerships.results.service import round_results
from tests.factories import make_item, make_user
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, answer_pair, join_as, themes

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def four_voluntary(partnership, coordinator):
    """Five public bodies and four from the voluntary sector (too few for sector figures). On item 1
    every public body says "consistently"; the voluntary sector 1 "mostly" and 3 "consistently the
    Don't" (25%): a gap of 75 points that must never be shown. Item 2: 6 of 9 positive."""
    public = [coordinator] + [join_as(partnership, PUBLIC, coordinator) for _ in range(4)]
    voluntary = [join_as(partnership, VOLUNTARY, coordinator) for _ in range(4)]
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    first, second = themes()[0].checklist[:2]
    for person in public:
        answer_pair(round_, person, first, "consistently")
        answer_pair(round_, person, second, "mostly")
    for number, person in enumerate(voluntary):
        answer_pair(round_, person, first, "mostly" if number == 0 else "consistently-dont")
        answer_pair(round_, person, second, "mostly" if number == 0 else "dont-know")
    return round_, public, voluntary


def test_a_withheld_sector_gap_reaches_no_page_csv_or_json(browser_of, partnership, coordinator, four_voluntary):
    round_, public, voluntary = four_voluntary
    member = browser_of(voluntary[0])
    assert member.get(f"/partnerships/rounds/{round_.id}/results.csv").status_code == 404  # still open
    service.close_round(round_, by=coordinator)
    first = themes()[0].checklist[0]
    assert round_results(round_, 5).themes[0].items[0].figures.gap is None

    rows = csv_rows(member.get(f"/partnerships/rounds/{round_.id}/results.csv"))
    item_one = next(row for row in rows if row["Do"] == first.do_text)
    assert item_one["Positive (%)"] == "66.7" and item_one["Don't know (%)"] == "0.0"  # 6 of 9, shown
    assert (
        item_one["Public body positive (%)"],
        item_one["Voluntary or community positive (%)"],
        item_one["Sector gap (points)"],
        item_one["Gap of 20 or more"],
    ) == ("", "", "", "")
    item_two = next(row for row in rows if row["Item"] == "2" and row["Theme"] == themes()[0].title)
    assert item_two["Positive (%)"] == "100.0" and item_two["Don't know (%)"] == "33.3"
    # An item nobody answered: its cells are empty in exactly the same way as the withheld ones.
    item_three = next(row for row in rows if row["Item"] == "3" and row["Theme"] == themes()[0].title)
    assert item_three["Positive (%)"] == "" and item_three["Sector gap (points)"] == ""
    assert len(rows) == sum(len(theme.checklist) for theme in themes())

    csv_text = member.get(f"/partnerships/rounds/{round_.id}/results.csv").get_data(as_text=True)
    pages = [
        member.get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True),
        member.get(f"/partnerships/rounds/{round_.id}/report").get_data(as_text=True),
    ]
    data = zipfile.ZipFile(io.BytesIO(member.get("/my/data.zip").get_data()))
    # Timestamps go: a clock reading 20:29:25.098 would otherwise read as the withheld "25.0".
    exported = TIMESTAMP.sub("<time>", json.dumps(json.loads(data.read("common-ground-data.json"))))
    for text in (*pages, csv_text, exported):
        assert "75 points" not in text and "+75" not in text and "75.0" not in text  # the gap
        assert "25%" not in text and "25.0" not in text  # the voluntary sector's share
        assert "chart-sector-gap" not in text and "Sector gap</th>" not in text
    assert all("are not shown side by side" in page for page in pages)


def test_the_csv_gives_the_figures_of_a_worked_example(browser_of, partnership, coordinator):
    public = [coordinator] + [join_as(partnership, PUBLIC, coordinator) for _ in range(4)]
    voluntary = [join_as(partnership, VOLUNTARY, coordinator) for _ in range(5)]
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    first = themes()[0].checklist[0]
    for person in public:
        answer_pair(round_, person, first, "consistently")
    for number, person in enumerate(voluntary):
        answer_pair(round_, person, first, "mostly" if number < 2 else "sometimes-dont")
    service.close_round(round_, by=coordinator)
    row = csv_rows(browser_of(coordinator).get(f"/partnerships/rounds/{round_.id}/results.csv"))[0]
    assert row["Theme"] == themes()[0].title and row["Item"] == "1"
    assert (
        row["Positive (%)"],
        row["Public body positive (%)"],
        row["Voluntary or community positive (%)"],
        row["Sector gap (points)"],
        row["Gap of 20 or more"],
    ) == ("70.0", "100.0", "40.0", "60.0", "yes")
    assert row["Spread"] == "0.87"  # scores 4×5, 3×2, 2×3: mean 3.2, variance 7.6 / 10, root 0.872
    assert row["Change (points)"] == "" and row["Compared with round"] == ""  # the first round


def test_only_members_get_exports_and_only_of_closed_rounds(app, browser_of, partnership, coordinator, four_voluntary):
    round_, _public, voluntary = four_voluntary
    outsider = browser_of(make_user())
    for address in (f"/partnerships/rounds/{round_.id}/results.csv", f"/partnerships/rounds/{round_.id}/report"):
        assert browser_of(voluntary[1]).get(address).status_code == 404  # open
        assert app.test_client().get(address).status_code == 302  # asked to log in
    service.close_round(round_, by=coordinator)
    for address in (f"/partnerships/rounds/{round_.id}/results.csv", f"/partnerships/rounds/{round_.id}/report"):
        assert outsider.get(address).status_code == 404
        assert browser_of(voluntary[1]).get(address).status_code == 200


def test_too_few_respondents_give_a_report_that_says_so_and_no_csv(browser_of, partnership, coordinator):
    members = [coordinator] + [join_as(partnership, PUBLIC, coordinator) for _ in range(3)]
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    for person in members:
        answer_pair(round_, person, themes()[0].checklist[0], "consistently")
    service.close_round(round_, by=coordinator)
    client = browser_of(coordinator)
    assert client.get(f"/partnerships/rounds/{round_.id}/results.csv").status_code == 404
    report = client.get(f"/partnerships/rounds/{round_.id}/report").get_data(as_text=True)
    assert "at least 5 members" in report and "100%" not in report and "<svg" not in report


def test_the_report_is_ready_to_print_one_theme_a_page(browser_of, partnership, coordinator, four_voluntary):
    round_, _public, voluntary = four_voluntary
    service.close_round(round_, by=coordinator)
    response = browser_of(voluntary[0]).get(f"/partnerships/rounds/{round_.id}/report")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "css/healthcheck-report.css" in page
    assert "<title>Health-check report 2026 – Stratford Local Strategic Partnership" in page
    assert "9 members of 9" in page and "Report date" in page
    assert page.count('<div class="healthcheck-report__page">') == len(themes())
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page[page.index('id="report-heading"') - 10 :])]
    assert levels[0] == 1 and all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    css = browser_of(voluntary[0]).get("/static/css/healthcheck-report.css").get_data(as_text=True)
    assert "@media print" in css and "break-before: page" in css


def test_weak_items_read_the_themes_collections_and_items_tagged_as_they_speak(browser_of, partnership, coordinator):
    theme = themes()[0]
    weak = theme.checklist[0]
    word = next(word.strip(".,;").lower() for word in weak.do_text.split() if len(word.strip(".,;")) >= 6)
    writer, moderator = make_user(), make_user(role=Role.MODERATOR)
    make_item(writer, title="Tagged on another theme", theme_slugs=["funding-it-better"], tags=[word])
    make_item(writer, title="Tagged with nothing it speaks of", theme_slugs=["funding-it-better"], tags=["zzz-other"])
    collections.save(None, "Reading on understanding each other", "", theme, by=moderator)
    collections.save(None, "A collection on funding", "", themes()[4], by=moderator)
    members = [coordinator] + [join_as(partnership, PUBLIC, coordinator) for _ in range(4)]
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    for person in members:
        answer_pair(round_, person, weak, "sometimes-dont")
    service.close_round(round_, by=coordinator)
    reading = round_results(round_, 5).weak_items[0].reading
    titles = [(entry.title, entry.kind) for entry in reading]
    assert ("Reading on understanding each other", "collection") in titles
    assert ("Tagged on another theme", "case study") in titles
    assert all(title not in ("A collection on funding", "Tagged with nothing it speaks of") for title, _ in titles)
    page = browser_of(coordinator).get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "Reading on understanding each other" in page and "Tagged on another theme" in page
