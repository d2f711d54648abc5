"""The library: case studies, with review before publication."""

from flask import Blueprint

from kb.library import erasure, personal_data
from kb.library.queue_tab import QUEUE_TABS
from kb.library.search_documents import PROVIDER
from kb.library.seed import seed_leaflet_case_study
from kb.library.theme_sections import SECTIONS
from kb.platform.erasure import Eraser
from kb.platform.features import Feature, SeedStep
from kb.platform.personal_data import Part

bp = Blueprint("library", __name__)

FEATURE = Feature(
    "library",
    bp,
    # Each theme's file carries the leaflet's case study for it, seeded once the themes are.
    seed=(SeedStep("leaflet case study of theme", seed_leaflet_case_study, "themes/*.yaml"),),
    # Case studies and lessons are findable: the search outbox follows their changes.
    search_documents=(PROVIDER,),
    # A member's data download holds what they wrote, every revision of it, and the moderators' notes.
    personal_data=(Part("library", "Your case studies and lessons", personal_data.items),),
    # Deleting an account: drafts go; published items stay as "a former member"'s, or go too.
    eraser=Eraser("library", erasure.erase),
    # Submissions and proposed edits wait in the moderation queue.
    queue_tabs=QUEUE_TABS,
    # The home page and theme pages show featured items and each theme's latest case studies and lessons.
    page_sections=SECTIONS,
)

from kb.library import curation_views, decision_views, views  # noqa: E402,F401  (routes attach themselves to bp)
