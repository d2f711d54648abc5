"""Signed-in sessions: which browsers are signed in to an account, and ending them.

Anonymous visitors keep Flask's signed cookie (their CSRF token, flashed messages) and cost the
database nothing. Signing in adds a row here and puts a random secret in the browser's session
cookie, and in its remember-me cookie if asked; every request finds the member through that row.
Logging out deletes the row, so copies of either cookie sign nobody in afterwards.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from kb.auth.models import DEVICE_MAX, SignedInSession, User
from kb.platform import clock
from kb.platform.extensions import db

# A browser that was not asked to remember the member is signed out after a day without a visit.
IDLE_LIMIT = timedelta(hours=24)
# How stale "last seen" may grow before a request writes it: one write per browser in five minutes,
# not one per page.
SEEN_EVERY = timedelta(minutes=5)
SECRET_MAX = 100  # ours are 43 characters; anything much longer was not made here


def hash_secret(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(secret.encode()).hexdigest()


def _lifetime(remembered: bool) -> timedelta:
    if not remembered:
        return IDLE_LIMIT
    duration = current_app.config["REMEMBER_COOKIE_DURATION"]
    return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)


def start_session(user: User, user_agent: str, remembered: bool = False) -> str:
    """Record a sign-in and return the secret for the browser's cookies (only its hash is kept).

    Also clears away sessions that have expired, so the table holds only live ones and a few more."""
    now = clock.now()
    secret = secrets.token_urlsafe(32)
    db.session.add(
        SignedInSession(
            user_id=user.id,
            secret_hash=hash_secret(secret),
            device=describe_device(user_agent),
            remembered=remembered,
            signed_in_at=now,
            last_seen_at=now,
            expires_at=now + _lifetime(remembered),
        )
    )
    db.session.execute(delete(SignedInSession).where(SignedInSession.expires_at <= now))
    db.session.commit()
    return secret


def signed_in_with(secret: str, *also) -> tuple | None:
    """The live session a secret opens and its member, followed by the values of the `also` columns,
    all read in one query; None when the session has ended or expired (or never was)."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    now = clock.now()
    found = db.session.execute(
        select(SignedInSession, User, *also)
        .join(User, User.id == SignedInSession.user_id)
        .where(SignedInSession.secret_hash == hash_secret(secret), SignedInSession.expires_at > now)
    ).first()
    if found is None:
        return None
    _note_seen(found[0], now)
    return tuple(found)


def _note_seen(signed_in: SignedInSession, now: datetime) -> None:
    if now - signed_in.last_seen_at < SEEN_EVERY:
        return
    expires_at = now + _lifetime(signed_in.remembered)
    # In a transaction of its own: the request's work is neither committed early nor expired by it.
    with db.engine.begin() as connection:
        connection.execute(
            update(SignedInSession)
            .where(SignedInSession.id == signed_in.id)
            .values(last_seen_at=now, expires_at=expires_at)
        )
    set_committed_value(signed_in, "last_seen_at", now)
    set_committed_value(signed_in, "expires_at", expires_at)


def renew_secret(signed_in: SignedInSession) -> str:
    """A new secret for a session, for when its remember-me cookie has just been used: the used
    cookie (and any copy of it) stops working, so a stolen one is good at most once."""
    secret = secrets.token_urlsafe(32)
    signed_in.secret_hash = hash_secret(secret)
    db.session.commit()
    return secret


def end_session(signed_in: SignedInSession) -> None:
    """Sign one browser out, whatever cookies it keeps."""
    db.session.execute(delete(SignedInSession).where(SignedInSession.id == signed_in.id))
    db.session.commit()


def end_session_of(user: User, session_id: int) -> bool:
    """Sign out one of the member's own browsers; False when the member has no such session."""
    ended = db.session.execute(
        delete(SignedInSession).where(SignedInSession.id == session_id, SignedInSession.user_id == user.id)
    ).rowcount
    db.session.commit()
    return ended > 0


def end_other_sessions(user: User, keeping: SignedInSession | None = None, commit: bool = True) -> int:
    """Sign the member out of every browser but `keeping` (every one when None); how many ended."""
    query = delete(SignedInSession).where(SignedInSession.user_id == user.id)
    if keeping is not None:
        query = query.where(SignedInSession.id != keeping.id)
    ended = db.session.execute(query).rowcount
    if commit:
        db.session.commit()
    return ended


def sessions_of(user: User) -> list[SignedInSession]:
    """The member's live sessions, the most recently seen first."""
    return list(
        db.session.scalars(
            select(SignedInSession)
            .where(SignedInSession.user_id == user.id, SignedInSession.expires_at > clock.now())
            .order_by(SignedInSession.last_seen_at.desc(), SignedInSession.id.desc())
        )
    )


# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|Opera"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/|Chromium/"),
    ("Safari", r"Safari/"),
)
SYSTEMS = (
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("ChromeOS", r"CrOS"),
    ("macOS", r"Macintosh|Mac OS X"),
    ("Linux", r"Linux"),
)


def describe_device(user_agent: str) -> str:
    """'Firefox on Windows': how a member recognises one of their browsers in a list."""
    browser = next((name for name, pattern in BROWSERS if re.search(pattern, user_agent)), None)
    system = next((name for name, pattern in SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        described = f"{browser} on {system}"
    else:
        described = browser or (f"A browser on {system}" if system else "An unrecognised browser")
    return described[:DEVICE_MAX]
