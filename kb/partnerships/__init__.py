"""Partnerships and their annual health-check against the leaflet's checklist (issue 13)."""

from flask import Blueprint

bp = Blueprint("partnerships", __name__)

from kb.partnerships import organisation_views, views  # noqa: E402,F401,I001  (routes attach themselves to bp)
