"""Writing the vectors: a document's vector is computed when its text changes, in the same outbox
drain (and rebuild) that writes the index, and removed when the document leaves the index."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np
from sqlalchemy import func, select, update

from kb.meaning import embedding
from kb.meaning.models import REMOVED, DocumentVector
from kb.platform import locks
from kb.platform.extensions import db
from kb.platform.locks import one_writer_at_a_time
from kb.search.documents import IndexListener, SearchDocument, document_for_key, document_key, providers

log = logging.getLogger("kb.meaning")
BATCH = 200


def _one_writer_at_a_time() -> None:
    """Two drains can reach the vectors at once (Whoosh lets go of its own lock when its index is
    written, before the database commits): the second read neither the first's new rows nor its
    revision, so it inserted them again (and failed) or reused the revision, which another process
    catching up by revision could then miss. So the writer of vectors waits for the other's commit."""
    one_writer_at_a_time(locks.MEANING_VECTORS, DocumentVector.__table__)


def _next_revision() -> int:
    return (db.session.scalar(select(func.max(DocumentVector.revision))) or 0) + 1


def store_vectors(batch: dict[str, SearchDocument | None], recompute: bool = False) -> int:
    """Bring the vectors of these documents up to date (None: remove it); returns how many were embedded.
    Flushed, not committed: the caller commits."""
    if not batch:
        return 0
    _one_writer_at_a_time()
    keys = list(batch)
    existing = {
        row.doc_key: row for row in db.session.scalars(select(DocumentVector).where(DocumentVector.doc_key.in_(keys)))
    }
    revision = _next_revision()
    gone = [
        key
        for key, document in batch.items()
        if document is None and key in existing and existing[key].visibility != REMOVED
    ]
    if gone:
        _bury(gone, revision)
    texts = {key: embedding.text_of(document) for key, document in batch.items() if document is not None}
    prints = {key: embedding.fingerprint(text) for key, text in texts.items()}
    to_embed = [key for key in texts if recompute or key not in existing or existing[key].fingerprint != prints[key]]
    vectors = dict(zip(to_embed, embedding.embed([texts[key] for key in to_embed]), strict=True))
    for key, document in batch.items():
        if document is None:
            continue
        row = existing.get(key)
        described = {
            "content_type": document.content_type,
            "visibility": document.visibility,
            "themes": ",".join(document.themes)[:400],
        }
        if row is None:
            row = DocumentVector(doc_key=key, fingerprint="", vector=b"", revision=revision, **described)
            db.session.add(row)
        elif key not in vectors and all(getattr(row, name) == value for name, value in described.items()):
            continue  # nothing a search uses has changed
        for name, value in described.items():
            setattr(row, name, value)
        if key in vectors:
            row.vector = np.asarray(vectors[key], dtype=np.float32).tobytes()
            row.fingerprint = prints[key]
        row.revision = revision
    db.session.flush()
    return len(to_embed)


def _bury(keys: list[str], revision: int) -> None:
    """Leave tombstones: each process's store sees the removal by its revision (kb.meaning.store)."""
    for start in range(0, len(keys), 500):
        db.session.execute(
            update(DocumentVector)
            .where(DocumentVector.doc_key.in_(keys[start : start + 500]))
            .values(visibility=REMOVED, vector=b"", fingerprint="", revision=revision)
        )


def forget_all_but(keys: set[str]) -> None:
    """After a rebuild: vectors of documents no longer in the index go."""
    _one_writer_at_a_time()
    stale = [
        key
        for key in db.session.scalars(select(DocumentVector.doc_key).where(DocumentVector.visibility != REMOVED))
        if key not in keys
    ]
    if stale:
        _bury(stale, _next_revision())
    db.session.commit()


# Flushed into the caller's transaction: the drain's, which forgets the outbox rows; a rebuild's
# (kb.search.service commits between batches where the backend allows it).
LISTENER = IndexListener(changed=store_vectors, rebuilt=forget_all_but)


def rebuild_vectors(progress: Callable[[int, int], None] = lambda done, total: None) -> int:
    """Recompute every document's vector from the database, committing as it goes."""
    keys = [document_key(provider, row_id) for provider in providers() for row_id in provider.all_ids()]
    started = time.monotonic()
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        store_vectors({key: document_for_key(key) for key in chunk}, recompute=True)
        db.session.commit()
        db.session.expire_all()
        progress(min(start + BATCH, len(keys)), len(keys))
    forget_all_but(set(keys))
    log.info("recomputed %s vectors in %.1fs", len(keys), time.monotonic() - started)
    return len(keys)
