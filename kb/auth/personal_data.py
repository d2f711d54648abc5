"""The account's part of a member's data download: the profile, signed-in browsers, log-in
attempts on the account, and the mail sent to it."""

from __future__ import annotations

from sqlalchemy import or_, select

from kb.auth.models import LoginAttempt, SignedInSession, User
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox, not_withheld
from kb.platform.personal_data import Part, iso


def profile(user: User) -> dict:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "organisation": user.organisation,
        "sector": user.sector,
        "region": user.region,
        "role": user.role,
        "trusted": user.trusted,
        "created_at": iso(user.created_at),
        "last_login_at": iso(user.last_login_at),
        "email_verified_at": iso(user.email_verified_at),
        "suspended_until": iso(user.suspended_until),
        "suspension_reason": user.suspension_reason,
    }


def signed_in_sessions(user: User) -> list[dict]:
    # The secret's hash is left out: it is how the site recognises the browser, not about the member.
    rows = db.session.scalars(
        select(SignedInSession).where(SignedInSession.user_id == user.id).order_by(SignedInSession.id)
    )
    return [
        {
            "device": row.device,
            "remembered": row.remembered,
            "signed_in_at": iso(row.signed_in_at),
            "last_seen_at": iso(row.last_seen_at),
            "expires_at": iso(row.expires_at),
        }
        for row in rows
    ]


def login_attempts(user: User) -> list[dict]:
    rows = db.session.scalars(select(LoginAttempt).where(LoginAttempt.user_id == user.id).order_by(LoginAttempt.id))
    return [
        {"attempted_at": iso(row.attempted_at), "succeeded": row.succeeded, "address": row.ip_address} for row in rows
    ]


def account(user: User) -> dict:
    return {
        "profile": profile(user),
        "signed_in_sessions": signed_in_sessions(user),
        "login_attempts": login_attempts(user),
    }


def mail(user: User) -> list[dict]:
    # Subjects and dates only: a body may hold a link that still works (a reset, a verification).
    rows = db.session.scalars(
        select(MailOutbox)
        .where(or_(MailOutbox.user_id == user.id, MailOutbox.to_address == user.email), not_withheld())
        .order_by(MailOutbox.id)
    )
    return [
        {
            "kind": row.kind,
            "to": row.to_address,
            "subject": row.subject,
            "created_at": iso(row.created_at),
            "sent_at": iso(row.sent_at),
            "failed_at": iso(row.failed_at),
        }
        for row in rows
    ]


PARTS = (Part("account", "Your account", account), Part("mail", "Mail sent to you", mail))
