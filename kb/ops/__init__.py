"""Operations: health check and request logging."""

from flask import Blueprint

from kb.platform.features import Feature

bp = Blueprint("ops", __name__)
FEATURE = Feature("ops", bp)

from kb.ops import views  # noqa: E402,F401  (routes attach themselves to bp)
