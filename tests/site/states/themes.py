"""Themes with a curated reading list holding a retired entry."""

from __future__ import annotations

from sqlalchemy import select

from kb.platform.extensions import db
from kb.themes import resources
from kb.themes.models import Theme
from tests.site.harness import MODERATORS, Site, registers_states


@registers_states("themes")
def theme_states(site: Site) -> None:
    moderator = site.people["moderator"]
    theme = db.session.scalar(select(Theme).where(Theme.slug == "funding-it-better"))
    retired = resources.add(
        theme,
        resources.ResourceFields(
            title=f"Old guidance {site.secret('retired resource', MODERATORS)}", url="https://example.org/old"
        ),
        by=moderator,
    )
    resources.set_retired(retired, True, by=moderator)
    current = resources.add(
        theme, resources.ResourceFields(title="Current guidance", url="https://example.org/new"), by=moderator
    )
    site.ids.update(resource_id=current.id, **{"slug@resources": theme.slug})
    for page in ("/privacy", "/accessibility", "/cookies", "/guidelines", "/contact"):
        site.page(page)
    for slug in db.session.scalars(select(Theme.slug)):
        site.page(f"/themes/{slug}")
    site.page("/moderation/themes/funding-it-better/resources")
    site.page(f"/moderation/resources/{current.id}")
    site.page(f"/moderation/resources/{retired.id}")
    site.form("/moderation/themes/funding-it-better/resources", "moderator")
    site.form(f"/moderation/resources/{current.id}", "moderator")
