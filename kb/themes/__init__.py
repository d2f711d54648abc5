"""The leaflet's five themes, the home page and the about page."""

from flask import Blueprint

from kb.platform.features import Feature, SeedStep
from kb.themes.models import THEME_SLUGS
from kb.themes.search_documents import LABELS, PROVIDERS, theme_titles
from kb.themes.seed import seed_facts, seed_taskforce, seed_theme_file

bp = Blueprint("themes", __name__)

FEATURE = Feature(
    "themes",
    bp,
    seed=(
        SeedStep("theme", seed_theme_file, "themes/*.yaml", count=len(THEME_SLUGS)),
        SeedStep("did-you-know facts", seed_facts, "facts.yaml"),
        SeedStep("taskforce and leaflet", seed_taskforce, "taskforce.yaml"),
    ),
    # The aim, the Do/Don't pairs, the supporting actions and the reading list are searchable, and
    # the search page names the themes by their titles.
    search_documents=PROVIDERS,
    facet_labels={"theme": theme_titles, "type": lambda: LABELS},
)

from kb.themes import views  # noqa: E402,F401  (routes attach themselves to bp)
