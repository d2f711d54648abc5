"""How many account mails one network address may ask for: registrations and forgotten passwords.

The per-address limits in kb.auth.verification stop the site flooding one inbox; these stop one
machine from using the forms to mail thousands of inboxes (or to make thousands of accounts). Each
request is counted in the database, so the limit holds across every app server sharing it, and it
is counted before the address typed is looked at: the answer is the same whether or not that
address has an account, so the limit reveals nothing about who is a member.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from kb.auth.service import AuthError
from kb.platform import clock, locks
from kb.platform.dates import time_of_day
from kb.platform.extensions import db
from kb.platform.locks import one_writer_at_a_time

WINDOW = timedelta(hours=1)
# What each form's requests are counted as; the two forms have a limit each.
REGISTER = "register"
FORGOT_PASSWORD = "forgot-password"
PURPOSES = (REGISTER, FORGOT_PASSWORD)


class MailRequest(db.Model):
    """One registration or forgotten-password request from a network address, kept an hour."""

    __tablename__ = "mail_requests"
    __table_args__ = (Index("ix_mail_requests_ip_purpose_at", "ip_address", "purpose", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip_address: Mapped[str] = mapped_column(String(45))
    purpose: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, index=True)


class TooManyRequests(AuthError):
    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            "Too many requests have come from your network in the last hour, so we have not sent anything. "
            f"Try again after {time_of_day(until)}. If you share a network (an office, a library), someone else "
            "there may have been using this form."
        )


def limit_per_hour() -> int:
    return current_app.config["KB_MAIL_REQUESTS_PER_IP"]


def count_request(ip_address: str, purpose: str) -> None:
    """Count one request from this address, or raise TooManyRequests (nothing is counted then, so
    someone who waits is let through on time). Commits the count in a transaction of its own."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    ip_address = (ip_address or "unknown")[:45]
    one_at_a_time(ip_address, purpose)  # requests sent at once are counted one after the other
    now = clock.now()
    recent = db.session.scalars(
        select(MailRequest.requested_at)
        .where(
            MailRequest.ip_address == ip_address,
            MailRequest.purpose == purpose,
            MailRequest.requested_at > now - WINDOW,
        )
        .order_by(MailRequest.requested_at.desc())
        .limit(limit_per_hour())
    ).all()
    if len(recent) >= limit_per_hour():
        raise TooManyRequests(until=recent[-1] + WINDOW)
    db.session.add(MailRequest(ip_address=ip_address, purpose=purpose, requested_at=now))
    db.session.execute(delete(MailRequest).where(MailRequest.requested_at < now - WINDOW))
    db.session.commit()


def one_at_a_time(ip_address: str, purpose: str) -> None:
    """Until the transaction ends, other requests from this address for this form wait here."""
    digest = hashlib.sha256(f"{purpose} {ip_address}".encode()).digest()
    one_writer_at_a_time(locks.MAIL_REQUESTS_BY_ADDRESS + int.from_bytes(digest[:5], "big"), MailRequest.__table__)


def requests_counted(ip_address: str, purpose: str) -> int:
    """Requests from the address in the last hour (for tests and the operator)."""
    return db.session.scalar(
        select(func.count(MailRequest.id)).where(
            MailRequest.ip_address == ip_address,
            MailRequest.purpose == purpose,
            MailRequest.requested_at > clock.now() - WINDOW,
        )
    )
