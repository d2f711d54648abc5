"""The Whoosh side of search: turning a parsed query into Whoosh queries, filtering by what the
person may see, counting facets and paging results.

Facets are counted from the sortable columns over sets of document numbers, without scoring, and
highlights are made only for the page shown: the two things that make a naive Whoosh set-up slow.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import query as wq
from whoosh.searching import Searcher

from kb.search.query import ParsedQuery, Part
from kb.search.store import ANALYZER, current_index_dir, open_index

TEXT_FIELDS = (("title", 3.0), ("summary", 2.0), ("keywords", 2.0), ("body", 1.0))
PHRASE_FIELDS = ("title", "summary", "body")
PREFIX_EXPANSIONS = 8
# Filters a person can choose; each is also a facet with counts.
FACET_FIELDS = ("content_type", "themes", "region", "sectors", "tags", "published_year")
MULTI_VALUED = {"themes", "sectors", "tags"}


@dataclass
class SearchRequest:
    parsed: ParsedQuery
    visibilities: set[str]
    filters: dict[str, str] = field(default_factory=dict)  # facet field -> chosen value
    sort: str = "relevance"  # or "newest"
    page: int = 1
    page_size: int = 20
    any_words: bool = False  # match any word instead of all


@dataclass
class Hit:
    fields: dict
    score: float | None


@dataclass
class SearchOutcome:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]]
    matched_terms: set[str]

    @property
    def number(self) -> int:
        """The page number, under the name the shared pagination macro uses."""
        return self.page


def stems(word: str) -> list[str]:
    return [token.text for token in ANALYZER(word)]


class Engine:
    """One per process: keeps a searcher open and refreshes it when the index changes."""

    def __init__(self, search_dir: Path) -> None:
        self.search_dir = search_dir
        self._searcher: Searcher | None = None
        self._index = None
        self._folder = None
        self._columns: dict = {}
        self._lock = threading.Lock()

    def searcher(self) -> Searcher:
        with self._lock:
            folder = current_index_dir(self.search_dir)
            stale = (self._searcher is None or folder != self._folder
                     or self._index.latest_generation() != self._searcher.reader().generation())
            if stale:
                # A fresh searcher rather than Searcher.refresh(): refreshing one opened on an empty
                # index fails inside Whoosh (its EmptyReader has no segments to reuse).
                if self._searcher is not None:
                    self._searcher.close()
                self._index = open_index(self.search_dir)
                self._searcher = self._index.searcher()
                self._folder = folder
                self._columns = {}
            return self._searcher

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # --- building Whoosh queries ---------------------------------------------------------------

    def _part_query(self, searcher: Searcher, part: Part) -> wq.Query:
        if part.kind == "phrase":
            words = [stem for word in part.words for stem in stems(word)]
            return wq.Or([wq.Phrase(name, words) for name in PHRASE_FIELDS])
        if part.kind == "prefix":
            return self._prefix_query(searcher, part.words[0])
        terms = stems(part.words[0]) or [part.words[0]]
        alternatives = [wq.Term(name, term, boost=boost) for term in terms for name, boost in TEXT_FIELDS]
        return wq.Or(alternatives)

    def _prefix_query(self, searcher: Searcher, prefix: str) -> wq.Query:
        # Expanding to every completion is what makes prefix queries slow: keep the most frequent few.
        reader = searcher.reader()
        frequencies: Counter = Counter()
        for name in ("title", "body"):
            for term in reader.expand_prefix(name, prefix):
                text = term.decode() if isinstance(term, bytes) else term
                frequencies[text] = max(frequencies[text], reader.doc_frequency(name, text))
        best = heapq.nlargest(PREFIX_EXPANSIONS, frequencies.items(), key=lambda item: item[1])
        if not best:
            return wq.NullQuery
        return wq.Or([wq.Term(name, term, boost=boost) for term, _ in best for name, boost in TEXT_FIELDS])

    def build_query(self, searcher: Searcher, parsed: ParsedQuery, any_words: bool = False) -> wq.Query:
        if parsed.is_empty:
            return wq.Every()
        groups = [wq.Or([self._part_query(searcher, part) for part in group]) for group in parsed.required]
        main = wq.Or(groups) if any_words else wq.And(groups)
        if parsed.excluded:
            main = wq.AndNot(main, wq.Or([self._part_query(searcher, part) for part in parsed.excluded]))
        return main

    # --- sets of documents, facets -------------------------------------------------------------

    def _column(self, searcher: Searcher, name: str) -> list:
        if name not in self._columns:
            reader = searcher.reader()
            if reader.has_column(name):
                column = reader.column_reader(name)
                self._columns[name] = [column[docnum] for docnum in range(reader.doc_count_all())]
            else:
                self._columns[name] = [""] * reader.doc_count_all()
        return self._columns[name]

    @staticmethod
    def _values(raw, name: str) -> list[str]:
        text = raw.decode() if isinstance(raw, bytes) else (raw or "")
        if name in MULTI_VALUED:
            return [value for value in text.split(",") if value]
        return [text] if text else []

    def _docs_with(self, searcher: Searcher, name: str, value: str) -> set[int]:
        term_value = value.lower() if name == "tags" else value
        return set(searcher.docs_for_query(wq.Term(name, term_value)))

    def search(self, request: SearchRequest) -> SearchOutcome:
        searcher = self.searcher()
        main = self.build_query(searcher, request.parsed, request.any_words)
        visible = wq.Or([wq.Term("visibility", value) for value in sorted(request.visibilities)])
        matching = set(searcher.docs_for_query(wq.And([main, visible])))
        chosen = {name: self._docs_with(searcher, name, value)
                  for name, value in request.filters.items() if name in FACET_FIELDS and value}
        selected = matching.intersection(*chosen.values()) if chosen else matching

        facets = {}
        for name in FACET_FIELDS:
            # Each facet counts what the other chosen filters leave, so its options stay useful.
            others = [docs for other, docs in chosen.items() if other != name]
            base = matching.intersection(*others) if others else matching
            column = self._column(searcher, name)
            counts: Counter = Counter()
            for docnum in base:
                counts.update(self._values(column[docnum], name))
            facets[name] = counts.most_common()

        total = len(selected)
        pages = max(1, -(-total // request.page_size))
        page = min(max(1, request.page), pages)
        hits: list[Hit] = []
        if total:
            sortedby = None
            reverse = False
            if request.sort == "newest" or request.parsed.is_empty:
                sortedby, reverse = "published_at", True
            results = searcher.search_page(main, page, pagelen=request.page_size, filter=selected,
                                           sortedby=sortedby, reverse=reverse, terms=False)
            hits = [Hit(fields=dict(hit.fields()), score=hit.score if sortedby is None else None)
                    for hit in results]
        matched = {stem for group in request.parsed.required for part in group for word in part.words
                   for stem in stems(word)}
        return SearchOutcome(hits=hits, total=total, page=page, pages=pages, facets=facets, matched_terms=matched)

    def suggest(self, word: str) -> str | None:
        """A spelling correction from the index's own words, if there is a likely one."""
        searcher = self.searcher()
        for name in ("title", "body"):
            suggestions = searcher.corrector(name).suggest(word, limit=1)
            if suggestions and suggestions[0] != word:
                return suggestions[0]
        return None

    def count_by(self, name: str) -> Counter:
        """Live documents per value of a column (deleted documents are not counted)."""
        searcher = self.searcher()
        column = self._column(searcher, name)
        counts: Counter = Counter()
        for docnum in searcher.reader().all_doc_ids():
            counts.update(self._values(column[docnum], name))
        return counts
