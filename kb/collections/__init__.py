"""Collections: curated reading lists that signpost the best material."""

from flask import Blueprint

bp = Blueprint("collections", __name__)

from kb.collections import views  # noqa: E402,F401  (routes attach themselves to bp)
