"""The library's part of the home page and each theme's page: featured items, the latest case
studies and lessons (registered with kb.themes.sections)."""

from __future__ import annotations

from kb.library import featuring, queries
from kb.library.models import Kind, Outcome
from kb.themes.models import Theme
from kb.themes.sections import PageSections


def home() -> dict:
    return {"featured": featuring.featured(None)}


def theme_page(theme: Theme) -> dict:
    return {
        "case_studies": queries.latest_for_theme(theme, Kind.CASE_STUDY),
        "case_study_count": queries.count_for_theme(theme, Kind.CASE_STUDY),
        "worked_well": queries.latest_for_theme(theme, Kind.LESSON, Outcome.WORKED_WELL.value),
        "did_not_work": queries.latest_for_theme(theme, Kind.LESSON, Outcome.DID_NOT_WORK.value),
        "lesson_count": queries.count_for_theme(theme, Kind.LESSON),
        "featured": featuring.featured(theme),
    }


SECTIONS = PageSections(home=home, theme=theme_page)
