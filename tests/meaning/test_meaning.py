"""Finding items by meaning: the model loads offline, vectors follow the outbox, only what the
visitor may see is returned or used to explain a match, and the pages behave."""

import socket

import numpy as np
import pytest
from flask_login import AnonymousUserMixin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kb.auth.models import Role
from kb.library.models import Kind
from kb.meaning import embedding
from kb.meaning import service as meaning
from kb.meaning.models import REMOVED, DocumentVector
from kb.meaning.store import VectorStore
from kb.platform.extensions import db
from kb.search import service as search
from kb.search.results import Hit, SearchOutcome
from tests.conftest import sign_in
from tests.factories import make_item, make_thread, make_user

BEEKEEPING = "Beekeeping volunteers in the park"
BEES_BODY = "Our volunteers look after honey bees and hives in the council's park, and run open days."


@pytest.fixture
def indexed(seeded):
    search.drain()
    return seeded


@pytest.fixture
def author(app):
    return make_user(display_name="Author")


def publish(author, title, body, kind=Kind.CASE_STUDY, status="published"):
    summary = title if kind == Kind.CASE_STUDY else ""
    item = make_item(author, kind, status, title=title, body=body, summary=summary, region=None, sectors=[])
    search.drain()
    return item


def vector_row(key):
    db.session.expire_all()
    return db.session.get(DocumentVector, key)


def described(client, situation):
    page = client.get("/describe", query_string={"situation": situation})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_the_model_loads_from_its_own_package_with_downloads_disabled(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the embedding model tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(embedding, "_model", None)
    vectors = embedding.embed(["one-year grants", "short funding agreements", "honey bees"])
    assert vectors.shape == (3, embedding.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]  # grants are closer to funding than to bees


def test_a_vector_is_written_with_its_document_and_changes_only_when_its_text_does(indexed, author):
    item = publish(author, BEEKEEPING, BEES_BODY)
    key = f"library_item:{item.id}"
    first = vector_row(key)
    assert first is not None and first.visibility == "public" and len(first.vector) == 4 * embedding.DIMENSIONS
    fingerprint, vector, revision = first.fingerprint, first.vector, first.revision
    item.title = "Beekeeping and orchard volunteers in the park"
    db.session.commit()
    search.drain()
    changed = vector_row(key)
    assert changed.fingerprint != fingerprint and changed.vector != vector and changed.revision > revision
    # A change that leaves the text alone (its region) does not embed it again.
    revision = changed.revision
    item.region = "London"
    db.session.commit()
    assert search.drain().indexed == 1
    assert vector_row(key).revision == revision


def test_a_removed_item_leaves_the_vectors_and_describe(indexed, author, client):
    item = publish(author, BEEKEEPING, BEES_BODY)
    assert BEEKEEPING in described(client, "looking after bees and hives")
    db.session.delete(item)
    db.session.commit()
    search.drain()
    gone = vector_row(f"library_item:{item.id}")
    assert gone.visibility == REMOVED and gone.vector == b""  # a tombstone, so other processes hear of it
    assert BEEKEEPING not in described(client, "looking after bees and hives")


def test_a_draft_is_never_found_or_used_to_explain_even_for_its_moderator(indexed, author, client):
    draft = publish(author, BEEKEEPING, BEES_BODY, status="draft")
    assert vector_row(f"library_item:{draft.id}").visibility == "unpublished"
    sign_in(client, make_user(role=Role.MODERATOR))
    page = described(client, "looking after bees and hives")
    assert BEEKEEPING not in page and "honey bees" not in page
    assert client.get(f"/more-like-this/library_item/{draft.id}").status_code == 404


def test_board_threads_are_found_by_members_only(indexed, author, client):
    # A moderator's thread: a new member's first thread waits for approval, out of the index.
    thread = make_thread(make_user(role=Role.MODERATOR), title="Swapping beehives between allotment societies")
    search.drain()
    assert "Swapping beehives" not in described(client, "sharing bee hives among allotments")
    assert client.get(f"/more-like-this/board_thread/{thread.id}").status_code == 404
    sign_in(client, make_user())
    assert "Swapping beehives" in described(client, "sharing bee hives among allotments")
    assert client.get(f"/more-like-this/board_thread/{thread.id}").status_code == 200


def test_describe_explains_each_match_by_its_theme_and_closest_passage(indexed):
    matches = meaning.describe("the money only arrives months after we have already spent it", AnonymousUserMixin())
    first = next(match for match in matches if match.document.title.startswith("Do: Aim for payments in advance"))
    assert first.themes == [("funding-it-better", "Funding it better")]
    assert first.passage in (first.document.title, first.document.summary)
    assert all(match.document.visibility == "public" for match in matches)


def test_a_description_too_long_is_refused_in_the_page_keeping_what_was_typed(indexed, client):
    text = "our grants are too short " * 100
    page = client.get("/describe", query_string={"situation": text})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Please keep your description under 2000 characters." in html
    assert text.strip() in html and 'class="item-card' not in html


def test_an_empty_description_shows_the_box_and_no_results(indexed, client):
    html = described(client, "   ")
    assert 'id="situation"' in html and "What addresses it" not in html


def test_more_like_this_lists_the_five_nearest_published_items_but_not_itself(indexed, author, client):
    item = publish(author, BEEKEEPING, BEES_BODY)
    publish(author, "A draft about honey bees in parks", BEES_BODY, status="draft")
    page = client.get(f"/case-studies/{item.id}", follow_redirects=True).get_data(as_text=True)
    assert f'href="/more-like-this/library_item/{item.id}"' in page
    html = client.get(f"/more-like-this/library_item/{item.id}").get_data(as_text=True)
    titles = [part.split(">", 2)[1].split("<")[0] for part in html.split('class="item-card__title">')[1:]]
    assert len(titles) == 5 and BEEKEEPING not in titles
    assert "A draft about honey bees" not in html


def test_more_like_this_from_a_checklist_item_finds_its_neighbours(indexed, client):
    theme_page = client.get("/themes/funding-it-better").get_data(as_text=True)
    pair_id = theme_page.split('href="/more-like-this/checklist_pair/')[1].split('"')[0]
    html = client.get(f"/more-like-this/checklist_pair/{pair_id}").get_data(as_text=True)
    assert html.count('class="item-card"') == 5 and "Closest passage" in html
    assert client.get("/more-like-this/no_such_kind/1").status_code == 404
    assert client.get("/more-like-this/checklist_pair/999999").status_code == 404


def test_the_home_and_search_pages_offer_the_describe_box(indexed, client):
    for address in ("/", "/search?q=zzzzqqq"):
        html = client.get(address).get_data(as_text=True)
        assert 'action="/describe"' in html and 'for="situation"' in html


def test_a_rebuild_recomputes_every_vector_and_forgets_the_removed(indexed, author, runner):
    db.session.add(
        DocumentVector(
            doc_key="library_item:999999",
            content_type="case study",
            visibility="public",
            themes="",
            fingerprint="x",
            vector=b"\0" * 4 * embedding.DIMENSIONS,
            revision=1,
        )
    )
    db.session.commit()
    count = search.rebuild()
    keys = set(db.session.scalars(select(DocumentVector.doc_key).where(DocumentVector.visibility != REMOVED)))
    assert "library_item:999999" not in keys and len(keys) == count
    result = runner.invoke(args=["kb", "index", "vectors"])
    assert result.exit_code == 0 and f"Computed vectors for {count} documents." in result.output


def test_each_process_catches_up_with_vectors_written_by_another(indexed, author):
    store = VectorStore()
    store.refresh()
    held = store.held()
    item = publish(author, BEEKEEPING, BEES_BODY)
    store.refresh()
    key = f"library_item:{item.id}"
    assert store.held() == held + 1 and store.visibility_of(key) == "public"
    query = embedding.embed(["honey bees and hives"])[0]
    assert store.nearest(query, {"public"}, 1)[0].key == key
    db.session.delete(item)
    db.session.commit()
    search.drain()
    store.refresh()
    assert store.vector_of(key) is None and store.visibility_of(key) is None and store.held() == held
    assert store.nearest(query, {"public"}, 1)[0].key != key
    item = publish(author, BEEKEEPING, BEES_BODY)  # a new item after a removal is found again
    store.refresh()
    assert store.nearest(query, {"public"}, 1)[0].key == f"library_item:{item.id}"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situation=st.text(max_size=300))
def test_any_description_gives_a_page(indexed, client, situation):
    response = client.get("/describe", query_string={"situation": situation})
    assert response.status_code == 200
    assert client.get("/search", query_string={"q": situation}).status_code == 200


def ordinary_search_order(scored: list[tuple[object, float]], words: str) -> list[int]:
    """The ids of these items in the order the search page's fused ranking puts them."""
    outcome = SearchOutcome(
        hits=[Hit(fields={"doc_id": f"library_item:{item.id}"}, score=score) for item, score in scored],
        total=len(scored),
        page=1,
        pages=1,
        facets={},
        matched_terms=set(),
    )
    request = search.SearchRequest(parsed=search.parse(words), visibilities={"public"})
    return [int(hit.fields["doc_id"].split(":")[1]) for hit in meaning.fuse_meaning_into(request, outcome).hits]


def test_in_an_ordinary_search_meaning_decides_between_equal_word_matches_and_words_still_lead(indexed, author):
    bees = publish(author, "Notes from March", "The bidding for hives and honey bees.")
    grants = publish(author, "Notes from April", "The bidding for short grants funding.")
    # The same score for the words: finance is about grants, not bees, whatever order they came in.
    assert ordinary_search_order([(bees, 5.0), (grants, 5.0)], "bidding finance") == [grants.id, bees.id]
    # Clearly better words win over meaning.
    assert ordinary_search_order([(bees, 9.0), (grants, 5.0)], "bidding finance") == [bees.id, grants.id]


def test_a_long_paragraph_is_searched_by_its_first_distinct_words():
    paragraph = " ".join(f"word{number} the grants grants" for number in range(100))
    words = meaning.keyword_words(paragraph)
    assert len(words) == meaning.MOST_KEYWORDS and len(set(words)) == len(words)
    assert words[:3] == ["word0", "grants", "word1"] and "the" not in words
