"""Operations: health check and request logging."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from kb.ops import views  # noqa: E402,F401  (routes attach themselves to bp)
