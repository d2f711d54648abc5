"""Results that rank equal keep one order: the newest first, then by document id, highest first, on
both backends. Not the order they happened to be indexed in, which an edit, a rebuild (Whoosh shares
the documents out between two processes) or a restore changes: the same site gives the same pages."""

from datetime import datetime

import pytest

from kb.platform import clock
from kb.search import service as search
from kb.search.results import SearchRequest
from kb.search.service import visibilities_for
from tests.search.conftest import titles

NAMES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]


@pytest.fixture
def same_day(publish, themes_only):
    """Five items alike in all but one word of their titles, published at the same moment."""
    clock.freeze(datetime(2026, 3, 2, 10, 0))
    items = [publish(f"{name} compact", "The compact, agreed by every partner.") for name in NAMES]
    clock.freeze(None)
    return items


def by_document_id(items) -> list[str]:
    return [item.title for item in sorted(items, key=lambda item: f"library_item:{item.id}", reverse=True)]


def engine_order(query: str, sort: str, page_size: int = 20, page: int = 1) -> tuple[list[str], list]:
    from flask_login import AnonymousUserMixin

    outcome = search.search(
        SearchRequest(
            parsed=search.parse(query),
            visibilities=visibilities_for(AnonymousUserMixin()),
            sort=sort,
            page=page,
            page_size=page_size,
        )
    )
    return [hit.fields["title"] for hit in outcome.hits], [hit.score for hit in outcome.hits]


def test_equal_results_come_by_document_id_not_by_when_they_were_indexed(client, same_day):
    expected = by_document_id(same_day)
    found, scores = engine_order("compact", "relevance")
    assert len(set(scores)) == 1 and found == expected
    assert titles(client, "q=compact&sort=newest") == expected

    # An edit indexes the oldest again, after the others; a rebuild indexes them all afresh.
    oldest = same_day[0]
    search.index_document(search.document_for_key(f"library_item:{oldest.id}"))
    assert engine_order("compact", "relevance")[0] == expected
    assert titles(client, "q=compact&sort=newest") == expected
    search.rebuild()
    assert engine_order("compact", "relevance")[0] == expected
    assert titles(client, "q=compact&sort=newest") == expected


def test_a_page_boundary_between_equal_results_stays_put(same_day):
    expected = by_document_id(same_day)
    for sort in ("relevance", "newest"):
        pages = [engine_order("compact", sort, page_size=2, page=page)[0] for page in (1, 2, 3)]
        assert pages == [expected[:2], expected[2:4], expected[4:]], sort


def test_newest_first_puts_what_has_no_date_last(client, publish, seeded):
    search.drain()  # the leaflet's checklist: no date of its own
    publish("Compact refresh in Stratford", "We refreshed the compact.")
    browsed = client.get("/search.json?sort=newest").get_json()
    dates = [hit["published_at"] for hit in browsed["results"]]
    assert dates[0] is not None and None in dates
    assert dates == sorted(dates, key=lambda date: (date is not None, date or ""), reverse=True)


def test_undated_documents_go_last_whichever_segment_holds_them(tmp_path):
    # A segment whose documents all lack a date (a rebuild's process may be given only checklist
    # items) has no date column: its documents are still undated, not dated at zero.
    from kb.search.backends.whoosh.engine import Engine
    from kb.search.backends.whoosh.store import ensure_index, open_index

    ensure_index(tmp_path)
    index = open_index(tmp_path)
    for documents in (
        [("checklist_pair:2", None), ("library_item:1", datetime(2020, 1, 1))],
        [("checklist_pair:1", None)],
    ):
        writer = index.writer()
        for doc_id, published_at in documents:
            writer.add_document(
                doc_id=doc_id,
                text="compact",
                visibility="public",
                **({"published_at": published_at} if published_at else {}),
            )
        writer.commit(merge=False)
    engine = Engine(tmp_path)
    searcher = engine.searcher()
    newest = engine._newest(searcher, (1 << 3) - 1, 3, 0, 3)
    assert [searcher.stored_fields(docnum)["doc_id"] for docnum in newest] == [
        "library_item:1",
        "checklist_pair:2",
        "checklist_pair:1",
    ]
