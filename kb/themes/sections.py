"""What other features add to the home page and each theme's page.

Library items belong to themes, so the themes package sits below the library and cannot ask it for
items: the library declares its sections (`page_sections=` in its Feature, kb/platform/features.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.platform import features
from kb.themes.models import Theme


@dataclass(frozen=True)
class PageSections:
    """home() -> template values for the home page; theme(theme) -> template values for a theme's page."""

    home: Callable[[], dict]
    theme: Callable[[Theme], dict]


def for_home() -> dict:
    return {name: value for sections in features.each("page_sections") for name, value in sections.home().items()}


def for_theme(theme: Theme) -> dict:
    return {name: value for sections in features.each("page_sections") for name, value in sections.theme(theme).items()}
