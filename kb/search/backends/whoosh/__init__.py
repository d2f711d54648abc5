"""The Whoosh backend: an index on disk under KB_SEARCH_DIR (the embedded default), with its own
query engine, ranking and segment readers. Only this package imports Whoosh's index."""
