"""What a search asks for and what it gives back, shared by the engine, the service and the views."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.search.query import ParsedQuery


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
