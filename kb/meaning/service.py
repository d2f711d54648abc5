"""Finding items by meaning: "Describe your situation" (the words and the meaning fused), "More
like this" (the nearest published items), and meaning fused into every ordinary search's ranking.

Only what the visitor may see is ever returned or used to explain a match: the vectors carry the
document's visibility, filtered as the index filters it, and every document shown is read afresh
from the database and checked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from kb.meaning import embedding
from kb.meaning.fusion import fuse, fuse_ranks, shared_ranks
from kb.meaning.store import vector_store
from kb.search import service as search
from kb.search.documents import SearchDocument, document_for_key

DESCRIBE_LIMIT = 10
LIKE_THIS_LIMIT = 5
CANDIDATES = 50  # from each ranking, before fusion
LONGEST_DESCRIPTION = 2000
# Words that say nothing about a situation; the keyword engine keeps them (phrases need them), so a
# description is searched without them or every document would match on "the".
_STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "keep",
        "keeps",
        "me",
        "more",
        "most",
        "my",
        "no",
        "not",
        "of",
        "on",
        "once",
        "only",
        "or",
        "our",
        "ours",
        "out",
        "over",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "up",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
# In an ordinary search the words lead: meaning only reorders what the words found, at half weight.
SEARCH_MEANING_WEIGHT = 0.5
# A paragraph's first words are searched for, not all of them: each word is a posting list to read.
MOST_KEYWORDS = 32
# A long case study's explanation looks at its first sentences only: the title and summary lead.
PASSAGES_COMPARED = 40


class TooLong(ValueError):
    """A description longer than the box allows."""


@dataclass
class Match:
    key: str
    document: SearchDocument
    passage: str  # the sentence of the document closest in meaning to what was asked
    themes: list[tuple[str, str]] = field(default_factory=list)  # (slug, title)
    by_words: bool = False  # the keyword engine found it too


def keyword_words(text: str) -> list[str]:
    """The words of a description worth searching for, each once, at most MOST_KEYWORDS of them."""
    words = [word for word in _WORD.findall(text.lower()) if word not in _STOP_WORDS and len(word) > 1]
    return list(dict.fromkeys(words))[:MOST_KEYWORDS]


def keyword_ranking(text: str, visibilities: set[str], limit: int = CANDIDATES) -> list[str]:
    words = keyword_words(text)
    if not words:
        return []
    request = search.SearchRequest(
        parsed=search.parse(" ".join(words)), visibilities=visibilities, any_words=True, page_size=limit
    )
    return [hit.fields["doc_id"] for hit in search.search(request).hits]


def meaning_ranking(query: np.ndarray, visibilities: set[str], limit: int = CANDIDATES) -> list[str]:
    return [neighbour.key for neighbour in vector_store().nearest(query, visibilities, limit)]


def rank(text: str, visibilities: set[str], how: str = "hybrid") -> list[str]:
    """Document keys, best first, by the words ("words"), by meaning ("meaning") or both fused ("hybrid")."""
    by_words = keyword_ranking(text, visibilities) if how in ("words", "hybrid") else []
    by_meaning = meaning_ranking(embedding.embed([text])[0], visibilities) if how in ("meaning", "hybrid") else []
    return [key for key, _ in fuse([(by_words, 1.0), (by_meaning, 1.0)])]


def _visible_document(key: str, visibilities: set[str]) -> SearchDocument | None:
    document = document_for_key(key)
    return document if document is not None and document.visibility in visibilities else None


def _explain(
    query: np.ndarray, keys: list[str], visibilities: set[str], limit: int, by_words: set[str] = frozenset()
) -> list[Match]:
    theme_titles = search.facet_labels().get("theme", {})
    shown: list[tuple[str, SearchDocument, list[str]]] = []
    for key in keys:
        document = _visible_document(key, visibilities)
        if document is None:
            continue  # left the index, or its visibility changed since the vector was written
        shown.append((key, document, embedding.passages(document)[:PASSAGES_COMPARED] or [document.title]))
        if len(shown) == limit:
            break
    # Every passage of every match in one call to the model: one batch is much cheaper than ten.
    closeness = embedding.embed([sentence for _, _, sentences in shown for sentence in sentences]) @ query
    matches, start = [], 0
    for key, document, sentences in shown:
        best = int(np.argmax(closeness[start : start + len(sentences)]))
        start += len(sentences)
        matches.append(
            Match(
                key,
                document,
                sentences[best],
                [(slug, theme_titles.get(slug, slug)) for slug in document.themes],
                key in by_words,
            )
        )
    return matches


def describe(text: str, user) -> list[Match]:
    """The items that best answer a situation described in plain words, each with why it matched."""
    text = " ".join(text.split())
    if len(text) > LONGEST_DESCRIPTION:
        raise TooLong(f"Please keep your description under {LONGEST_DESCRIPTION} characters.")
    if not text:
        return []
    visibilities = search.visibilities_for(user)
    query = embedding.embed([text])[0]
    by_words = keyword_ranking(text, visibilities)
    fused = fuse([(by_words, 1.0), (meaning_ranking(query, visibilities), 1.0)])
    return _explain(query, [key for key, _ in fused], visibilities, DESCRIBE_LIMIT, set(by_words))


def source_document(key: str, user) -> SearchDocument | None:
    """The item "more like this" starts from, if the visitor may see it."""
    return _visible_document(key, search.visibilities_for(user))


def more_like_this(key: str, user) -> list[Match]:
    """The five published items nearest in meaning to this one (which the visitor may see)."""
    visibilities = search.visibilities_for(user)
    store = vector_store()
    query = store.vector_of(key)
    if query is None or store.visibility_of(key) not in visibilities:
        return []
    neighbours = store.nearest(query, visibilities, LIKE_THIS_LIMIT * 2, leave_out=key)
    return _explain(query, [neighbour.key for neighbour in neighbours], visibilities, LIKE_THIS_LIMIT)


def fuse_meaning_into(request, outcome):
    """An ordinary search's first page, reordered by the words and the meaning fused. The words
    decide what matches (filters, counts and facets stay theirs); meaning only breaks their ties
    and lifts what says the same thing in other words."""
    words = " ".join(request.parsed.plain_words)
    if request.sort != "relevance" or request.page != 1 or len(outcome.hits) < 2 or not keyword_words(words):
        return outcome
    order = [hit.fields["doc_id"] for hit in outcome.hits]
    closeness = vector_store().similarity(embedding.embed([words])[0], order)
    by_meaning = sorted(closeness.items(), key=lambda pair: -pair[1])
    # Hits the words score the same share a rank, so meaning, not the order they were indexed, decides.
    by_words = shared_ranks([(hit.fields["doc_id"], hit.score) for hit in outcome.hits])
    fused = [key for key, _ in fuse_ranks([(by_words, 1.0), (shared_ranks(by_meaning), SEARCH_MEANING_WEIGHT)])]
    hits = {hit.fields["doc_id"]: hit for hit in outcome.hits}
    outcome.hits = [hits[key] for key in fused]
    return outcome
