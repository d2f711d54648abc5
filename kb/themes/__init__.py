"""The leaflet's five themes, the home page and the about page."""

from flask import Blueprint

bp = Blueprint("themes", __name__)

from kb.themes import views  # noqa: E402,F401  (routes attach themselves to bp)
