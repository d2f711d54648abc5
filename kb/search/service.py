"""The search interface the rest of the application uses.

index_document / remove_document / search / rebuild, plus drain (outbox -> index) and status. A
second backend (PostgreSQL full-text) would replace the Engine behind these functions; no view
or feature calls Whoosh directly.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from whoosh.index import EmptyIndexError, LockError
from whoosh.writing import MERGE_SMALL

from kb.common.vocabulary import SECTOR_LABELS
from kb.extensions import db
from kb.search import documents, outbox
from kb.search.documents import (
    MEMBERS,
    PUBLIC,
    UNPUBLISHED,
    SearchDocument,
    document_for_key,
    document_key,
    providers,
)
from kb.search.engine import Engine
from kb.search.query import ParsedQuery, parse
from kb.search.results import SearchOutcome, SearchRequest
from kb.search.store import (
    current_index_dir,
    make_current,
    new_index_dir,
    open_folder,
    open_index,
    remove_unused,
)
from kb.search.store import index_health as store_health

__all__ = ["SearchRequest", "parse", "search", "answer", "Answer", "facet_labels", "index_document",
           "remove_document", "rebuild", "drain", "FILTER_PARAMETERS", "chosen_filters"]
log = logging.getLogger("kb.search")
DRAIN_BATCH = 200
REBUILD_PROCESSES = min(2, os.cpu_count() or 1)
# Memory for each rebuild process's postings before it spills them to disk and merges the runs
# back (in Python, slowly, which doubled the time to index). About 1 GB each holds 25,000
# documents, so a 50,000-document rebuild on two processes does not spill.
REBUILD_LIMIT_MB = 1024
# Small segments left by drains are merged only once there are this many: merging on every
# commit made each edit pay for rewriting the recent ones.
MERGE_AFTER_SEGMENTS = 8
# URL parameter -> index field. Every filter is a plain GET parameter, so every view has its URL
# (the search page, and the feed that follows a search).
FILTER_PARAMETERS = {"type": "content_type", "theme": "themes", "region": "region", "sector": "sectors",
                     "tag": "tags", "year": "published_year"}


def search_dir() -> Path:
    return Path(current_app.config["KB_SEARCH_DIR"])


def engine() -> Engine:
    engines = current_app.extensions.setdefault("kb_search_engines", {})
    folder = search_dir()
    if folder not in engines:
        engines[folder] = Engine(folder)
    return engines[folder]


def facet_labels() -> dict[str, dict[str, str]]:
    """What each facet's values read as ({"type": {"lesson": "Lesson", ...}}), with what features registered."""
    registered = documents.facet_labels()
    return {
        **registered,
        "sector": {value: label for value, label in SECTOR_LABELS.items()},
        "type": {"case study": "Case study", "lesson": "Lesson", "board thread": "Board thread",
                 **registered.get("type", {})},
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
    return engine().search(request)


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
        corrected = search(SearchRequest(parsed=parse(suggestion), visibilities=request.visibilities,
                                         filters=request.filters, page_size=1))
        suggestion = suggestion if corrected.total > outcome.total else None
    return Answer(outcome, notice, suggestion)


def suggest(parsed: ParsedQuery, visibilities: set[str]) -> str | None:
    """The query with misspelt words corrected, if documents the visitor may see have better words."""
    changed, words = False, []
    for word in parsed.plain_words:
        better = engine().suggest(word, visibilities)
        changed = changed or bool(better)
        words.append(better or word)
    return " ".join(words) if changed else None


# --- writing ---------------------------------------------------------------------------------

class IndexBusy(Exception):
    """Another process holds the index's write lock; the outbox keeps the work for later."""


def _locked_writer():
    """The current index's writer, without waiting; re-checked after locking in case of a swap."""
    folder = search_dir()
    for _ in range(2):
        before = current_index_dir(folder)
        try:
            writer = open_index(folder).writer(timeout=0)
        except LockError:
            raise IndexBusy() from None
        if current_index_dir(folder) == before:
            return writer
        writer.cancel()  # a rebuild swapped the index in between: write to the new one
    raise IndexBusy()


def _merge_when_many(writer, segments):
    """Whoosh merge policy: leave the segments alone until there are many, then merge the small ones."""
    if len(segments) < MERGE_AFTER_SEGMENTS:
        return segments
    return MERGE_SMALL(writer, segments)


def _write(writer, key: str, document: SearchDocument | None) -> None:
    if document is None:
        writer.delete_by_term("doc_id", key)
    else:
        writer.update_document(**document.fields())


def index_document(document: SearchDocument) -> None:
    """Put one document in the index now (waits for the lock). Features use the outbox instead."""
    writer = open_index(search_dir()).writer(timeout=5)
    _write(writer, document.doc_id, document)
    writer.commit()


def remove_document(key: str) -> None:
    writer = open_index(search_dir()).writer(timeout=5)
    writer.delete_by_term("doc_id", key)
    writer.commit()


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
    while True:
        rows = outbox.pending_rows(DRAIN_BATCH)
        if not rows:
            break
        try:
            writer = _locked_writer()
        except IndexBusy:
            result.busy = True
            break
        except EmptyIndexError:
            log.warning("no search index yet (run `flask kb index init`); %s changes wait in the outbox", len(rows))
            result.busy = True
            break
        try:
            # Read the rows' current state only now, under the lock, so the newest state wins.
            db.session.expire_all()
            batch = {key: document_for_key(key) for key in dict.fromkeys(row.doc_key for row in rows)}
            for key, document in batch.items():
                _write(writer, key, document)
            for listener in documents.index_listeners():  # under the lock, before the rows go
                listener.changed(batch)
            writer.commit(mergetype=_merge_when_many)
        except BaseException:
            writer.cancel()
            raise
        outbox.forget_rows([row.id for row in rows])
        result.indexed += len(rows)
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
    """Index everything into a new folder, then swap it in atomically; searches keep working.

    The current index's write lock is held throughout, so drains wait in the outbox and land in
    the new index after the swap instead of in the old one.
    """
    folder = search_dir()
    old_writer = None
    if current_index_dir(folder) is not None:
        try:
            old_writer = _locked_writer()
        except IndexBusy:
            raise IndexBusy("the index is being written by another process; try again in a moment") from None
    try:
        # Changes queued before this point are read fresh from the database below.
        covered = outbox.newest_row_id()
        new_folder = new_index_dir(folder)
        new_index = open_folder(new_folder)
        keys = [document_key(provider, row_id) for provider in providers() for row_id in provider.all_ids()]
        # Two processes analyse documents in parallel; each writes its own segment.
        # Segments as separate files, not one compound file: Whoosh copies a compound file's parts
        # into memory each time a reader opens it, which made every search after an edit slow.
        writer = new_index.writer(procs=REBUILD_PROCESSES, limitmb=REBUILD_LIMIT_MB,
                                  multisegment=REBUILD_PROCESSES > 1, compound=False)
        started = time.monotonic()
        batch: dict[str, SearchDocument | None] = {}
        for done, key in enumerate(keys, start=1):
            document = batch[key] = document_for_key(key)
            if document is not None:
                writer.add_document(**document.fields())
            if done % 200 == 0 or done == len(keys):
                for listener in documents.index_listeners():
                    listener.changed(batch)
                batch = {}
                db.session.expire_all()  # keep memory flat on large rebuilds
            if done % 50 == 0 or done == len(keys):
                progress(done, len(keys))
        writer.commit()
        for listener in documents.index_listeners():
            listener.rebuilt(set(keys))
        make_current(folder, new_folder)
        outbox.forget_rows_up_to(covered)
        log.info("rebuilt the search index: %s documents in %.1fs", len(keys), time.monotonic() - started)
        return len(keys)
    finally:
        if old_writer is not None:
            old_writer.cancel()
        remove_unused(folder)


def status() -> dict:
    """Documents in the index against rows in the database, per type, and the outbox backlog."""
    in_index = engine().count_by("content_type")
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
    return store_health(search_dir())
