"""The email notifications' part of a member's data download: their choices, and the items
waiting for their next digest (the mail already sent is in the account's part)."""

from __future__ import annotations

from sqlalchemy import select

from kb.notifications.models import DigestEntry, Kind, NotificationTheme
from kb.notifications.service import settings_of
from kb.platform.extensions import db
from kb.platform.personal_data import iso, register_part
from kb.themes.models import Theme


def email_notifications(user) -> dict:
    settings = settings_of(user)
    themes = db.session.scalars(
        select(Theme.title)
        .join(NotificationTheme, NotificationTheme.theme_id == Theme.id)
        .where(NotificationTheme.user_id == user.id)
        .order_by(Theme.position)
    )
    waiting = db.session.scalars(
        select(DigestEntry)
        .where(DigestEntry.user_id == user.id, DigestEntry.sent_at.is_(None))
        .order_by(DigestEntry.id)
    )
    return {
        "how_often": {kind.value: settings.frequency(kind).value for kind in Kind},
        "themes_for_new_case_studies": list(themes),
        "last_daily_digest_at": iso(settings.last_daily_digest_at),
        "last_weekly_digest_at": iso(settings.last_weekly_digest_at),
        # Without the summaries: a reply's holds another member's name and words, which are not
        # this member's data (the link leads to them).
        "waiting_for_next_digest": [
            {
                "kind": entry.kind,
                "title": entry.title,
                "themes": entry.themes,
                "link": entry.link,
                "created_at": iso(entry.created_at),
            }
            for entry in waiting
        ],
    }


def register_parts(_state) -> None:
    register_part("email_notifications", "Your email notifications", email_notifications)
