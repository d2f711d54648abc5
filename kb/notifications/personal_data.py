"""The notifications' parts of a member's data download: their in-app inbox, their email choices,
and the items waiting for their next digest (the mail already sent is in the account's part)."""

from __future__ import annotations

from sqlalchemy import select

from kb.platform.extensions import db
from kb.platform.notifications import Kind
from kb.platform.notifications.models import DigestEntry, Notification, NotificationTheme
from kb.platform.notifications.telling import settings_of
from kb.platform.personal_data import Part, iso
from kb.themes.models import Theme


def inbox(user) -> list[dict]:
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    return [
        {"message": row.message, "link": row.link, "created_at": iso(row.created_at), "read_at": iso(row.read_at)}
        for row in rows
    ]


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
        "how_often": {kind.value: settings.frequency(kind).value for kind in Kind.chosen_by_members()},
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


PARTS = (
    Part("notifications", "Your notifications", inbox),
    Part("email_notifications", "Your email notifications", email_notifications),
)
