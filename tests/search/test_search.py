"""Searching as a practitioner would: words, phrases, exclusions, prefixes, facets, sort and pages."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.library.models import Kind
from tests.search.conftest import results, titles


@pytest.fixture
def corpus(publish, themes_only):
    publish(
        "Joint training for councillors",
        "Councillors and charities trained together on the compact.",
        theme_slugs=["improving-understanding"],
        region="London",
        sectors=["public body"],
        tags=["training"],
    )
    publish(
        "A partnership board that worked",
        "The partnership board met monthly with the health trust.",
        theme_slugs=["organising-ourselves"],
        region="Wales",
        sectors=["voluntary or community organisation"],
        tags=["governance"],
    )
    publish(
        "Training the trainers",
        "Partners trained one another; the joint sessions were short.",
        theme_slugs=["sharing-good-practice"],
        region="London",
        tags=["training"],
    )
    publish(
        "Lesson: pay grants in advance",
        "Paying in advance kept small charities afloat.",
        kind=Kind.LESSON,
        theme_slugs=["funding-it-better"],
        outcome="worked well",
    )


def test_stemming_finds_other_forms_of_a_word(client, corpus):
    assert "A partnership board that worked" in titles(client, "q=partnerships")


def test_all_words_must_match(client, corpus):
    assert titles(client, "q=partnership+monthly") == ["A partnership board that worked"]


def test_a_quoted_phrase_must_match_in_order(client, corpus):
    assert titles(client, "q=%22joint+sessions%22") == ["Training the trainers"]
    assert titles(client, "q=%22sessions+joint%22") == []


def test_a_phrase_of_common_words_matches_exactly_that_phrase(client, corpus):
    assert titles(client, "q=%22with+the+health%22") == ["A partnership board that worked"]
    assert titles(client, "q=%22the+with%22") == []


def test_minus_leaves_a_word_out(client, corpus):
    found = titles(client, "q=training+-councillors")
    assert "Training the trainers" in found and "Joint training for councillors" not in found


def test_or_between_words(client, corpus):
    assert set(titles(client, "q=governance+OR+councillors")) == {
        "A partnership board that worked",
        "Joint training for councillors",
    }


def test_prefix_search(client, corpus):
    found = titles(client, "q=partn*")
    assert {"A partnership board that worked", "Training the trainers"} <= set(found)


def test_title_words_rank_above_body_words(client, corpus):
    assert titles(client, "q=training")[0] in ("Training the trainers", "Joint training for councillors")


def test_facets_count_what_each_choice_would_show(client, corpus):
    data = results(client, "q=training")
    regions = {facet["value"]: facet["count"] for facet in data["facets"]["region"]}
    assert regions == {"London": 2}
    narrowed = results(client, "q=training&theme=sharing-good-practice")
    assert [hit["title"] for hit in narrowed["results"]] == ["Training the trainers"]
    # The theme facet still offers the other theme that has training results.
    themes = {facet["value"]: facet["count"] for facet in narrowed["facets"]["theme"]}
    assert themes["improving-understanding"] == 1 and themes["sharing-good-practice"] == 1


def test_filters_combine_and_an_empty_query_browses_everything(client, corpus):
    data = results(client, "type=case+study&region=London")
    assert {hit["title"] for hit in data["results"]} == {"Joint training for councillors", "Training the trainers"}
    everything = results(client, "")
    assert everything["total"] == 4


def test_sort_by_newest(client, corpus):
    assert titles(client, "q=training&sort=newest")[0] == "Training the trainers"


def test_twenty_results_a_page(client, publish, themes_only):
    for number in range(23):
        publish(f"Compact story {number}", "A story about the compact.")
    first, second = results(client, "q=story"), results(client, "q=story&page=2")
    assert (first["total"], first["pages"], len(first["results"]), len(second["results"])) == (23, 2, 20, 3)
    page = client.get("/search?q=story&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in page and 'href="/search?page=1&amp;q=story" rel="prev"' in page


def test_no_result_with_all_words_falls_back_to_any_word_and_says_so(client, corpus):
    data = results(client, "q=councillors+governance")
    assert data["total"] == 2
    assert "some of them" in data["notice"]


def test_did_you_mean_offers_a_spelling_from_the_index(client, corpus):
    data = results(client, "q=partnershp")
    assert data["suggestion"] == "partnership"
    page = client.get("/search?q=partnershp").get_data(as_text=True)
    assert 'Did you mean <a href="/search?q=partnership">partnership</a>?' in page


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        "OR",
        "title:compact",
        "-",
        "- OR -",
        "!" * 1000,
        "partner* OR",
        "\x00\x01",
        "ünïcödé partnership",
        "a" * 5000,
    ],
)
def test_malformed_queries_are_read_as_plain_words_and_said_so(client, corpus, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    if query not in ("ünïcödé partnership",):
        assert "We searched for:" in response.get_data(as_text=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=200))
def test_any_string_gives_a_page(client, query):
    assert client.get("/search", query_string={"q": query}).status_code == 200


def test_highlighted_snippets_mark_the_words_and_escape_the_rest(client, publish, themes_only, search_backend):
    publish("Escaping test", "The <b>partnership</b> & the council worked in partnership.")
    hit = results(client, "q=partnership")["results"][0]
    assert "<mark>partnership</mark>" in hit["snippet"]
    assert "<b>" not in hit["snippet"] and "&amp; the council" in hit["snippet"]
    assert not hit["snippet"].startswith("…")  # the passage is the start of the text
    if search_backend == "whoosh":
        # PostgreSQL's ts_headline leaves HTML tags out of the passage altogether (its parser reads
        # them as tags, not words); Whoosh's snippet keeps them, escaped.
        assert "&lt;b&gt;" in hit["snippet"]


def test_the_search_page_keeps_the_query_in_the_boxes(client, corpus):
    page = client.get("/search?q=joint+training").get_data(as_text=True)
    assert 'value="joint training"' in page
    assert "<mark>" in page


def test_a_pasted_paragraph_is_not_swamped_by_a_word_nearly_every_document_has(
    client, publish, themes_only, search_backend
):
    if search_backend == "postgres":
        pytest.skip("Whoosh only: PostgreSQL ranks a long query with ts_rank_cd and keeps every word")
    for number in range(8):
        publish(f"Partnership story {number}", "A story about our partnership.")
    publish("Beekeeping with the partnership", "Volunteers kept bees with the council.")
    # Nine words, none in every document: no result has them all, so any of them will do; the
    # word nearly every document has is left out, and only the beekeeping story is found.
    long = "q=partnership+beekeeping+allotment+orchard+meadow+hedgerow+pond+compost+wildflower"
    data = results(client, long)
    assert [hit["title"] for hit in data["results"]] == ["Beekeeping with the partnership"]
    assert "some of them" in data["notice"]
    # A short query keeps every word it is given.
    assert results(client, "q=partnership+beekeeping+allotment")["total"] == 9
