"""The tables behind telling members things: the in-app inbox, each member's choices of what to be
mailed and how often, the themes they follow, and the items waiting for their next digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.notifications.kinds import Frequency, Kind

MESSAGE_MAX = 500
TITLE_MAX = 300
THEMES_MAX = 300
LINK_MAX = 500
SUMMARY_MAX = 500


class Notification(db.Model):  # type: ignore[name-defined]  # Flask-SQLAlchemy makes it at run time
    """One line in a member's in-app inbox."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(String(MESSAGE_MAX))
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)


class NotificationChoice(db.Model):  # type: ignore[name-defined]
    """How often a member wants mail of one kind; a kind without a row has its declared default."""

    __tablename__ = "notification_choices"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(10))


class NotificationSettings(db.Model):  # type: ignore[name-defined]
    """A member's choices; a member without a row has the defaults (and no themes chosen)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    # When the last digest of each frequency was sent: the next is due a day (a week) later.
    last_daily_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_weekly_digest_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    choices: Mapped[dict[str, NotificationChoice]] = relationship(
        primaryjoin="NotificationSettings.user_id == foreign(NotificationChoice.user_id)",
        collection_class=attribute_keyed_dict("kind"),
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    def frequency(self, kind: Kind) -> Frequency:
        if not kind.optional:
            return kind.default
        chosen = self.choices.get(kind.value)
        return Frequency(chosen.frequency) if chosen is not None else kind.default

    def choose(self, kind: Kind, frequency: Frequency) -> None:
        if not kind.optional:
            raise ValueError(f"members do not choose how they hear of {kind.label.lower()}")
        chosen = self.choices.get(kind.value)
        if chosen is None:
            self.choices[kind.value] = NotificationChoice(kind=kind.value, frequency=frequency.value)
        else:
            chosen.frequency = frequency.value


class NotificationTheme(db.Model):  # type: ignore[name-defined]
    """A theme on which the member wants to hear of new case studies."""

    __tablename__ = "notification_themes"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True)


class DigestEntry(db.Model):  # type: ignore[name-defined]
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
