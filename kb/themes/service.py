"""Reading the themes and the leaflet's content for the pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb.platform.extensions import db
from kb.themes.models import Fact, SiteText, TaskforceOrganisation, Theme


def list_themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position)))


def get_theme(slug: str) -> Theme | None:
    """A theme with everything its page shows, loaded in a fixed number of queries."""
    return db.session.scalar(
        select(Theme)
        .where(Theme.slug == slug)
        .options(
            selectinload(Theme.checklist),
            selectinload(Theme.supporting_actions),
            selectinload(Theme.resources),
        )
    )


def neighbours(theme: Theme) -> tuple[Theme | None, Theme | None]:
    """The themes before and after this one, for "previous / next" links."""
    before = db.session.scalar(
        select(Theme).where(Theme.position < theme.position).order_by(Theme.position.desc()).limit(1)
    )
    after = db.session.scalar(select(Theme).where(Theme.position > theme.position).order_by(Theme.position).limit(1))
    return before, after


def fact_of_the_day(today: date) -> Fact | None:
    """One "Did you know" fact, the same all day for everyone, a different one each day."""
    count = db.session.scalar(select(func.count(Fact.id)))
    if not count:
        return None
    return db.session.scalar(select(Fact).order_by(Fact.position).offset(today.toordinal() % count).limit(1))


def all_facts() -> list[Fact]:
    return list(db.session.scalars(select(Fact).order_by(Fact.position)))


def site_texts(prefix: str) -> dict[str, str]:
    """Texts whose key starts with prefix, keyed by the rest of the key."""
    rows = db.session.scalars(select(SiteText).where(SiteText.key.startswith(prefix)))
    return {row.key.removeprefix(prefix): row.value for row in rows}


def taskforce_organisations(role: str) -> list[str]:
    return list(
        db.session.scalars(
            select(TaskforceOrganisation.name)
            .where(TaskforceOrganisation.role == role)
            .order_by(TaskforceOrganisation.position)
        )
    )
