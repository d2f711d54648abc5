"""What other features add to the home page and each theme's page.

Library items belong to themes, so the themes package sits below the library and cannot ask it for
items: the library registers its sections here when its blueprint is registered, as features
register their search documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.themes.models import Theme


@dataclass(frozen=True)
class PageSections:
    """home() -> template values for the home page; theme(theme) -> template values for a theme's page."""

    home: Callable[[], dict]
    theme: Callable[[Theme], dict]


_sections: dict[str, PageSections] = {}


def register_sections(name: str, sections: PageSections) -> None:
    _sections[name] = sections


def for_home() -> dict:
    return {name: value for sections in _sections.values() for name, value in sections.home().items()}


def for_theme(theme: Theme) -> dict:
    return {name: value for sections in _sections.values() for name, value in sections.theme(theme).items()}
