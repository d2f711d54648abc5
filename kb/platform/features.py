"""How a feature plugs in: one `Feature(...)` declaration in the feature's `__init__.py`, listed once
in the app factory (kb/app/factory.py, FEATURES) and held on the app (`app.extensions`), never in
module globals.

A declaration names everything the rest of the site reads from the feature: its blueprint; its seed
steps (`flask kb seed`); its search documents, facet labels and what listens to the index; its parts
of a member's data download; its eraser (account deletion); its tabs in the moderation queue; what it
adds to the home and theme pages. The readers (seeding, search, /my/data, deletion, the queue, the
home page, the whole-site harness) ask `declared()` for the declarations, in the factory's order.

The platform imports no feature, so the parts whose types a feature owns (a search provider, a queue
tab, page sections) are named here for the type checker only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, current_app

if TYPE_CHECKING:  # named for the type checker; the readers import this module, not the reverse
    from kb.platform.erasure import Eraser
    from kb.platform.personal_data import Part
    from kb.platform.reviewable import QueueTab
    from kb.platform.seed_files import SeedReport
    from kb.search.documents import DocumentProvider, IndexListener
    from kb.themes.sections import PageSections

EXTENSION = "kb.features"


@dataclass(frozen=True)
class SeedStep:
    """A step of `flask kb seed`: `load(path, report)` for each file in seed_content/ that `files`
    matches (a glob: "facts.yaml", "themes/*.yaml"), in name order, or once with no path when
    `files` is empty. `count`: how many files must match, checked before anything is loaded."""

    label: str
    load: Callable[[Path | None, SeedReport], None]
    files: str = ""
    count: int | None = None


@dataclass(frozen=True)
class Feature:
    name: str
    blueprint: Blueprint | None  # None: a feature with no pages of its own (a benchmark's documents)
    seed: tuple[SeedStep, ...] = ()
    search_documents: tuple[DocumentProvider, ...] = ()
    # What a search facet's values read as ("theme": () -> {slug: title}).
    facet_labels: Mapping[str, Callable[[], dict[str, str]]] = field(default_factory=dict)
    index_listeners: tuple[IndexListener, ...] = ()
    rankers: tuple[Callable[..., Any], ...] = ()  # (request, outcome) -> outcome: re-rank a search
    personal_data: tuple[Part, ...] = ()
    eraser: Eraser | None = None
    queue_tabs: tuple[QueueTab, ...] = ()  # in the queue's order
    page_sections: PageSections | None = None


def install(app: Flask, features: tuple[Feature, ...]) -> None:
    """Register each feature's blueprint and keep the declarations on the app."""
    names = [feature.name for feature in features]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"features declared twice: {', '.join(duplicates)}")
    app.extensions[EXTENSION] = features
    for feature in features:
        if feature.blueprint is not None:
            app.register_blueprint(feature.blueprint)


def add(app: Flask, feature: Feature) -> None:
    """Declare one more feature on a built app, after the factory's (a benchmark's own documents)."""
    app.extensions[EXTENSION] = (*declared(app), feature)


def changed(app: Flask, name: str, **changes: Any) -> tuple[Feature, ...]:
    """The declarations with one feature's changed, for a test to put in place (monkeypatch.setitem
    on app.extensions[EXTENSION]): the rest of the site then reads the changed one."""
    return tuple(
        dataclasses.replace(feature, **changes) if feature.name == name else feature for feature in declared(app)
    )


def declared(app: Flask | None = None) -> tuple[Feature, ...]:
    """Every feature's declaration, in the factory's order."""
    features: tuple[Feature, ...] = (app or current_app).extensions[EXTENSION]
    return features


def each(attribute: str, app: Flask | None = None) -> Iterator[Any]:
    """Every feature's entries of one kind, flattened: each("search_documents") gives every provider."""
    for feature in declared(app):
        value = getattr(feature, attribute)
        if value is None:
            continue
        if isinstance(value, tuple):
            yield from value
        else:
            yield value
