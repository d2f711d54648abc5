"""Reading a term's posting lists a block at a time, and scoring only the selected documents with
BM25F exactly as Whoosh does (so results and scores are Whoosh's, found faster)."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from kb.search.backends.whoosh.segments import generic_postings, mask_to_flags, matcher_blocks, w3_blocks

FIELD = "text"  # the one analysed field: title, summary, tags and body, weighted by repetition


def postings(searcher: Searcher, term: str, positions: bool = False) -> list:
    """The posting blocks of a term as (docnums, weights[, encoded positions]), docnums global."""
    blocks = []
    tbytes = term.encode("utf-8")
    for leaf, offset in searcher.reader().leaf_readers():
        terms = getattr(leaf, "_terms", None)
        if terms is None or (FIELD, tbytes) not in terms:
            if terms is None:
                blocks.extend(generic_postings(leaf, FIELD, term, offset, positions))
            continue
        matcher = terms.matcher(FIELD, tbytes, leaf.schema[FIELD].format)
        if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
            blocks.extend(w3_blocks(matcher, offset, positions))
        else:
            blocks.extend(matcher_blocks(matcher, offset, positions))
    return blocks


def top_scored(
    searcher: Searcher,
    terms: list[str],
    selected: int,
    size: int,
    limit: int,
    sink: dict,
    lengths: bytes,
    tie_order: Sequence,
) -> list[tuple[float, int]]:
    """The best `limit` (score, docnum) among the selected documents, highest first; equal scores
    by tie_order[docnum], highest first. BM25F, as Whoosh scores a Term, an And or an Or: the sum
    of the scores of the query's terms a document has.

    Ties are not left to document numbers: those depend on how a rebuild shared the documents out
    between its processes, so the same index rebuilt would give equal results another order."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F:
        raise TypeError(f"scoring is BM25F's; this index's searcher weights by {type(weighting).__name__}")
    b = weighting._field_B.get(FIELD, weighting.B)
    k1 = weighting.K1
    average = searcher.avg_field_length(FIELD) or 1
    norms = [k1 * ((1 - b) + b * byte_to_length(code) / average) for code in range(256)]
    wanted = mask_to_flags(selected, size)
    scores: dict[int, float] = {}
    get = scores.get
    for term in terms:
        if term not in sink:
            sink[term] = postings(searcher, term)
        idf, k1_plus_1 = searcher.idf(FIELD, term), k1 + 1
        for block in sink[term]:
            for docnum, weight in zip(block[0], block[1], strict=True):
                if wanted[docnum]:
                    # whoosh.scoring.bm25, operation for operation, so the scores are the same
                    norm = norms[lengths[docnum]]
                    scores[docnum] = get(docnum, 0.0) + idf * (weight * k1_plus_1 / (weight + norm))
    if len(scores) > limit:
        # Everything scoring at least the limit-th best score, so that all its equals are weighed.
        floor = heapq.nlargest(limit, scores.values())[-1]
        chosen = [docnum for docnum, score in scores.items() if score >= floor]
    else:
        chosen = list(scores)
    chosen.sort(key=lambda docnum: (scores[docnum], tie_order[docnum]), reverse=True)
    return [(scores[docnum], docnum) for docnum in chosen[:limit]]
