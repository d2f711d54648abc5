"""Meeting packs: a theme or a collection gathered onto one page to print for a partnership meeting."""

from flask import Blueprint

from kb.platform.features import Feature

bp = Blueprint("packs", __name__)
FEATURE = Feature("packs", bp)

from kb.packs import views  # noqa: E402,F401  (routes attach themselves to bp)
