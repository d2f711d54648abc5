"""The board's starting categories: Announcements, one per theme, and General. `flask kb seed`
creates the ones that are missing and leaves existing ones as moderators left them."""

from __future__ import annotations

from sqlalchemy import select

from kb.board.models import BoardCategory
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import Theme

ANNOUNCEMENTS = (
    "announcements",
    "Announcements",
    "News from the moderators and the site. Only moderators start threads here; everyone can reply.",
)
GENERAL = ("general", "General", "Anything about local partnership working that does not fit one theme.")


def starting_categories() -> list[dict]:
    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    slug, title, description = ANNOUNCEMENTS
    wanted = [{"slug": slug, "title": title, "description": description, "moderators_only": True}]
    wanted += [
        {"slug": theme.slug, "title": theme.title, "description": theme.summary, "theme_id": theme.id}
        for theme in themes
    ]
    slug, title, description = GENERAL
    wanted.append({"slug": slug, "title": title, "description": description})
    return wanted


def seed_categories(_path, report) -> None:
    db.session.flush()  # the themes seeded just before need their ids
    for position, values in enumerate(starting_categories(), start=1):
        if db.session.scalar(select(BoardCategory.id).where(BoardCategory.slug == values["slug"])):
            report.add("unchanged")  # renamed or described by a moderator since, perhaps: theirs wins
            continue
        db.session.add(BoardCategory(position=position, created_at=clock.now(), **values))
        report.add("created")
