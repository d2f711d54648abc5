"""Full-text search. The index lives on disk under KB_SEARCH_DIR.

This package knows nothing of the features: they will describe their items as search documents.
"""
