"""The vectors in memory: one numpy matrix per process, brought up to date from the database
whenever another process (or this one) has written since, then searched with one matrix product.

At 50,000 documents the matrix is 50 MB and a search is a few milliseconds (bench/meaning_bench.py),
so no approximate index is needed at this scale.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import func, select

from kb.extensions import db
from kb.meaning.embedding import DIMENSIONS
from kb.meaning.models import DocumentVector


@dataclass
class Neighbour:
    key: str
    similarity: float


class VectorStore:
    def __init__(self) -> None:
        self.keys: list[str] = []
        self.position: dict[str, int] = {}
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.visibility = np.zeros(0, dtype=object)
        self.content_type = np.zeros(0, dtype=object)
        self.themes: list[set[str]] = []
        self.signature: tuple[int, int] = (0, 0)
        self.lock = threading.Lock()

    def refresh(self) -> None:
        """Catch up with the database: rows written since the newest revision held, and any removals."""
        count, newest = db.session.execute(
            select(func.count(DocumentVector.doc_key), func.max(DocumentVector.revision))).one()
        signature = (count, newest or 0)
        if signature == self.signature:
            return
        with self.lock:
            if signature[1] < self.signature[1]:  # the table was emptied and refilled: start again
                self.__init__()
            rows = db.session.execute(select(
                DocumentVector.doc_key, DocumentVector.content_type, DocumentVector.visibility,
                DocumentVector.themes, DocumentVector.vector).where(DocumentVector.revision > self.signature[1])).all()
            self._apply(rows)
            if len(self.keys) != count:  # something was removed
                present = set(db.session.scalars(select(DocumentVector.doc_key)))
                self._keep([index for index, key in enumerate(self.keys) if key in present])
            self.signature = signature

    def _apply(self, rows) -> None:
        if not rows:
            return
        new_rows = [row for row in rows if row.doc_key not in self.position]
        for row in rows:
            if row.doc_key in self.position:
                index = self.position[row.doc_key]
                self.matrix[index] = np.frombuffer(row.vector, dtype=np.float32)
                self.visibility[index], self.content_type[index] = row.visibility, row.content_type
                self.themes[index] = set(filter(None, row.themes.split(",")))
        if new_rows:
            start = len(self.keys)
            self.keys += [row.doc_key for row in new_rows]
            self.position.update({row.doc_key: start + offset for offset, row in enumerate(new_rows)})
            added = np.frombuffer(b"".join(row.vector for row in new_rows), dtype=np.float32)
            self.matrix = np.vstack([self.matrix, added.reshape(len(new_rows), DIMENSIONS)])
            self.visibility = np.concatenate([self.visibility, np.array([row.visibility for row in new_rows],
                                                                       dtype=object)])
            self.content_type = np.concatenate([self.content_type, np.array([row.content_type for row in new_rows],
                                                                           dtype=object)])
            self.themes += [set(filter(None, row.themes.split(","))) for row in new_rows]

    def _keep(self, indexes: list[int]) -> None:
        self.keys = [self.keys[index] for index in indexes]
        self.position = {key: index for index, key in enumerate(self.keys)}
        self.matrix = self.matrix[indexes]
        self.visibility, self.content_type = self.visibility[indexes], self.content_type[indexes]
        self.themes = [self.themes[index] for index in indexes]

    def vector_of(self, key: str) -> np.ndarray | None:
        index = self.position.get(key)
        return None if index is None else self.matrix[index]

    def visibility_of(self, key: str) -> str | None:
        index = self.position.get(key)
        return None if index is None else self.visibility[index]

    def nearest(self, query: np.ndarray, visibilities: set[str], limit: int, content_type: str | None = None,
                theme: str | None = None, leave_out: str | None = None) -> list[Neighbour]:
        """The closest documents the visitor may see, most similar first."""
        if not self.keys:
            return []
        allowed = np.isin(self.visibility, list(visibilities))
        if content_type:
            allowed &= self.content_type == content_type
        if theme:
            allowed &= np.fromiter((theme in themes for themes in self.themes), dtype=bool, count=len(self.keys))
        if leave_out in self.position:
            allowed[self.position[leave_out]] = False
        # One product over the whole matrix, then the disallowed masked out: picking the allowed
        # rows first would copy most of the matrix on every search.
        scores = self.matrix @ query
        scores[~allowed] = -np.inf
        top = min(limit, int(allowed.sum()))
        if not top:
            return []
        best = np.argpartition(-scores, top - 1)[:top]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [Neighbour(self.keys[index], float(scores[index])) for index in best]

    def similarity(self, query: np.ndarray, keys: list[str]) -> dict[str, float]:
        """How close each of these documents is to the query (documents without a vector left out)."""
        indexes = [(key, self.position[key]) for key in keys if key in self.position]
        if not indexes:
            return {}
        scores = self.matrix[[index for _, index in indexes]] @ query
        return {key: float(score) for (key, _), score in zip(indexes, scores, strict=True)}


def vector_store() -> VectorStore:
    """This process's store for the app's database, up to date."""
    stores = current_app.extensions.setdefault("kb_meaning_stores", {})
    address = str(db.engine.url)
    if address not in stores:
        stores[address] = VectorStore()
    store = stores[address]
    store.refresh()
    return store
