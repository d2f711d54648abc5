"""The Whoosh backend: an index on disk in KB_SEARCH_DIR, read by its engine (engine.py) and written here.

Writers take Whoosh's file lock without waiting (a drain that finds it taken leaves its rows in the
outbox for the next one); a rebuild writes a new folder and swaps it in atomically.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from whoosh.index import EmptyIndexError, LockError
from whoosh.writing import MERGE_SMALL

from kb.search.backends import IndexBusy
from kb.search.backends.whoosh.engine import Engine
from kb.search.backends.whoosh.store import (
    built_with_current_schema,
    current_index_dir,
    ensure_index,
    index_health,
    make_current,
    new_index_dir,
    open_folder,
    open_index,
    remove_unused,
)
from kb.search.documents import SearchDocument, document_for_key
from kb.search.results import SearchOutcome, SearchRequest

log = logging.getLogger("kb.search")
REBUILD_PROCESSES = min(2, os.cpu_count() or 1)
# Memory for each rebuild process's postings before it spills them to disk and merges the runs
# back (in Python, slowly, which doubled the time to index). About 1 GB each holds 25,000
# documents, so a 50,000-document rebuild on two processes does not spill.
REBUILD_LIMIT_MB = 1024
# Small segments left by drains are merged only once there are this many: merging on every
# commit made each edit pay for rewriting the recent ones.
MERGE_AFTER_SEGMENTS = 8


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


class WhooshBackend:
    name = "whoosh"
    rebuilds_in_one_transaction = False  # the index is on disk; the database is only read

    def __init__(self, search_dir: str | Path) -> None:
        self.search_dir = Path(search_dir)
        self.engine = Engine(self.search_dir)

    @property
    def location(self) -> str:
        return str(self.search_dir)

    # --- reading ---------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchOutcome:
        return self.engine.search(request)

    def suggest(self, word: str, visibilities) -> str | None:
        return self.engine.suggest(word, visibilities)

    def count_by_type(self) -> dict[str, int]:
        return dict(self.engine.count_by("content_type"))

    def health(self) -> dict:
        return index_health(self.search_dir)

    def close(self) -> None:
        self.engine.close()

    # --- writing ---------------------------------------------------------------------------------

    def _locked_writer(self):
        """The current index's writer, without waiting; re-checked after locking in case of a swap."""
        for _ in range(2):
            before = current_index_dir(self.search_dir)
            try:
                writer = open_index(self.search_dir).writer(timeout=0)
            except LockError:
                raise IndexBusy() from None
            if current_index_dir(self.search_dir) == before:
                return writer
            writer.cancel()  # a rebuild swapped the index in between: write to the new one
        raise IndexBusy()

    def prepare(self) -> str:
        if ensure_index(self.search_dir):
            return "created"
        return "kept" if built_with_current_schema(self.search_dir) else "outdated"

    def index_document(self, document: SearchDocument) -> None:
        writer = open_index(self.search_dir).writer(timeout=5)
        _write(writer, document.doc_id, document)
        writer.commit()

    def remove_document(self, key: str) -> None:
        writer = open_index(self.search_dir).writer(timeout=5)
        writer.delete_by_term("doc_id", key)
        writer.commit()

    def apply(self, keys: list[str], before_reading: Callable[[], None]) -> dict | None:
        """Write the current state of these documents and return it ({key: document, or None for
        one removed}); None when another process holds the lock."""
        try:
            writer = self._locked_writer()
        except IndexBusy:
            return None
        except EmptyIndexError:
            log.warning("no search index yet (run `flask kb index init`); %s changes wait in the outbox", len(keys))
            return None
        try:
            before_reading()  # read the rows' current state only now, under the lock: the newest state wins
            written = {key: document_for_key(key) for key in keys}
            for key, document in written.items():
                _write(writer, key, document)
            writer.commit(mergetype=_merge_when_many)
        except BaseException:
            writer.cancel()
            raise
        return written

    def rebuild(self, keys: list[str], documents: Callable[[list[str]], object], finished: Callable[[], None]) -> int:
        """Index everything into a new folder, then swap it in atomically; searches keep working.

        The current index's write lock is held throughout, so drains wait in the outbox and land in
        the new index after the swap instead of in the old one.
        """
        ensure_index(self.search_dir)
        try:
            old_writer = self._locked_writer()
        except IndexBusy:
            raise IndexBusy("the index is being written by another process; try again in a moment") from None
        try:
            new_folder = new_index_dir(self.search_dir)
            # Two processes analyse documents in parallel; each writes its own segment.
            # Segments as separate files, not one compound file: Whoosh copies a compound file's parts
            # into memory each time a reader opens it, which made every search after an edit slow.
            writer = open_folder(new_folder).writer(
                procs=REBUILD_PROCESSES, limitmb=REBUILD_LIMIT_MB, multisegment=REBUILD_PROCESSES > 1, compound=False
            )
            for document in documents(keys):
                writer.add_document(**document.fields())
            writer.commit()
            make_current(self.search_dir, new_folder)
            finished()
            return len(keys)
        finally:
            old_writer.cancel()
            remove_unused(self.search_dir)
