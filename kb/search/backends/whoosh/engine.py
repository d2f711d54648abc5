"""The Whoosh side of search: finding what matches, filtering by what the person may see,
counting facets, ranking and paging results.

Every set of documents is a bitmask. The matching set comes straight from the posting lists, read a
block at a time (Whoosh's own matchers step through them one document at a time in Python, and a
common word matches most of the index); phrases are checked on the positions of the documents that
have all their words. Facets are counted from the sortable columns, without scoring. Only the
selected documents are scored (BM25F, as Whoosh scores them) and only the page shown is fetched;
"newest first" walks a per-segment date order. Whoosh's searcher is still what opens the index.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from pathlib import Path

from whoosh.searching import Searcher

from kb.platform.pagination import window
from kb.search.backends.whoosh.ranking import FIELD, postings, top_scored
from kb.search.backends.whoosh.segments import (
    flags_to_mask,
    generic_postings,
    length_bytes,
    mask_of,
    mask_to_flags,
    numeric_column,
)
from kb.search.backends.whoosh.store import ANALYZER, SCHEMA, current_index_dir, open_index
from kb.search.query import ParsedQuery, Part
from kb.search.results import Hit, SearchOutcome, SearchRequest

PREFIX_EXPANSIONS = 8
UNDATED = SCHEMA["published_at"].column_type._default
# Completions and corrections are read from the whole index, then those no visible document holds
# are passed over: enough candidates that visible ones are nearly always among them.
PREFIX_CANDIDATES = 4 * PREFIX_EXPANSIONS
SUGGESTION_CANDIDATES = 5
# An any-words query longer than this leaves out the words more than COMMON_WORD_SHARE of the
# documents have (Engine._distinctive).
LONG_QUERY_WORDS = 8
COMMON_WORD_SHARE = 0.25
# Filters a person can choose; each is also a facet with counts.
FACET_FIELDS = ("content_type", "themes", "region", "sectors", "tags", "published_year")
MULTI_VALUED = {"themes", "sectors", "tags"}


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
            stale = (
                self._searcher is None
                or folder != self._folder
                or self._index.latest_generation() != self._searcher.reader().generation()
            )
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

    # --- sets of documents as bitmasks ---------------------------------------------------------
    # A set of documents is a Python int with bit n set for document n: intersecting two is one
    # `&`, and counting is int.bit_count(), both in C, whatever the size of the index. Whatever is
    # read from a segment is cached by segment: a segment never changes once written, except for
    # deletions, which are applied afresh (from its small set of deleted numbers) on each new reader.

    def _value_masks(self, searcher: Searcher, name: str) -> dict[str, int]:
        """For each value of a facet column, the live documents that have it (cached per index version)."""
        if name not in self._columns:
            combined: dict[str, int] = {}
            for leaf, offset in searcher.reader().leaf_readers():
                live = self._live_mask(leaf)
                for value, docs in self._segment_masks(leaf, name).items():
                    docs &= live
                    if docs:
                        combined[value] = combined.get(value, 0) | (docs << offset)
            self._columns[name] = combined
        return self._columns[name]

    def _cached(self, leaf, what, make):
        segment = leaf.segment()
        key = (segment.segment_id() if segment is not None else id(leaf), what)
        cached = self._segment_cache.get(key)
        if cached is None:
            if len(self._segment_cache) > 2048:
                self._segment_cache.clear()
            cached = self._segment_cache[key] = make()
        return cached

    @staticmethod
    def _live_mask(leaf) -> int:
        size = leaf.doc_count_all()
        everything = (1 << size) - 1
        if not leaf.has_deletions():
            return everything
        deleted = getattr(leaf, "deleted_docs_set", None)
        if deleted is None:
            return mask_of(leaf.all_doc_ids(), size)
        return everything & ~mask_of(deleted, size)

    def _segment_masks(self, leaf, name: str) -> dict[str, int]:
        # Every document of the segment, deleted ones included (the live mask takes those out).
        def make():
            per_value: dict[str, bytearray] = {}
            size = leaf.doc_count_all()
            if size and leaf.has_column(name):
                for docnum, raw in enumerate(leaf.column_reader(name)):
                    for value in self._values(raw, name):
                        flags = per_value.get(value)
                        if flags is None:
                            flags = per_value[value] = bytearray(size)
                        flags[docnum] = 1
            return {value: flags_to_mask(flags) for value, flags in per_value.items()}

        return self._cached(leaf, ("masks", name), make)

    def _lengths(self, searcher: Searcher) -> bytes:
        """The encoded length of the text field of every document, one byte each, in document order."""
        if "lengths" not in self._columns:
            parts = []
            for leaf, _offset in searcher.reader().leaf_readers():
                parts.append(self._cached(leaf, "lengths", lambda leaf=leaf: length_bytes(leaf, FIELD)))
            self._columns["lengths"] = b"".join(parts)
        return self._columns["lengths"]

    def _tie_order(self, searcher: Searcher) -> list[tuple[int, str]]:
        """(published_at, doc_id) of every document, in document order: equal results come newest
        first, then by doc_id, highest first, as on PostgreSQL, whatever order they were indexed in."""
        if "tie_order" not in self._columns:
            order: list[tuple[int, str]] = []
            for leaf, _offset in searcher.reader().leaf_readers():
                order += self._cached(leaf, "tie_order", lambda leaf=leaf: self._segment_tie_order(leaf))
            self._columns["tie_order"] = order
        return self._columns["tie_order"]

    @staticmethod
    def _segment_tie_order(leaf) -> list[tuple[int, str]]:
        # An undated document's column holds the largest value there is: it goes last instead. A
        # segment of undated documents only (a rebuild's process may get just checklist items) has
        # no column at all.
        size = leaf.doc_count_all()
        published = (
            [-1 if value == UNDATED else value for value in numeric_column(leaf, "published_at")]
            if leaf.has_column("published_at")
            else [-1] * size
        )
        keys = [""] * len(published)
        if published and leaf.has_column("doc_id"):
            keys = [key.decode() if isinstance(key, bytes) else key for key in leaf.column_reader("doc_id")]
        return list(zip(published, keys, strict=True))

    def _newest_order(self, leaf) -> list[tuple[tuple[int, str], int]]:
        """((published_at, doc_id), docnum) for every document of a segment, newest first."""

        def make():
            order = self._cached(leaf, "tie_order", lambda: self._segment_tie_order(leaf))
            return sorted(zip(order, range(len(order)), strict=True), reverse=True)

        return self._cached(leaf, "newest", make)

    @staticmethod
    def _values(raw, name: str) -> list[str]:
        text = raw.decode() if isinstance(raw, bytes) else (raw or "")
        if name in MULTI_VALUED:
            return [value for value in text.split(",") if value]
        return [text] if text else []

    # --- matching: the exact set of matching documents, straight from the posting lists -----

    def _term_mask(self, searcher: Searcher, term: str, size: int, sink: dict) -> int:
        if term not in sink:
            sink[term] = postings(searcher, term)
        flags = bytearray(size)
        for block in sink[term]:
            for docnum in block[0]:
                flags[docnum] = 1
        return flags_to_mask(flags)

    def _phrase_mask(self, searcher: Searcher, terms: list[str], size: int, sink: dict) -> int:
        """Documents where the terms occur one after another, checked on the positions."""
        if not terms:
            return 0
        candidates = -1
        for term in dict.fromkeys(terms):
            candidates &= self._term_mask(searcher, term, size, sink)
            if not candidates:
                return 0
        if len(terms) == 1:
            return candidates
        wanted = mask_to_flags(candidates, size)
        positions: dict[str, dict[int, bytes]] = {}
        for term in dict.fromkeys(terms):
            found = positions[term] = {}
            for docnums, _weights, values in postings(searcher, term, positions=True):
                for docnum, value in zip(docnums, values, strict=True):
                    if wanted[docnum]:
                        found[docnum] = value
        decode = searcher.schema[FIELD].format.decode_positions
        matched = bytearray(size)
        first, rest = terms[0], list(enumerate(terms[1:], start=1))
        for docnum in positions[first]:
            starts = set(decode(positions[first][docnum]))
            for shift, term in rest:
                starts.intersection_update([position - shift for position in decode(positions[term][docnum])])
                if not starts:
                    break
            else:
                matched[docnum] = 1
        return flags_to_mask(matched)

    def _visible_completions(self, searcher: Searcher, prefix: str, size: int, sink: dict, visible: int) -> list[str]:
        """The most frequent completions of a prefix that occur in a document the visitor may see:
        a word only an unpublished item holds must not shape, or show through, anyone else's search."""
        cache_key = ("completions", prefix)
        if cache_key not in self._columns:
            completions = ((info.doc_frequency(), term) for term, info in searcher.reader().iter_prefix(FIELD, prefix))
            self._columns[cache_key] = [
                term.decode() if isinstance(term, bytes) else term
                for _frequency, term in heapq.nlargest(PREFIX_CANDIDATES, completions)
            ]
        chosen = []
        for term in self._columns[cache_key]:
            if self._term_mask(searcher, term, size, sink) & visible:
                chosen.append(term)
                if len(chosen) == PREFIX_EXPANSIONS:
                    break
        return chosen

    def _vocabulary_mask(self, searcher: Searcher, word: str, size: int) -> int:
        flags = bytearray(size)
        for leaf, offset in searcher.reader().leaf_readers():
            for docnums, _weights in generic_postings(leaf, "vocabulary", word, offset, False):
                for docnum in docnums:
                    flags[docnum] = 1
        return flags_to_mask(flags)

    def visible_mask(self, searcher: Searcher, visibilities) -> int:
        visibility = self._value_masks(searcher, "visibility")
        visible = 0
        for value in visibilities:
            visible |= visibility.get(value, 0)
        return visible

    def _part_mask(self, searcher: Searcher, part: Part, size: int, sink: dict, scored: list, visible: int) -> int:
        if part.kind == "phrase":
            terms = [stem for word in part.words for stem in stems(word)]
            scored.extend(terms)
            return self._phrase_mask(searcher, terms, size, sink)
        if part.kind == "prefix":
            terms = self._visible_completions(searcher, part.words[0], size, sink, visible)
            scored.extend(terms)
            mask = 0
            for term in terms:
                mask |= self._term_mask(searcher, term, size, sink)
            return mask
        terms = stems(part.words[0]) or [part.words[0]]
        scored.extend(terms)
        mask = -1
        for term in terms:
            mask &= self._term_mask(searcher, term, size, sink)
        return mask

    def _distinctive(self, searcher: Searcher, groups: list, any_words: bool, size: int) -> list:
        """A long any-words query (a situation described in a paragraph) without its plain words
        that most documents have: each would match nearly everything, rank almost nothing (BM25
        gives it next to no weight) and cost the most to read. Short queries keep every word."""
        if not any_words or len(groups) <= LONG_QUERY_WORDS:
            return groups

        def common(group) -> bool:
            return all(
                part.kind == "word"
                and all(
                    searcher.doc_frequency(FIELD, term) > size * COMMON_WORD_SHARE
                    for term in (stems(part.words[0]) or [part.words[0]])
                )
                for part in group
            )

        return [group for group in groups if not common(group)] or groups

    def _matching(
        self, searcher: Searcher, parsed: ParsedQuery, any_words: bool, size: int, sink: dict, visible: int
    ) -> tuple[int, list[str]]:
        """The documents matching the query, and the terms that score them."""
        scored: list[str] = []
        groups = []
        for group in self._distinctive(searcher, parsed.required, any_words, size):
            mask = 0
            for part in group:
                mask |= self._part_mask(searcher, part, size, sink, scored, visible)
            groups.append(mask)
        if any_words:
            matching = 0
            for mask in groups:
                matching |= mask
        else:
            matching = -1
            for mask in groups:
                matching &= mask
        if parsed.excluded and matching:
            left_out = 0
            for part in parsed.excluded:
                left_out |= self._part_mask(searcher, part, size, sink, [], visible)
            matching &= ~left_out
        return matching & ((1 << size) - 1), list(dict.fromkeys(scored))

    # --- ranking ---------------------------------------------------------------------------------

    def _newest(self, searcher: Searcher, selected: int, size: int, skip: int, count: int) -> list[int]:
        """Document numbers of the selected documents, newest first (ties: higher doc_id first)."""
        wanted = mask_to_flags(selected, size)
        streams = []
        for leaf, offset in searcher.reader().leaf_readers():
            order = self._newest_order(leaf)
            streams.append(order if not offset else [(value, docnum + offset) for value, docnum in order])
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, reverse=True)
        found = []
        for _value, docnum in merged:
            if wanted[docnum]:
                if skip:
                    skip -= 1
                    continue
                found.append(docnum)
                if len(found) == count:
                    break
        return found

    def search(self, request: SearchRequest) -> SearchOutcome:
        searcher = self.searcher()
        size = searcher.reader().doc_count_all()
        visible = self.visible_mask(searcher, request.visibilities)
        sink: dict = {}  # posting lists read for this search, reused for scoring
        if request.parsed.is_empty:
            matching, terms = visible, []
        else:
            matching, terms = self._matching(searcher, request.parsed, request.any_words, size, sink, visible)
            matching &= visible
        chosen = {
            name: self._value_masks(searcher, name).get(value, 0)
            for name, value in request.filters.items()
            if name in FACET_FIELDS and value
        }
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
        shown = window(total, request.page, request.page_size)
        page, pages = shown.number, shown.pages
        hits: list[Hit] = []
        if total:
            start = (page - 1) * request.page_size
            newest = request.sort == "newest" or request.parsed.is_empty or not terms
            if newest:
                ranked = [(None, docnum) for docnum in self._newest(searcher, selected, size, start, request.page_size)]
            else:
                ranked = top_scored(
                    searcher,
                    terms,
                    selected,
                    size,
                    start + request.page_size,
                    sink,
                    self._lengths(searcher),
                    self._tie_order(searcher),
                )[start:]
            hits = [Hit(fields=searcher.stored_fields(docnum), score=score) for score, docnum in ranked]
        matched = {
            stem for group in request.parsed.required for part in group for word in part.words for stem in stems(word)
        }
        return SearchOutcome(
            hits=hits,
            total=total,
            page=page,
            pages=pages,
            facets=facets,
            matched_terms=matched,
            unfiltered_total=matching.bit_count(),
        )

    def suggest(self, word: str, visibilities) -> str | None:
        """A spelling correction from the words of documents the visitor may see, if there is a likely one."""
        searcher = self.searcher()
        if "corrector" not in self._columns:
            self._columns["corrector"] = searcher.corrector("vocabulary")  # reused until the index changes
        visible = self.visible_mask(searcher, visibilities)
        size = searcher.reader().doc_count_all()
        for suggestion in self._columns["corrector"].suggest(word.lower(), limit=SUGGESTION_CANDIDATES, maxdist=2):
            if suggestion != word and self._vocabulary_mask(searcher, suggestion, size) & visible:
                return suggestion
        return None

    def count_by(self, name: str) -> Counter:
        """Live documents per value of a column (deleted documents are not counted)."""
        return Counter({value: docs.bit_count() for value, docs in self._value_masks(self.searcher(), name).items()})
