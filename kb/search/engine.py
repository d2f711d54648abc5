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

FIELD = "text"  # the one analysed field: title, summary, tags and body, weighted by repetition
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
    unfiltered_total: int = 0  # matches before the facet filters: how well the words themselves did

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
        self._segment_cache: dict = {}
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
            return wq.Phrase(FIELD, [stem for word in part.words for stem in stems(word)])
        if part.kind == "prefix":
            return self._prefix_query(searcher, part.words[0])
        terms = stems(part.words[0]) or [part.words[0]]
        return wq.Term(FIELD, terms[0]) if len(terms) == 1 else wq.And([wq.Term(FIELD, term) for term in terms])

    def _prefix_query(self, searcher: Searcher, prefix: str) -> wq.Query:
        # Expanding to every completion is what makes prefix queries slow: keep the most frequent few.
        cache_key = ("prefix", prefix)
        if cache_key not in self._columns:
            completions = ((info.doc_frequency(), term) for term, info in searcher.reader().iter_prefix(FIELD, prefix))
            self._columns[cache_key] = heapq.nlargest(PREFIX_EXPANSIONS, completions)
        best = [(frequency, term.decode() if isinstance(term, bytes) else term)
                for frequency, term in self._columns[cache_key]]
        if not best:
            return wq.NullQuery
        return wq.Or([wq.Term(FIELD, text) for _, text in best])

    def build_query(self, searcher: Searcher, parsed: ParsedQuery, any_words: bool = False) -> wq.Query:
        if parsed.is_empty:
            return wq.Every()
        groups = [wq.Or([self._part_query(searcher, part) for part in group]) for group in parsed.required]
        main = wq.Or(groups) if any_words else wq.And(groups)
        if parsed.excluded:
            main = wq.AndNot(main, wq.Or([self._part_query(searcher, part) for part in parsed.excluded]))
        return main

    # --- sets of documents as bitmasks ---------------------------------------------------------
    # A set of documents is a Python int with bit n set for document n: intersecting two is one
    # `&`, and counting is int.bit_count(), both in C, whatever the size of the index.

    def _value_masks(self, searcher: Searcher, name: str) -> dict[str, int]:
        """For each value of a facet column, the live documents that have it (cached per index version)."""
        if name not in self._columns:
            combined: dict[str, int] = {}
            for leaf, offset in searcher.reader().leaf_readers():
                for value, docs in self._segment_masks(leaf, name).items():
                    combined[value] = combined.get(value, 0) | (docs << offset)
            self._columns[name] = combined
        return self._columns[name]

    def _segment_masks(self, leaf, name: str) -> dict[str, int]:
        # A segment never changes once written, except for deletions: cache its masks by segment and
        # number of deletions, so after an edit only the new, small segment is read.
        segment = leaf.segment()
        key = (segment.segment_id() if segment is not None else id(leaf), leaf.doc_count(), name)
        cached = self._segment_cache.get(key)
        if cached is not None:
            return cached
        size = leaf.doc_count_all()
        live = bytearray((size + 7) // 8)
        for docnum in leaf.all_doc_ids():
            live[docnum >> 3] |= 1 << (docnum & 7)
        per_value: dict[str, bytearray] = {}
        if size and leaf.has_column(name):
            column = leaf.column_reader(name)
            for docnum, raw in enumerate(column):
                if not live[docnum >> 3] & (1 << (docnum & 7)):
                    continue  # a deleted document keeps its column value until segments merge
                for value in self._values(raw, name):
                    bits = per_value.get(value)
                    if bits is None:
                        bits = per_value[value] = bytearray(len(live))
                    bits[docnum >> 3] |= 1 << (docnum & 7)
        masks = {value: int.from_bytes(bits, "little") for value, bits in per_value.items()}
        if len(self._segment_cache) > 512:
            self._segment_cache.clear()
        self._segment_cache[key] = masks
        return masks

    @staticmethod
    def _mask_of(docnums, size: int) -> int:
        bits = bytearray((size + 7) // 8)
        for docnum in docnums:
            bits[docnum >> 3] |= 1 << (docnum & 7)
        return int.from_bytes(bits, "little")

    @staticmethod
    def _docnums_of(mask: int) -> set[int]:
        docnums, base = set(), 0
        for byte in mask.to_bytes((mask.bit_length() + 7) // 8, "little"):
            if byte:
                docnums.update(base + bit for bit in range(8) if byte >> bit & 1)
            base += 8
        return docnums

    @staticmethod
    def _values(raw, name: str) -> list[str]:
        text = raw.decode() if isinstance(raw, bytes) else (raw or "")
        if name in MULTI_VALUED:
            return [value for value in text.split(",") if value]
        return [text] if text else []

    def search(self, request: SearchRequest) -> SearchOutcome:
        searcher = self.searcher()
        main = self.build_query(searcher, request.parsed, request.any_words)
        visibility = self._value_masks(searcher, "visibility")
        visible = 0
        for value in request.visibilities:
            visible |= visibility.get(value, 0)
        if isinstance(main, wq.Every):
            matching = visible
        else:
            matching = self._mask_of(searcher.docs_for_query(main), searcher.reader().doc_count_all()) & visible
        chosen = {name: self._value_masks(searcher, name).get(value, 0)
                  for name, value in request.filters.items() if name in FACET_FIELDS and value}
        selected = matching
        for docs in chosen.values():
            selected &= docs

        facets = {}
        for name in FACET_FIELDS:
            # Each facet counts what the other chosen filters leave, so its options stay useful.
            base = matching
            for other, docs in chosen.items():
                if other != name:
                    base &= docs
            counts = [(value, (base & docs).bit_count()) for value, docs in self._value_masks(searcher, name).items()]
            facets[name] = sorted((pair for pair in counts if pair[1]), key=lambda pair: (-pair[1], pair[0]))

        total = selected.bit_count()
        pages = max(1, -(-total // request.page_size))
        page = min(max(1, request.page), pages)
        hits: list[Hit] = []
        if total:
            newest = request.sort == "newest" or request.parsed.is_empty
            if chosen:
                limits = {"filter": self._docnums_of(selected)}
            else:
                # Without facet filters only the hidden documents need leaving out: usually few.
                everything = 0
                for docs in visibility.values():
                    everything |= docs
                limits = {"mask": self._docnums_of(everything & ~visible)}
            results = searcher.search_page(
                main, page, pagelen=request.page_size, sortedby="published_at" if newest else None,
                reverse=newest, terms=False, **limits)
            hits = [Hit(fields=dict(hit.fields()), score=None if newest else hit.score) for hit in results]
        matched = {stem for group in request.parsed.required for part in group for word in part.words
                   for stem in stems(word)}
        return SearchOutcome(hits=hits, total=total, page=page, pages=pages, facets=facets, matched_terms=matched,
                             unfiltered_total=matching.bit_count())

    def suggest(self, word: str) -> str | None:
        """A spelling correction from the index's own words, if there is a likely one."""
        searcher = self.searcher()
        if "corrector" not in self._columns:
            self._columns["corrector"] = searcher.corrector("vocabulary")  # reused until the index changes
        suggestions = self._columns["corrector"].suggest(word.lower(), limit=1, maxdist=2)
        return suggestions[0] if suggestions and suggestions[0] != word else None

    def count_by(self, name: str) -> Counter:
        """Live documents per value of a column (deleted documents are not counted)."""
        return Counter({value: docs.bit_count() for value, docs in self._value_masks(self.searcher(), name).items()})
