"""The PostgreSQL backend: search documents are rows of search_documents in the site's own database
(migration 0022), with a weighted tsvector kept by a trigger and a GIN index; "Did you mean" reads a
vocabulary of the words of public documents through pg_trgm.

Writes happen in the same transaction as the outbox rows they answer, so an index change and the
removal of its outbox rows commit together. A transaction-scoped advisory lock plays the part of
Whoosh's write lock: a drain that finds it taken leaves its rows for the next one, so two drains
never write the same document in the wrong order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from kb.platform import locks
from kb.platform.extensions import db
from kb.search.backends import IndexUnavailable
from kb.search.backends.postgres import query as postgres_query
from kb.search.documents import PUBLIC, VOCABULARY_WORD, SearchDocument, document_for_key
from kb.search.results import SearchOutcome, SearchRequest

log = logging.getLogger("kb.search")
# The tables of migrations 0022 and 0024, which no model maps (plain SQL reads and writes them), in
# the order they can be emptied: the texts refer to the documents.
TABLES = ("search_document_texts", "search_documents", "search_vocabulary")
# The advisory lock writers of search_documents take (its key is in the registry, kb/platform/locks.py).
WRITE_LOCK = locks.SEARCH_DOCUMENTS
SUGGESTION_CANDIDATES = 5
MAX_EDITS = 2  # as Whoosh's corrector: a suggestion is at most two edits away
INSERT_BATCH = 500
# Matching, counting and ordering read search_documents; only the page shown reads the texts
# (migration 0024). The multi-valued facets are there twice: as arrays for the filters, and as keys
# (sorted values joined by KEY_SEPARATOR) for counting. The tsvectors are worked out from the texts
# by search_vectors() as the row is written.
# Each parameter with its column's type: in INSERT ... SELECT a NULL would otherwise be text.
MATCHED = {
    "doc_id": "varchar",
    "content_type": "varchar",
    "visibility": "varchar",
    "region": "varchar",
    "published_year": "varchar",
    "published_at": "timestamp",
    "facet_themes": "text[]",
    "facet_sectors": "text[]",
    "facet_tags": "text[]",
    "themes_key": "text",
    "sectors_key": "text",
    "tags_key": "text",
}
SHOWN = (
    "doc_id",
    "title",
    "summary",
    "body",
    "tags",
    "themes",
    "sectors",
    "status",
    "outcome",
    "verified",
    "featured",
    "url",
    "updated_at",
    "vocabulary",
)


def _upsert(table: str, columns: list[str], values: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) {values} ON CONFLICT (doc_id) DO UPDATE SET " + ", ".join(
        f"{name} = EXCLUDED.{name}" for name in columns if name != "doc_id"
    )


MATCHED_COLUMNS = [name.removeprefix("facet_") for name in MATCHED] + ["searched_head", "searched"]
UPSERT_MATCHED = text(
    _upsert(
        "search_documents",
        MATCHED_COLUMNS,
        f"SELECT {', '.join(f'CAST(:{name} AS {type_})' for name, type_ in MATCHED.items())}, "
        "vectors.head, vectors.whole "
        f"FROM search_vectors(:title, :summary, CAST(:tags AS text[]), :body) AS vectors",
    )
)
UPSERT_SHOWN = text(
    _upsert("search_document_texts", list(SHOWN), f"VALUES ({', '.join(':' + name for name in SHOWN)})")
)
ADD_WORDS = text(
    "INSERT INTO search_vocabulary (word) SELECT DISTINCT unnest(CAST(:words AS text[])) ON CONFLICT DO NOTHING"
)


def clean(value: str) -> str:
    # NUL cannot be stored in PostgreSQL text; \x02 and \x03 are the highlight marks (postgres_query).
    return (value or "").replace("\x00", "").replace(postgres_query.MARK_START, "").replace(postgres_query.MARK_END, "")


def _facet_values(values) -> list[str]:
    return sorted({value.replace(postgres_query.KEY_SEPARATOR, "") for value in values if value})


def row_of(document: SearchDocument) -> dict:
    """The parameters of both upserts: what matching reads and what the page shows."""
    headline = f"{document.title} {document.summary} {' '.join(document.tags)}"
    tags = [clean(tag) for tag in document.tags]
    facets = {"themes": document.themes, "sectors": document.sectors, "tags": tags}
    return {
        "doc_id": document.doc_id,
        "content_type": document.content_type,
        "title": clean(document.title),
        "summary": clean(document.summary),
        "body": clean(document.body),
        "tags": tags,
        "themes": list(document.themes),
        "region": document.region or "",
        "sectors": list(document.sectors),
        "visibility": document.visibility,
        "status": document.status or "",
        "outcome": document.outcome or "",
        "verified": bool(document.verified),
        "featured": bool(document.featured),
        "url": document.url,
        "published_year": str(document.published_at.year) if document.published_at else "",
        "published_at": document.published_at,
        "updated_at": document.updated_at,
        "vocabulary": sorted({word.lower() for word in VOCABULARY_WORD.findall(clean(headline))}),
        **{f"facet_{name}": _facet_values(values) for name, values in facets.items()},
        **{f"{name}_key": postgres_query.KEY_SEPARATOR.join(_facet_values(values)) for name, values in facets.items()},
    }


def edit_distance(one: str, other: str) -> int:
    previous = list(range(len(other) + 1))
    for row, letter in enumerate(one, start=1):
        current = [row]
        for column, other_letter in enumerate(other, start=1):
            current.append(
                min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + (letter != other_letter))
            )
        previous = current
    return previous[-1]


class PostgresBackend:
    name = "postgres"
    rebuilds_in_one_transaction = True  # nothing may commit until the whole new index is written
    location = "the search_documents table of the PostgreSQL database"

    def __init__(self) -> None:
        self._trigram_schema: str | None = None

    # --- reading ---------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchOutcome:
        return postgres_query.search(db.session, request)

    def _similar(self) -> tuple[str, str]:
        """pg_trgm's % operator, named with its schema (the extension lives in public, which a
        connection's search_path need not include)."""
        if self._trigram_schema is None:
            schema = db.session.execute(
                text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
            ).scalar()
            self._trigram_schema = (schema or "public").replace('"', "")
        return f'OPERATOR("{self._trigram_schema}".%)', f'"{self._trigram_schema}".similarity'

    def suggest(self, word: str, visibilities) -> str | None:
        """A spelling from the vocabulary (words of public documents), held by a document the visitor may see."""
        operator, similarity = self._similar()
        candidates = db.session.execute(
            text(
                f"SELECT v.word, {similarity}(v.word, :word) AS closeness FROM search_vocabulary v "
                f"WHERE v.word {operator} :word AND v.word <> :word AND EXISTS (SELECT 1 FROM search_document_texts t "
                f"JOIN search_documents d USING (doc_id) "
                f"WHERE t.vocabulary @> ARRAY[v.word] AND d.visibility = ANY(:visibilities)) "
                f"ORDER BY closeness DESC, v.word LIMIT :limit"
            ),
            {"word": word.lower(), "visibilities": sorted(visibilities), "limit": SUGGESTION_CANDIDATES},
        ).all()
        near = [(edit_distance(word.lower(), candidate), -closeness, candidate) for candidate, closeness in candidates]
        near = [entry for entry in near if entry[0] <= MAX_EDITS]
        return min(near)[2] if near else None

    def count_by_type(self) -> dict[str, int]:
        return dict(
            db.session.execute(text("SELECT content_type, count(*) FROM search_documents GROUP BY content_type")).all()
        )

    def health(self) -> dict:
        try:
            documents = db.session.execute(text("SELECT count(*) FROM search_documents")).scalar()
        except SQLAlchemyError as error:
            db.session.rollback()
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            return {"ok": False, "error": f"search table not readable ({reason}); run `flask db upgrade`"}
        return {"ok": True, "documents": documents}

    def close(self) -> None:
        """Nothing held open: the database session is the app's."""

    # --- writing ---------------------------------------------------------------------------------

    def _write(self, documents: dict[str, SearchDocument | None]) -> None:
        gone = [key for key, document in documents.items() if document is None]
        if gone:  # the texts go with them (ON DELETE CASCADE)
            db.session.execute(text("DELETE FROM search_documents WHERE doc_id = ANY(:keys)"), {"keys": gone})
        rows = [row_of(document) for document in documents.values() if document is not None]
        if rows:
            db.session.execute(UPSERT_MATCHED, rows)
            db.session.execute(UPSERT_SHOWN, rows)
        words = sorted({word for row in rows if row["visibility"] == PUBLIC for word in row["vocabulary"]})
        if words:
            db.session.execute(ADD_WORDS, {"words": words})

    def prepare(self) -> str:
        health = self.health()
        if not health["ok"]:
            raise IndexUnavailable(health["error"])
        return "created" if health["documents"] == 0 else "kept"

    def index_document(self, document: SearchDocument) -> None:
        self._write({document.doc_id: document})
        db.session.commit()

    def remove_document(self, key: str) -> None:
        self._write({key: None})
        db.session.commit()

    def apply(self, keys: list[str], before_reading: Callable[[], None]) -> dict | None:
        """Write these documents' current state in the open transaction (the caller's commit, which
        also forgets their outbox rows, makes it visible) and return it; None when another drain is
        writing."""
        if not db.session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK}).scalar():
            db.session.rollback()
            return None
        before_reading()  # read the rows' current state only now, under the lock: the newest state wins
        written = {key: document_for_key(key) for key in keys}
        self._write(written)
        return written

    def rebuild(self, keys: list[str], documents: Callable[[list[str]], object], finished: Callable[[], None]) -> int:
        """Replace every row in one transaction: searches see the old rows until it commits, then
        the new ones. Drains wait for the lock meanwhile, and their rows land after."""
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        try:
            # DELETE, not TRUNCATE: searches keep reading the old rows until this commits.
            db.session.execute(text("DELETE FROM search_document_texts"))
            db.session.execute(text("DELETE FROM search_documents"))
            db.session.execute(text("DELETE FROM search_vocabulary"))
            batch: dict[str, SearchDocument] = {}
            for document in documents(keys):
                batch[document.doc_id] = document
                if len(batch) == INSERT_BATCH:
                    self._write(batch)
                    batch = {}
            self._write(batch)
            finished()  # forgets the outbox rows the rebuild covered, and commits it all
        except BaseException:
            db.session.rollback()
            raise
        # Fresh statistics, so the planner knows how many documents a word matches (until
        # autovacuum gets there, it would guess, and scan the whole table for a common word).
        db.session.execute(text("ANALYZE search_documents"))
        db.session.execute(text("ANALYZE search_document_texts"))
        db.session.commit()
        return len(keys)
