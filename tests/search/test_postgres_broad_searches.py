"""PostgreSQL's ways through a search that matches many documents.

At 50,000 documents a common word matches tens of thousands, and the backend takes shortcuts
(kb/search/backends/postgres/query.py): it ranks in full only the best candidates (matches in the
title, summary or tags first, then the newest of the rest), and a newest-first page either walks the
dates' index or sorts the matches. These tests make the shortcuts apply to a small site, by
lowering their thresholds, and check that people see the same pages as the exact way shows them.
"""

from datetime import datetime, timedelta

import pytest

from kb.platform import clock
from kb.search import service as search
from kb.search.backends.postgres import query as postgres_query
from kb.search.documents import PUBLIC
from kb.search.query import parse
from kb.search.results import SearchRequest
from tests.search.conftest import results


@pytest.fixture
def stories(publish, themes_only):
    """24 case studies about grants, a day apart: three (the oldest) say so in their titles, the
    rest only in their bodies; every fourth (from the first) mentions housing; the themes alternate;
    all are tagged "data", and every third (from the first) "youth" too."""
    themes = ["funding-it-better", "organising-ourselves"]
    for number in range(24):
        clock.freeze(datetime(2026, 1, 1) + timedelta(days=number))
        title = f"Grant story {number}" if number < 3 else f"Story {number}"
        housing = " Housing was the aim." if number % 4 == 0 else ""
        body = f"The council paid the grant on time. Story {number}.{housing}"
        publish(title, body, theme_slugs=[themes[number % 2]], tags=["data", "youth"] if number % 3 == 0 else ["data"])
    clock.freeze(None)


@pytest.fixture
def broad(search_backend, stories):
    if search_backend != "postgres":
        pytest.skip("the shortcuts are PostgreSQL's")


def pages(client, query: str) -> list[list[str]]:
    first = results(client, query)
    found = [[hit["title"] for hit in first["results"]]]
    for number in range(2, first["pages"] + 1):
        found.append([hit["title"] for hit in results(client, f"{query}&page={number}")["results"]])
    return found


def facet_counts(data: dict) -> dict:
    return {name: {facet["value"]: facet["count"] for facet in facets} for name, facets in data["facets"].items()}


def every_page(query: str, filters: dict, page_size: int = 4) -> tuple[list[list[str]], int, dict]:
    """Each page of a search through the service, small pages so a few dozen matches are many."""

    def page(number):
        return search.search(SearchRequest(parse(query), {PUBLIC}, filters=filters, page=number, page_size=page_size))

    first = page(1)
    found = [[hit.fields["title"] for hit in page(number).hits] for number in range(1, first.pages + 1)]
    return found, first.total, first.facets


@pytest.mark.parametrize(
    "query, filters",
    [
        ("grant", {}),
        ("grant -housing", {}),
        ("gran*", {}),
        ("grant", {"themes": "funding-it-better"}),
        ('"paid the grant"', {}),
    ],
)
def test_ranking_only_the_best_candidates_shows_the_pages_exact_ranking_shows(app, broad, monkeypatch, query, filters):
    exact = every_page(query, filters)
    monkeypatch.setattr(postgres_query, "RANK_CANDIDATES", 1)  # fewer than a page: each page ranks what it needs
    assert every_page(query, filters) == exact


def test_title_matches_come_first_even_when_only_candidates_are_ranked(client, broad, monkeypatch):
    monkeypatch.setattr(postgres_query, "RANK_CANDIDATES", 1)
    first, second = pages(client, "q=grant")
    # (The first page's order is also moved by meaning, kb/meaning: which page each is on is the words'.)
    assert {"Grant story 2", "Grant story 1", "Grant story 0"} <= set(first)
    assert len(first) == 20 and len(set(first + second)) == 24
    # The others by date, newest first: the oldest of them are on page two.
    assert second == ["Story 6", "Story 5", "Story 4", "Story 3"]


def test_leaving_a_word_out_holds_for_the_candidates_too(app, broad, monkeypatch):
    monkeypatch.setattr(postgres_query, "RANK_CANDIDATES", 1)
    found, total, _facets = every_page("grant -housing", {})
    found = [title for page in found for title in page]
    assert total == 18 and len(found) == 18
    assert not {"Grant story 0", "Story 4", "Story 8", "Story 12", "Story 16", "Story 20"} & set(found)
    assert found[:2] == ["Grant story 2", "Grant story 1"]


@pytest.mark.parametrize("walk_limit", [0, 10**9], ids=["sorting the matches", "walking the dates"])
def test_newest_first_pages_are_the_same_either_way(client, broad, monkeypatch, walk_limit):
    monkeypatch.setattr(postgres_query, "NEWEST_WALK_LIMIT", walk_limit)
    found = pages(client, "q=grant&sort=newest")
    assert found == [
        [f"Story {number}" for number in range(23, 3, -1)],
        ["Story 3", "Grant story 2", "Grant story 1", "Grant story 0"],
    ]
    narrowed = pages(client, "q=grant&sort=newest&theme=funding-it-better")
    assert narrowed == [[f"Story {number}" for number in range(22, 3, -2)] + ["Grant story 2", "Grant story 0"]]


def test_facets_count_each_value_of_many_valued_fields_under_the_other_filters(client, stories):
    """On both backends: PostgreSQL counts by grouping, Whoosh from its own facets."""
    everything = facet_counts(results(client, "q=grant"))
    assert everything["theme"] == {"funding-it-better": 12, "organising-ourselves": 12}
    assert everything["tag"] == {"data": 24, "youth": 8}
    narrowed = results(client, "q=grant&theme=funding-it-better&tag=youth")
    assert narrowed["total"] == 4  # stories 0, 6, 12 and 18
    counts = facet_counts(narrowed)
    # Each facet counts what choosing its value would show, the other filter kept.
    assert counts["theme"] == {"funding-it-better": 4, "organising-ourselves": 4}
    assert counts["tag"] == {"data": 12, "youth": 4}
