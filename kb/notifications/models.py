"""What each member chose to be told by mail, and the items waiting for their next digest."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.platform import clock
from kb.platform.extensions import db

TITLE_MAX = 300
THEMES_MAX = 300
LINK_MAX = 500
SUMMARY_MAX = 500


class Kind(StrEnum):
    REPLIES = "replies"  # a reply published in a thread the member watches
    DECISIONS = "decisions"  # a moderator's decision on the member's case study, lesson or post
    CASE_STUDIES = "case_studies"  # a case study published on a theme the member chose


class Frequency(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


KIND_LABELS = {
    Kind.REPLIES: "Replies in threads you watch",
    Kind.DECISIONS: "Moderators' decisions on your case studies, lessons and posts",
    Kind.CASE_STUDIES: "New case studies on the themes you choose",
}
FREQUENCY_LABELS = {
    Frequency.IMMEDIATE: "As it happens: one email each time",
    Frequency.DAILY: "In a daily digest",
    Frequency.WEEKLY: "In a weekly digest",
    Frequency.OFF: "Off: no email",
}
# Quiet by default: nobody is mailed each time unless they ask.
DEFAULTS = {Kind.REPLIES: Frequency.DAILY, Kind.DECISIONS: Frequency.DAILY, Kind.CASE_STUDIES: Frequency.WEEKLY}


class NotificationSettings(db.Model):
    """A member's choices; a member without a row has the defaults (and no themes chosen)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    replies: Mapped[str] = mapped_column(String(10), default=DEFAULTS[Kind.REPLIES].value)
    decisions: Mapped[str] = mapped_column(String(10), default=DEFAULTS[Kind.DECISIONS].value)
    case_studies: Mapped[str] = mapped_column(String(10), default=DEFAULTS[Kind.CASE_STUDIES].value)
    # When the last digest of each frequency was sent: the next is due a day (a week) later.
    last_daily_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_weekly_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    def __init__(self, **values) -> None:
        # The defaults at once, not at the insert: a member who never chose is read from a new row.
        for kind, frequency in DEFAULTS.items():
            values.setdefault(kind.value, frequency.value)
        values.setdefault("updated_at", clock.now())
        super().__init__(**values)

    def frequency(self, kind: Kind) -> Frequency:
        return Frequency(getattr(self, kind.value))


class NotificationTheme(db.Model):
    """A theme on which the member wants to hear of new case studies."""

    __tablename__ = "notification_themes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True)


class DigestEntry(db.Model):
    """One event waiting for the member's next digest. The words are copied when it happens, so a
    digest needs nothing from the features that reported it."""

    __tablename__ = "mail_digest_entries"
    __table_args__ = (Index("ix_mail_digest_entries_user_sent", "user_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    themes: Mapped[str] = mapped_column(String(THEMES_MAX), default="")  # "Funding, Housing"
    link: Mapped[str] = mapped_column(String(LINK_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
