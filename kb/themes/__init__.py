"""The leaflet's five themes, the home page and the about page."""

from flask import Blueprint

from kb.search.documents import register_facet_labels, register_provider
from kb.themes.search_documents import LABELS, PROVIDERS, theme_titles

bp = Blueprint("themes", __name__)


def make_the_checklist_findable(_state) -> None:
    # The aim, the Do/Don't pairs, the supporting actions and the reading list are searchable, and
    # the search page names the themes by their titles.
    for provider in PROVIDERS:
        register_provider(provider)
    register_facet_labels("theme", theme_titles)
    register_facet_labels("type", lambda: LABELS)


bp.record_once(make_the_checklist_findable)

from kb.themes import views  # noqa: E402,F401  (routes attach themselves to bp)
