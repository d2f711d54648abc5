"""Email notification fixtures: the seeded site with pre-moderation off, a few members, and a
helper that sets a member's choices."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from kb.auth.models import Role
from kb.notifications import service
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.notifications import Frequency, Kind, telling
from kb.platform.notifications.models import DigestEntry
from kb.themes.models import Theme
from tests.factories import make_user

MONDAY = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def site(seeded, mailbox):
    seeded.config["KB_PREMODERATION_POSTS"] = 0
    clock.freeze(MONDAY)
    return seeded


@pytest.fixture
def people(site):
    return {
        "ann": make_user(email="ann@example.org", display_name="Ann Author"),
        "ben": make_user(email="ben@example.org", display_name="Ben Reader"),
        "cat": make_user(email="cat@example.org", display_name="Cat Member"),
        "mod": make_user(email="mod@example.org", display_name="Mo Moderator", role=Role.MODERATOR),
    }


def choose(user, themes: tuple[str, ...] = (), **frequencies: str) -> None:
    """Set a member's choices, as the settings page does: choose(ann, replies="immediate")."""
    current = telling.settings_of(user)
    chosen = {
        kind: Frequency(frequencies.get(kind.value, current.frequency(kind))) for kind in Kind.chosen_by_members()
    }
    theme_ids = db.session.scalars(select(Theme.id).where(Theme.slug.in_(themes))) if themes else []
    service.save_settings(user, chosen, list(theme_ids))


def theme_title(slug: str) -> str:
    return db.session.scalar(select(Theme.title).where(Theme.slug == slug))


def theme_id_of(slug: str) -> int:
    return db.session.scalar(select(Theme.id).where(Theme.slug == slug))


def waiting_for(user) -> list[DigestEntry]:
    return list(
        db.session.scalars(select(DigestEntry).where(DigestEntry.user_id == user.id, DigestEntry.sent_at.is_(None)))
    )
