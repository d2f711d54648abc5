"""The library: case studies, with review before publication."""

from flask import Blueprint

from kb.library import erasure, personal_data
from kb.library.search_documents import PROVIDER
from kb.library.theme_sections import SECTIONS
from kb.platform.erasure import register_eraser
from kb.platform.personal_data import register_part
from kb.search.documents import register_provider
from kb.themes.sections import register_sections

bp = Blueprint("library", __name__)
# Case studies and lessons are findable: the search outbox follows their changes from now on.
bp.record_once(lambda state: register_provider(PROVIDER))
# The home page and theme pages show featured items and each theme's latest case studies and lessons.
bp.record_once(lambda state: register_sections("library", SECTIONS))
# A member's data download holds what they wrote, every revision of it, and the moderators' notes.
bp.record_once(lambda state: register_part("library", "Your case studies and lessons", personal_data.items))
# Deleting an account: drafts go; published items stay as "a former member"'s, or go too.
bp.record_once(lambda state: register_eraser("library", erasure.erase))

from kb.library import curation_views, decision_views, views  # noqa: E402,F401  (routes attach themselves to bp)
