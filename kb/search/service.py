"""The search interface the rest of the application uses.

index_document / remove_document / search / rebuild, plus drain (outbox -> index) and status, over
the backend KB_SEARCH_BACKEND chooses (kb.search.backends: Whoosh or PostgreSQL full-text). No view
or feature calls a backend directly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from kb.platform.extensions import db
from kb.platform.vocabulary import SECTOR_LABELS
from kb.search import backends, documents, outbox
from kb.search.backends import IndexBusy, IndexUnavailable
from kb.search.documents import (
    MEMBERS,
    PUBLIC,
    UNPUBLISHED,
    SearchDocument,
    document_for_key,
    document_key,
    providers,
)
from kb.search.query import ParsedQuery, parse
from kb.search.results import SearchOutcome, SearchRequest

__all__ = [
    "SearchRequest",
    "parse",
    "search",
    "answer",
    "Answer",
    "facet_labels",
    "index_document",
    "remove_document",
    "rebuild",
    "drain",
    "IndexBusy",
    "IndexUnavailable",
    "FILTER_PARAMETERS",
    "chosen_filters",
]
log = logging.getLogger("kb.search")
DRAIN_BATCH = 200
# URL parameter -> index field. Every filter is a plain GET parameter, so every view has its URL
# (the search page, and the feed that follows a search).
FILTER_PARAMETERS = {
    "type": "content_type",
    "theme": "themes",
    "region": "region",
    "sector": "sectors",
    "tag": "tags",
    "year": "published_year",
}


def search_dir() -> Path:
    return Path(current_app.config["KB_SEARCH_DIR"])


def backend():
    """The backend in use (kb.search.backends.current), for tests and the bench."""
    return backends.current()


def facet_labels() -> dict[str, dict[str, str]]:
    """What each facet's values read as ({"type": {"lesson": "Lesson", ...}}), with what features registered."""
    registered = documents.facet_labels()
    return {
        **registered,
        "sector": {value: label for value, label in SECTOR_LABELS.items()},
        "type": {
            "case study": "Case study",
            "lesson": "Lesson",
            "board thread": "Board thread",
            **registered.get("type", {}),
        },
    }


def chosen_filters(arguments) -> dict[str, str]:
    """The filters a query string chooses, by URL parameter ({"theme": "funding-it-better"}); empty ones left out."""
    return {name: arguments[name].strip() for name in FILTER_PARAMETERS if arguments.get(name, "").strip()}


def visibilities_for(user, include_unpublished: bool = False) -> set[str]:
    """What this person may find: the index answers nothing else."""
    allowed = {PUBLIC}
    signed_in = bool(getattr(user, "is_authenticated", False))
    if signed_in or current_app.config.get("KB_BOARD_PUBLIC"):
        allowed.add(MEMBERS)
    if include_unpublished and signed_in and user.is_moderator:
        allowed.add(UNPUBLISHED)
    return allowed


def search(request: SearchRequest) -> SearchOutcome:
    return backends.current().search(request)


@dataclass
class Answer:
    """A search as people ask it: the results, what the search did for them, a better spelling."""

    outcome: SearchOutcome
    notice: str | None = None
    suggestion: str | None = None


def answer(request: SearchRequest) -> Answer:
    """Search; when no result has all the words, results with some of them, with a notice saying so;
    and a spelling that finds more, when the words themselves find little. The search page and the
    API both answer this way."""
    outcome = search(request)
    notice = None
    if outcome.total == 0 and len(request.parsed.required) > 1:
        request.any_words = True
        fallback = search(request)
        if fallback.total:
            outcome = fallback
            notice = "No result has all of your words, so these results have some of them."
    for ranker in documents.rankers():  # e.g. meaning fused with the words (kb.meaning)
        outcome = ranker(request, outcome)
    # A spelling suggestion is about the words, so ask only when the words themselves find little.
    suggestion = None
    if outcome.unfiltered_total < 3 and request.parsed.plain_words:
        suggestion = suggest(request.parsed, request.visibilities)
    if suggestion:
        # Only offer a correction that finds more.
        corrected = search(
            SearchRequest(
                parsed=parse(suggestion), visibilities=request.visibilities, filters=request.filters, page_size=1
            )
        )
        suggestion = suggestion if corrected.total > outcome.total else None
    return Answer(outcome, notice, suggestion)


def suggest(parsed: ParsedQuery, visibilities: set[str]) -> str | None:
    """The query with misspelt words corrected, if documents the visitor may see have better words."""
    changed, words = False, []
    for word in parsed.plain_words:
        better = backends.current().suggest(word, visibilities)
        changed = changed or bool(better)
        words.append(better or word)
    return " ".join(words) if changed else None


# --- writing ---------------------------------------------------------------------------------


def index_document(document: SearchDocument) -> None:
    """Put one document in the index now (waits for the lock). Features use the outbox instead."""
    backends.current().index_document(document)


def remove_document(key: str) -> None:
    backends.current().remove_document(key)


@dataclass
class DrainResult:
    indexed: int = 0
    busy: bool = False
    remaining: int = 0


def drain(budget_seconds: float | None = None) -> DrainResult:
    """Bring the index up to date with the outbox. Never waits for the lock: if another process
    holds it, the rows stay and the next drain takes them."""
    result = DrainResult()
    stopwatch = outbox.Stopwatch(budget_seconds)
    backend = backends.current()
    while True:
        rows = outbox.pending_rows(DRAIN_BATCH)
        if not rows:
            break
        keys = list(dict.fromkeys(row.doc_key for row in rows))
        # Taken now: reading the documents expires every object, and another drain may have
        # forgotten these rows by the time this one commits (forgetting them again is harmless).
        row_ids = [row.id for row in rows]
        written = backend.apply(keys, db.session.expire_all)
        if written is None:
            result.busy = True
            break
        for listener in documents.index_listeners():  # e.g. the meaning vectors (kb.meaning), kept in
            listener.changed(written)  # the transaction that forgets the rows
        outbox.forget_rows(row_ids)
        result.indexed += len(row_ids)
        if stopwatch.expired():
            break
    result.remaining = outbox.backlog()["rows"]
    return result


def drain_quietly(budget_seconds: float = 0.5) -> None:
    """Drain after a response: a failure is logged, never shown to anyone (the rows stay)."""
    try:
        drain(budget_seconds)
    except Exception:
        log.exception("draining the search outbox failed; the rows stay for the next drain")
        db.session.rollback()


def rebuild(progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Index every document afresh and put the new index in place of the old in one step; searches
    keep working meanwhile. Raises IndexBusy when another process is writing the index."""
    started = time.monotonic()
    # Changes queued before this point are read fresh from the database below.
    covered = outbox.newest_row_id()
    keys = [document_key(provider, row_id) for provider in providers() for row_id in provider.all_ids()]

    backend = backends.current()
    listeners = documents.index_listeners()

    def read(keys: list[str]):
        batch: dict[str, SearchDocument | None] = {}
        for done, key in enumerate(keys, start=1):
            document = batch[key] = document_for_key(key)
            if document is not None:
                yield document
            if done % 200 == 0 or done == len(keys):
                for listener in listeners:
                    listener.changed(batch)
                batch = {}
                if listeners and not backend.rebuilds_in_one_transaction:
                    # A long rebuild must not hold SQLite's write lock for minutes; the listener's
                    # rows are safe to commit early (writing them again is harmless).
                    db.session.commit()
                db.session.expire_all()  # keep memory flat on large rebuilds
            if done % 50 == 0 or done == len(keys):
                progress(done, len(keys))

    count = backend.rebuild(keys, read, lambda: outbox.forget_rows_up_to(covered))
    for listener in listeners:
        listener.rebuilt(set(keys))
    log.info("rebuilt the search index: %s documents in %.1fs", count, time.monotonic() - started)
    return count


def prepare() -> str:
    """Make the index ready: "created" (empty, to be filled), "outdated" (to rebuild) or "kept"."""
    return backends.current().prepare()


def location() -> str:
    return backends.current().location


def status() -> dict:
    """Documents in the index against rows in the database, per type, and the outbox backlog."""
    in_index = backends.current().count_by_type()
    in_database: dict[str, int] = {}
    for provider in providers():
        for content_type, count in provider.count_by_type().items():
            in_database[content_type] = in_database.get(content_type, 0) + count
    types = sorted(set(in_index) | set(in_database))
    return {
        "types": {name: {"index": in_index.get(name, 0), "database": in_database.get(name, 0)} for name in types},
        "outbox": outbox.backlog(),
    }


def backlog() -> dict:
    """Rows waiting in the outbox and the age of the oldest: for the health check."""
    return outbox.backlog()


def index_health() -> dict:
    """Whether the index opens and can be searched, and how many documents it holds."""
    return backends.current().health()
