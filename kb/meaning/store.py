"""The vectors in memory: one numpy matrix per process, brought up to date from the database
whenever any process has written since, then searched with one matrix-vector product.

Every write raises the rows' revision, and a removed document leaves a tombstone (a row with no
vector) rather than disappearing, so "is this process behind?" is one indexed MAX() per search
and catching up reads only the rows written since. At 50,000 documents the matrix is 50 MB and
a search a few milliseconds (bench/meaning_bench.py): no approximate index is needed at this scale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import func, select

from kb.meaning.embedding import DIMENSIONS
from kb.meaning.models import REMOVED, DocumentVector
from kb.platform.extensions import db


@dataclass
class Neighbour:
    key: str
    similarity: float


class VectorStore:
    def __init__(self) -> None:
        self.keys: list[str] = []
        self.position: dict[str, int] = {}
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        # Visibility and type as small codes, so a search's filter is an integer comparison.
        self.codes: dict[str, int] = {REMOVED: 0}
        self.visibility = np.zeros(0, dtype=np.int16)
        self.content_type = np.zeros(0, dtype=np.int16)
        self.themes: list[frozenset[str]] = []
        self.revision = 0
        self.lock = threading.Lock()

    def _code(self, value: str) -> int:
        return self.codes.setdefault(value, len(self.codes))

    def refresh(self) -> None:
        """Catch up with the database: the rows written since the newest revision held."""
        newest = db.session.scalar(select(func.max(DocumentVector.revision))) or 0
        if newest == self.revision:
            return
        with self.lock:
            if newest < self.revision:  # the table was emptied and refilled (a restore): start again
                self.__init__()
            rows = db.session.execute(
                select(
                    DocumentVector.doc_key,
                    DocumentVector.content_type,
                    DocumentVector.visibility,
                    DocumentVector.themes,
                    DocumentVector.vector,
                ).where(DocumentVector.revision > self.revision)
            ).all()
            self._apply(rows)
            self.revision = newest

    def _apply(self, rows) -> None:
        new_rows = []
        for row in rows:
            index = self.position.get(row.doc_key)
            if index is None:
                if row.vector:
                    new_rows.append(row)
                continue
            if row.vector:
                self.matrix[index] = np.frombuffer(row.vector, dtype=np.float32)
            # A tombstone keeps its place in memory, never shown: its visibility is REMOVED.
            self.visibility[index] = self._code(row.visibility if row.vector else REMOVED)
            self.content_type[index] = self._code(row.content_type)
            self.themes[index] = frozenset(filter(None, row.themes.split(",")))
        if new_rows:
            start = len(self.keys)
            self.keys += [row.doc_key for row in new_rows]
            self.position.update({row.doc_key: start + offset for offset, row in enumerate(new_rows)})
            added = np.frombuffer(b"".join(row.vector for row in new_rows), dtype=np.float32)
            self.matrix = np.vstack([self.matrix, added.reshape(len(new_rows), DIMENSIONS)])
            self.visibility = np.concatenate(
                [self.visibility, np.array([self._code(row.visibility) for row in new_rows], dtype=np.int16)]
            )
            self.content_type = np.concatenate(
                [self.content_type, np.array([self._code(row.content_type) for row in new_rows], dtype=np.int16)]
            )
            self.themes += [frozenset(filter(None, row.themes.split(","))) for row in new_rows]

    def vector_of(self, key: str) -> np.ndarray | None:
        index = self.position.get(key)
        return None if index is None or self.visibility[index] == 0 else self.matrix[index]

    def visibility_of(self, key: str) -> str | None:
        index = self.position.get(key)
        if index is None or self.visibility[index] == 0:
            return None
        return next(value for value, code in self.codes.items() if code == self.visibility[index])

    def nearest(
        self,
        query: np.ndarray,
        visibilities: set[str],
        limit: int,
        content_type: str | None = None,
        theme: str | None = None,
        leave_out: str | None = None,
    ) -> list[Neighbour]:
        """The closest documents the visitor may see, most similar first."""
        if not self.keys:
            return []
        wanted = [self.codes[value] for value in visibilities if value in self.codes and value != REMOVED]
        allowed = np.isin(self.visibility, wanted)
        if content_type:
            allowed &= self.content_type == self.codes.get(content_type, -1)
        if theme:
            allowed &= np.fromiter((theme in themes for themes in self.themes), dtype=bool, count=len(self.keys))
        if leave_out in self.position:
            allowed[self.position[leave_out]] = False
        top = min(limit, int(allowed.sum()))
        if not top:
            return []
        # One product over the whole matrix, then the disallowed masked out: picking the allowed
        # rows first would copy most of the matrix on every search.
        scores = self.matrix @ query
        scores[~allowed] = -np.inf
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [Neighbour(self.keys[index], float(scores[index])) for index in best]

    def similarity(self, query: np.ndarray, keys: list[str]) -> dict[str, float]:
        """How close each of these documents is to the query (documents without a vector left out)."""
        indexes = [
            (key, self.position[key])
            for key in keys
            if key in self.position and self.visibility[self.position[key]] != 0
        ]
        if not indexes:
            return {}
        scores = self.matrix[[index for _, index in indexes]] @ query
        return {key: float(score) for (key, _), score in zip(indexes, scores, strict=True)}

    def held(self) -> int:
        """How many documents this store would search (tombstones left out)."""
        return int((self.visibility != 0).sum())


def vector_store() -> VectorStore:
    """This process's store for the app's database, up to date."""
    stores = current_app.extensions.setdefault("kb_meaning_stores", {})
    address = str(db.engine.url)
    if address not in stores:
        stores[address] = VectorStore()
    store = stores[address]
    store.refresh()
    return store
