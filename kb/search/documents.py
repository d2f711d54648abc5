"""What the index holds, and how features hand their items to it.

Search knows nothing of the features. Each feature registers a DocumentProvider that turns its
items into SearchDocuments; the outbox and the rebuild only ever talk to providers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from kb.platform import features

PART_SEPARATOR = "xxpartxx"
VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
PUBLIC = "public"  # anyone may see it
MEMBERS = "members"  # signed-in members only (the board, unless it is public)
UNPUBLISHED = "unpublished"  # moderators, when they ask for it


@dataclass
class SearchDocument:
    doc_id: str
    content_type: str
    title: str
    url: str
    visibility: str
    summary: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    region: str = ""
    sectors: list[str] = field(default_factory=list)
    status: str = ""
    outcome: str = ""
    verified: bool = False
    featured: bool = False
    published_at: datetime | None = None
    updated_at: datetime | None = None

    def fields(self) -> dict:
        """The document as Whoosh fields."""
        # The weights of the parts of a document: how often each is repeated in the searched text.
        # A separator word between the parts keeps a quoted phrase from matching across two of them.
        parts = [self.title] * 3 + [self.summary] * 2 + [" ".join(self.tags)] * 2 + [self.body]
        searched = f" {PART_SEPARATOR} ".join(part for part in parts if part)
        headline = f"{self.title} {self.summary} {' '.join(self.tags)}"
        vocabulary = " ".join(sorted({word.lower() for word in VOCABULARY_WORD.findall(headline)}))
        values = {
            "doc_id": self.doc_id,
            "content_type": self.content_type,
            "title": self.title,
            "text": searched,
            "vocabulary": vocabulary,
            "summary": self.summary,
            "body": self.body,
            "tags": ",".join(self.tags),
            "themes": ",".join(self.themes),
            "region": self.region,
            "sectors": ",".join(self.sectors),
            "visibility": self.visibility,
            "status": self.status,
            "outcome": self.outcome,
            "verified": self.verified,
            "featured": self.featured,
            "url": self.url,
            "published_year": str(self.published_at.year) if self.published_at else "",
        }
        if self.published_at:
            values["published_at"] = self.published_at
        if self.updated_at:
            values["updated_at"] = self.updated_at
        return values


@dataclass
class DocumentProvider:
    """How one kind of database row becomes search documents.

    key_prefix: the start of its doc_ids ("library_item"); model: the mapped class whose changes are
    written to the outbox; document(id) -> SearchDocument or None (None: not in the index);
    all_ids() -> every id to index on a rebuild; count_by_type() -> {content type: rows} for status.
    """

    key_prefix: str
    model: type
    document: Callable[[int], SearchDocument | None]
    all_ids: Callable[[], Iterator[int]]
    count_by_type: Callable[[], dict[str, int]]
    # Other mapped classes whose changes change a document: (class, object -> the document's row id).
    related: tuple[tuple[type, Callable[[object], int | None]], ...] = ()


# Features declare what they index (`search_documents=`, `facet_labels=`, `index_listeners=`,
# `rankers=` in their Feature, kb/platform/features.py); these read the declarations.


def providers() -> list[DocumentProvider]:
    return list(features.each("search_documents"))


def _providers_by_prefix() -> dict[str, DocumentProvider]:
    return {provider.key_prefix: provider for provider in features.each("search_documents")}


def facet_labels() -> dict[str, dict[str, str]]:
    """{parameter: {value: label}}: what a facet's values read as on the results page ("theme":
    {slug: title}), from the features that know."""
    merged: dict[str, dict[str, str]] = {}
    for feature in features.declared():
        for parameter, labels in feature.facet_labels.items():
            merged.setdefault(parameter, {}).update(labels())
    return merged


def keys_for_changed(obj: object) -> list[str]:
    """The documents a changed database object belongs to: its own, or its parent's."""
    keys = []
    for provider in features.each("search_documents"):
        if isinstance(obj, provider.model) and getattr(obj, "id", None) is not None:
            keys.append(document_key(provider, obj.id))
        for model, row_id_of in provider.related:
            if isinstance(obj, model) and (row_id := row_id_of(obj)) is not None:
                keys.append(document_key(provider, row_id))
    return keys


def document_key(provider: DocumentProvider, row_id: int) -> str:
    return f"{provider.key_prefix}:{row_id}"


def document_for_key(key: str) -> SearchDocument | None:
    prefix, _, row_id = key.partition(":")
    provider = _providers_by_prefix().get(prefix)
    if provider is None or not row_id.isdecimal():
        return None
    return provider.document(int(row_id))


@dataclass
class IndexListener:
    """Something kept in step with the index (the meaning vectors), so search need not know of it.

    changed({key: document or None}) is called with each batch the outbox drain or a rebuild
    writes (None: the document left the index); rebuilt(keys) after a rebuild, with every key it
    wrote, so the listener can forget the rest.
    """

    changed: Callable[[dict[str, SearchDocument | None]], None]
    rebuilt: Callable[[set[str]], None]


def index_listeners() -> list[IndexListener]:
    return list(features.each("index_listeners"))


def rankers() -> list[Callable]:
    """Re-rankers for a search's results: (request, outcome) -> outcome, e.g. fusing in meaning."""
    return list(features.each("rankers"))
