"""Full-text search: one small interface (kb.search.service) over a backend KB_SEARCH_BACKEND
chooses (kb.search.backends: a Whoosh index on disk, or PostgreSQL full-text in the database), kept
in step with the database by a transactional outbox. Features register how their items become search
documents (kb.search.documents); this package knows nothing of them."""

from flask import Blueprint

from kb.platform.features import Feature

bp = Blueprint("search", __name__)
FEATURE = Feature("search", bp)

from kb.search import views  # noqa: E402,F401  (routes attach themselves to bp)
