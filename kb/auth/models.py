"""Accounts, roles and the log-in attempts that throttling counts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.vocabulary import SECTOR_LABELS, Sector


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


EMAIL_MAX = 254
NAME_MAX = 80
ORGANISATION_MAX = 120
SUSPENSION_REASON_MAX = 500
DEVICE_MAX = 100


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(String(NAME_MAX))
    organisation: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    sector: Mapped[str] = mapped_column(String(40), default=Sector.OTHER.value)
    region: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER.value)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    suspended_until: Mapped[datetime | None] = mapped_column(DateTime)
    suspension_reason: Mapped[str | None] = mapped_column(String(SUSPENSION_REASON_MAX))
    # Set by a moderator's "approve and trust": the member's posts no longer wait in pre-moderation.
    trusted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When the member proved they receive mail at `email` (None: not yet, or the address changed since).
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def email_verified(self) -> bool:
        """The one question features ask before letting a member submit, post or report."""
        return self.email_verified_at is not None

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS.get(self.sector, self.sector)

    def is_suspended(self, at: datetime | None = None) -> bool:
        return self.suspended_until is not None and self.suspended_until > (at or clock.now())

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class LoginAttempt(db.Model):
    """One try at logging in. Kept in the database so throttling holds across gunicorn workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "attempted_at"),
        Index("ix_login_attempts_ip_at", "ip_address", "attempted_at"),
        Index("ix_login_attempts_attempted_at", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    ip_address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    attempted_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


class SignedInSession(db.Model):
    """One browser signed in to an account (kb.auth.sessions holds the rules).

    The browser's cookies carry a random secret; only its SHA-256 is kept here, so a copy of this
    table signs nobody in. Deleting the row signs that browser out, whatever cookies it still has.
    """

    __tablename__ = "signed_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "Firefox on Windows": enough for the member to recognise the browser, and no more.
    device: Mapped[str] = mapped_column(String(DEVICE_MAX))
    remembered: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_in_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
