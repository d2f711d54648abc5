"""The Whoosh index on disk: its schema, creating it, and checking it can be read."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import EmptyIndexError

INDEX_NAME = "main"

# Title and summary weigh more than the body so that a word in a title ranks first.
SCHEMA = Schema(
    doc_id=ID(stored=True, unique=True),
    content_type=ID(stored=True),
    title=TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=3.0),
    summary=TEXT(analyzer=StemmingAnalyzer(), stored=True, field_boost=2.0),
    body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
    tags=KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
    themes=KEYWORD(commas=True, stored=True),
    region=ID(stored=True),
    sectors=KEYWORD(commas=True, stored=True),
    visibility=ID(stored=True),
    verified=BOOLEAN(stored=True),
    featured=BOOLEAN(stored=True),
    url=STORED(),
    published_at=DATETIME(stored=True, sortable=True),
    updated_at=DATETIME(stored=True, sortable=True),
)


def ensure_index(search_dir: Path) -> bool:
    """Create an empty index in search_dir unless one is there. True when it was created."""
    search_dir.mkdir(parents=True, exist_ok=True)
    if whoosh_index.exists_in(str(search_dir), indexname=INDEX_NAME):
        return False
    whoosh_index.create_in(str(search_dir), SCHEMA, indexname=INDEX_NAME)
    return True


def index_health(search_dir: Path) -> dict:
    """Whether the index opens and can be searched, and how many documents it holds."""
    try:
        index = whoosh_index.open_dir(str(search_dir), indexname=INDEX_NAME, readonly=True)
        with index.searcher() as searcher:
            documents = searcher.doc_count()
    except (EmptyIndexError, OSError) as error:
        return {"ok": False, "error": f"index not readable at {search_dir}: {error.__class__.__name__}"}
    return {"ok": True, "documents": documents}
