"""The PostgreSQL backend: search documents in a table of the database itself, queried with its
full-text search (tsvector, ts_rank, ts_headline) and trigram similarity."""
