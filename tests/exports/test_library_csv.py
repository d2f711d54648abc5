"""Case-study and lesson lists as CSV: what the filtered page shows, every page of it, safe to open
in a spreadsheet, and nothing that is not published."""

from __future__ import annotations

import csv
import io
import re

import pytest

from kb.auth.models import Role
from kb.library.models import Kind
from tests.conftest import sign_in
from tests.factories import make_item, make_user

LISTED_ADDRESS = re.compile(r'class="item-card__title"><a href="([^"]+)"')


def table(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))


def addresses_on(client, url: str) -> list[str]:
    """Every item the list page shows, page after page (a page past the last shows the last again)."""
    found, previous = [], None
    for number in range(1, 20):
        html = client.get(f"{url}{'&' if '?' in url else '?'}page={number}").get_data(as_text=True)
        listed = LISTED_ADDRESS.findall(html)
        if listed == previous:
            break
        found += [f"http://127.0.0.1:5000{address}" for address in listed]
        previous = listed
    return found


@pytest.fixture
def writer(seeded):
    return make_user(display_name="Wren Writer")


def test_the_csv_holds_the_filtered_list_every_page_of_it(client, writer):
    for number in range(23):  # more than one page of the list
        make_item(writer, title=f"Funding story number {number}", theme_slugs=["funding-it-better"], region="London")
    make_item(writer, title="Elsewhere in the north", theme_slugs=["funding-it-better"], region="North West")
    filtered = "/case-studies?theme=funding-it-better&region=London"

    rows = table(client.get("/case-studies.csv?theme=funding-it-better&region=London"))

    assert [row["Address"] for row in rows] == addresses_on(client, filtered)
    assert len(rows) == 23 + sum(1 for row in rows if not row["Title"].startswith("Funding story"))
    assert "Elsewhere in the north" not in {row["Title"] for row in rows}
    assert all(row["Region"] == "London" and "Funding it better" in row["Themes"] for row in rows)
    assert list(rows[0]) == [
        "Title",
        "Address",
        "Summary",
        "Themes",
        "Region",
        "Locality",
        "Sectors involved",
        "Organisations",
        "Work started",
        "Tags",
        "Verified good practice",
        "Shared by",
        "Published",
    ]
    whole = table(client.get("/case-studies.csv"))
    assert [row["Address"] for row in whole] == addresses_on(client, "/case-studies")


def test_a_title_that_starts_like_a_formula_comes_out_as_text(client, writer):
    make_item(writer, title='=HYPERLINK("http://evil.example","Click")', summary="+44 20 7946 0000")
    row = next(row for row in table(client.get("/case-studies.csv")) if "HYPERLINK" in row["Title"])
    assert row["Title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["Summary"] == "'+44 20 7946 0000"


def test_only_published_items_even_for_a_moderator_or_the_author(app, client, writer):
    make_item(writer, title="A draft about pooled budgets", status="draft")
    make_item(writer, title="Submitted work on pooled budgets", status="submitted")
    published = make_item(writer, title="Published work on pooled budgets")
    moderator = make_user(role=Role.MODERATOR)
    downloads = [
        client.get("/case-studies.csv"),
        sign_in(app.test_client(), moderator).get("/case-studies.csv"),
        sign_in(app.test_client(), writer).get("/case-studies.csv"),
    ]
    for response in downloads:
        titles = {row["Title"] for row in table(response)}
        assert published.title in titles
        assert not titles & {"A draft about pooled budgets", "Submitted work on pooled budgets"}
    assert downloads[0].data == downloads[1].data == downloads[2].data


def test_lessons_have_their_own_columns_and_the_outcome_filter(client, writer):
    source = make_item(writer, title="The county's shared grants gateway", region="East of England")
    make_item(
        writer,
        Kind.LESSON,
        title="Agree the criteria before the money",
        source_case_study_id=source.id,
        outcome="didn't work",
        body="Shared criteria made joint decisions quick.",
    )
    rows = table(client.get("/lessons.csv?outcome=didn't+work&region=East+of+England"))
    assert [row["Title"] for row in rows] == ["Agree the criteria before the money"]
    assert rows[0]["Outcome"] == "didn't work"
    assert rows[0]["From the case study"] == "The county's shared grants gateway"
    assert rows[0]["Region (of the case study)"] == "East of England"
    assert rows[0]["Lesson"] == "Shared criteria made joint decisions quick."


def test_the_list_page_links_to_the_csv_with_its_filters(client, writer):
    make_item(writer, title="Training together in London", region="London")
    html = client.get("/case-studies?region=London&theme=improving-understanding").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" download>Download as CSV', html).group(1)
    assert link.startswith("/case-studies.csv?")
    assert "region=London" in link and "theme=improving-understanding" in link
    response = client.get(link.replace("&amp;", "&"))
    assert 'filename="case-studies-improving-understanding-london.csv"' in response.headers["Content-Disposition"]
    assert [row["Title"] for row in table(response)] == ["Training together in London"]


@pytest.mark.parametrize(
    "query",
    [
        "theme=nope",
        "region=%00",
        "sector=x" * 3,
        "tag=" + "x" * 5000,
        "outcome=maybe",
        "page=-1",
        "tag=%00",
        "theme=a%00b",
        "tag=日本語",
        "tag=²",
        'tag="; filename=evil.exe',
    ],
)
def test_odd_filter_values_filter_nothing_and_never_break(client, writer, query):
    for list_address in ("/case-studies.csv", "/lessons.csv"):
        response = client.get(f"{list_address}?{query}")
        assert response.status_code == 200
        # What a real server sends: a header in any other script would fail there, not here.
        name = response.headers["Content-Disposition"].encode("latin-1").decode()
        assert name.count('"') == 2 and "evil.exe" not in name.replace("-evil-exe", "")
