"""The read-only JSON API, version 1: what anonymous visitors may see, at /api/v1."""

from flask import Blueprint

from kb.platform.features import Feature

bp = Blueprint("api", __name__, url_prefix="/api/v1")
FEATURE = Feature("api", bp)

from kb.api import views  # noqa: E402,F401  (routes attach themselves to bp)
