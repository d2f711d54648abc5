"""Moderators curate each theme's reading list: add, edit, reorder, retire and bring back
resources. The leaflet's lists are the starting set; once moderators change a theme's list, the
seed leaves it alone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from kb.auth.models import User
from kb.platform import audit
from kb.platform.extensions import db
from kb.platform.ordering import at_the_end
from kb.platform.permissions import require_moderator
from kb.platform.text import one_line
from kb.themes.models import Theme, ThemeResource


class ResourceError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


@dataclass
class ResourceFields:
    title: str
    url: str
    description: str = ""
    publisher: str = ""


def _apply(resource: ThemeResource, fields: ResourceFields) -> None:
    resource.title = one_line(fields.title)
    resource.url = one_line(fields.url)
    resource.description = (fields.description or "").strip() or None
    resource.publisher = one_line(fields.publisher or "") or None


def resources_of(theme: Theme) -> list[ThemeResource]:
    return list(
        db.session.scalars(
            select(ThemeResource).where(ThemeResource.theme_id == theme.id).order_by(ThemeResource.position)
        )
    )


def add(theme: Theme, fields: ResourceFields, by: User) -> ThemeResource:
    require_moderator(by, ResourceError, "Only moderators change the reading lists.")
    last = db.session.scalar(select(func.max(ThemeResource.position)).where(ThemeResource.theme_id == theme.id))
    resource = ThemeResource(theme_id=theme.id, position=(last or 0) + 1)
    _apply(resource, fields)
    db.session.add(resource)
    theme.resources_curated = True
    db.session.flush()
    audit.record(by, "add resource", "resource", resource.id, resource.title, f"on {theme.title}")
    db.session.commit()
    return resource


def update(resource: ThemeResource, fields: ResourceFields, by: User) -> None:
    require_moderator(by, ResourceError, "Only moderators change the reading lists.")
    _apply(resource, fields)
    resource.theme.resources_curated = True
    audit.record(by, "edit resource", "resource", resource.id, resource.title, f"on {resource.theme.title}")
    db.session.commit()


def set_retired(resource: ThemeResource, retired: bool, by: User) -> None:
    require_moderator(by, ResourceError, "Only moderators change the reading lists.")
    if resource.retired == retired:
        raise ResourceError("It is already " + ("retired." if retired else "on the theme page."))
    resource.retired = retired
    resource.theme.resources_curated = True
    audit.record(
        by,
        "retire resource" if retired else "restore resource",
        "resource",
        resource.id,
        resource.title,
        f"on {resource.theme.title}",
    )
    db.session.commit()


def move(resource: ThemeResource, step: int, by: User) -> None:
    """Swap with the neighbour above (-1) or below (1)."""
    require_moderator(by, ResourceError, "Only moderators change the reading lists.")
    listed = resources_of(resource.theme)
    index = listed.index(resource)
    if not 0 <= index + step < len(listed):
        raise ResourceError(at_the_end(step))
    other = listed[index + step]
    # Positions are unique per theme: park one while the other moves.
    mine, theirs = resource.position, other.position
    resource.position = -1
    db.session.flush()
    other.position = mine
    db.session.flush()
    resource.position = theirs
    resource.theme.resources_curated = True
    audit.record(
        by,
        "reorder reading list",
        "resource",
        resource.id,
        resource.title,
        f"moved {'up' if step < 0 else 'down'} on {resource.theme.title}",
    )
    db.session.commit()
