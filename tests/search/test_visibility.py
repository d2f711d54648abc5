"""What unpublished work holds never shapes anyone else's search: newest first, the empty query,
prefix expansion and "Did you mean" all behave as if it were not there."""

from kb.search import service as search
from kb.search.documents import PUBLIC
from kb.search.query import parse
from tests.search.conftest import results, titles


def test_newest_first_and_the_empty_query_work_beside_a_draft(client, publish, themes_only):
    publish("Joint training for councillors")
    publish("A draft nobody else sees", status="draft")
    for query in ("q=", "sort=newest", "q=training&sort=newest"):
        assert titles(client, query) == ["Joint training for councillors"], query
    assert client.get("/search?sort=newest").status_code == 200
    # A rebuilt index holds the draft in a fresh segment: still fine.
    search.rebuild()
    assert titles(client, "sort=newest") == ["Joint training for councillors"]
    assert client.get("/search?q=&sort=newest").status_code == 200


def test_a_prefix_finds_visible_words_however_many_hidden_words_share_it(client, publish, themes_only):
    publish("Zebrafinch partnership", "A zebrafinch of a partnership.")
    for number in range(1, 10):
        word = "zebra" + "abcdefghi"[number - 1] * 3
        for copy in (1, 2):  # each hidden word more frequent than the visible one
            publish(f"Hidden draft {number} {copy}", f"{word} {word}", status="draft")
    assert titles(client, "q=zebra*") == ["Zebrafinch partnership"]


def test_did_you_mean_offers_only_words_a_visitor_may_see(client, publish, themes_only):
    publish("Unpublished zephyrine proposal", status="submitted")
    assert search.suggest(parse("zephyrime"), {PUBLIC}) is None
    assert results(client, "q=zephyrime")["suggestion"] is None
    publish("Published zephyrine approach")
    assert search.suggest(parse("zephyrime"), {PUBLIC}) == "zephyrine"
