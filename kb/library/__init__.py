"""The library: case studies, with review before publication."""

from flask import Blueprint

bp = Blueprint("library", __name__)

from kb.library import views  # noqa: E402,F401  (routes attach themselves to bp)
