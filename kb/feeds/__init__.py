"""Atom feeds: the newest case studies and lessons (all, by theme, by tag), collections, board
categories (when the board is public) and any search, as anonymous visitors would see them."""

from flask import Blueprint

from kb.platform.features import Feature

bp = Blueprint("feeds", __name__)
FEATURE = Feature("feeds", bp)

from kb.feeds import views  # noqa: E402,F401  (routes attach themselves to bp)
