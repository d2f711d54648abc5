"""The rules for accounts: registering, logging in (with throttling), profiles, roles, suspension."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from kb.auth import sessions
from kb.auth.models import SUSPENSION_REASON_MAX, LoginAttempt, Role, SignedInSession, User
from kb.platform import audit, clock
from kb.platform.dates import date_and_time
from kb.platform.extensions import db
from kb.platform.notifications import Kind, Letter, tell, tell_many
from kb.platform.text import one_line
from kb.platform.vocabulary import REGIONS, Sector

DEFAULT_HASH_METHOD = "scrypt"
PASSWORD_MIN = 10
PASSWORD_MAX = 200
ATTEMPTS_KEPT_FOR = timedelta(days=1)


class AuthError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


class EmailTaken(AuthError):
    def __init__(self) -> None:
        super().__init__("An account with this email address already exists. Log in instead, or use another.")


class InvalidCredentials(AuthError):
    def __init__(self) -> None:
        super().__init__("Enter a correct email address and password.")


class WrongPassword(AuthError):
    def __init__(self) -> None:
        super().__init__("Your current password is not right.")


class LoginThrottled(AuthError):
    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            "Too many failed attempts to log in. For your security, logging in is paused until "
            f"{date_and_time(until)}. Check your password and try again then."
        )


class AccountSuspended(AuthError):
    def __init__(self, user: User) -> None:
        self.user = user
        until = user.suspended_until
        super().__init__(
            f"Your account is suspended until {date_and_time(until)}. "
            f"Reason given by the moderators: {user.suspension_reason or 'none recorded'}"
        )


class UserNotFound(AuthError):
    def __init__(self, email: str) -> None:
        super().__init__(f"No account has the email address {email}.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_hash_method() -> str:
    # Werkzeug's scrypt, unless the app was built with another method in its configuration: the
    # tests use a fast one, so the suite does not spend its time hashing. There is deliberately no
    # environment variable for it, so no deployment can weaken its hashes by a setting.
    return current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_HASH_METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=password_hash_method())


@cache
def _decoy_hash(method: str) -> str:
    # Checked against when the email is unknown, so a reply's timing does not reveal who has an account.
    return generate_password_hash("not a real password, only a decoy", method=method)


def moderators(but: User | None = None) -> list[User]:
    """Every moderator and admin, but `but` (who caused the work, if one of them)."""
    staff = db.session.scalars(
        select(User).where(User.role.in_([Role.MODERATOR.value, Role.ADMIN.value])).order_by(User.id)
    )
    return [user for user in staff if but is None or user.id != but.id]


def tell_moderators(title: str, path: str, by: User | None = None) -> None:
    """Work waits for moderators (a submission, a held post, a report): each hears as they chose,
    in their digest or at most one mail an hour (kind MODERATION); the count in their navigation
    says it on the site. Called while a post or a report is being built: nothing pending is flushed
    early (a duplicate must fail at the caller's commit, where it is handled)."""
    with db.session.no_autoflush:
        tell_many(moderators(but=by), Kind.MODERATION, title, path)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_in_use(email: str, except_user: User | None = None) -> bool:
    query = select(User.id).where(User.email == normalise_email(email))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    return db.session.scalar(query) is not None


@dataclass
class Profile:
    display_name: str
    organisation: str
    sector: str
    region: str | None


def create_account(
    email: str, password: str, profile: Profile, role: Role = Role.MEMBER, verified: bool = True, commit: bool = True
) -> User:
    """A new account; raises EmailTaken when the address (in any letter case) is in use.

    Accounts an operator makes (`flask kb create-user`) count as verified; registration on the
    site passes verified=False and sends a link (kb.auth.verification.register)."""
    if email_in_use(email):
        raise EmailTaken()
    user = User(
        email=normalise_email(email),
        password_hash=hash_password(password),
        role=role.value,
        display_name=one_line(profile.display_name),
        organisation=one_line(profile.organisation),
        sector=Sector(profile.sector).value,
        region=_checked_region(profile.region),
        email_verified_at=clock.now() if verified else None,
    )
    db.session.add(user)
    try:
        if commit:
            db.session.commit()
        else:
            db.session.flush()  # for a caller that adds to the transaction (the verification mail)
    except IntegrityError:
        # Two registrations for one address raced; the database's unique constraint decided.
        db.session.rollback()
        raise EmailTaken() from None
    return user


def _checked_region(region: str | None) -> str | None:
    if region in (None, ""):
        return None
    if region not in REGIONS:
        raise ValueError(f"unknown region {region!r}")
    return region


# The session's note of a page to go back to once the address is verified in this browser: the
# invitation link an unverified member followed (kb.partnerships.views.join).
AFTER_VERIFYING = "after_verifying"


def why_unverified(user, to: str) -> str | None:
    """None when the member may act; otherwise why not yet, for a member whose address is not
    verified. `to` says what they tried: "submit for review", "post on the board"."""
    if not getattr(user, "is_authenticated", False) or user.email_verified:
        return None
    return (
        f"Verify your email address to {to}: follow the link we sent to {user.email}. "
        "It has not arrived? Ask for it again on your account page. Until then you can read and save drafts."
    )


def throttled_until(email: str, ip_address: str, before: int | None = None) -> datetime | None:
    """When logging in for this email from this address is allowed again; None when it is now.
    `before`: count only attempts recorded before that one (an attempt counts those ahead of it).

    Failures are counted per address, and per account and address together, never per account
    alone: a stranger guessing a member's password from elsewhere must not lock the member out.
    """
    settings = current_app.config
    max_failures = settings["KB_LOGIN_MAX_FAILURES"]
    window = timedelta(minutes=settings["KB_LOGIN_WINDOW_MINUTES"])
    window_start = clock.now() - window
    email = normalise_email(email)
    from_this_address = LoginAttempt.ip_address == ip_address
    if before is not None:
        from_this_address = from_this_address & (LoginAttempt.id < before)
    for_this_pair = (LoginAttempt.email == email) & from_this_address

    # A successful log-in clears the count of its own account and address; it does not clear the
    # address's, or an attacker could reset it by logging in to an account of their own.
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.attempted_at)).where(for_this_pair, LoginAttempt.succeeded.is_(True))
    )
    pair_since = max(window_start, last_success) if last_success else window_start
    release_times = []
    for condition, since in ((for_this_pair, pair_since), (from_this_address, window_start)):
        failures = db.session.scalars(
            select(LoginAttempt.attempted_at)
            .where(condition, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since)
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(max_failures)
        ).all()
        if len(failures) >= max_failures:
            # Allowed again once the oldest of the last `max_failures` failures leaves the window.
            release_times.append(failures[-1] + window)
    return max(release_times) if release_times else None


def _record_attempt(email: str, ip_address: str) -> LoginAttempt:
    """Record an attempt as failed before its password is checked, and commit it: attempts made at
    the same moment (on other workers or machines) then each count those recorded ahead of them,
    so a burst of parallel guesses cannot all slip under the limit."""
    now = clock.now()
    attempt = LoginAttempt(
        email=normalise_email(email)[:254], ip_address=ip_address[:45], user_id=None, succeeded=False, attempted_at=now
    )
    db.session.add(attempt)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < now - ATTEMPTS_KEPT_FOR))
    db.session.commit()
    return attempt


def authenticate(email: str, password: str, ip_address: str) -> User:
    """The account these credentials open, or an AuthError saying why not."""
    attempt = _record_attempt(email, ip_address)
    until = throttled_until(email, ip_address, before=attempt.id)
    if until is not None:
        # Refused unchecked: not a guess, so it does not lengthen the pause.
        db.session.delete(attempt)
        db.session.commit()
        raise LoginThrottled(until)
    user = find_user_by_email(email)
    password_ok = check_password_hash(user.password_hash if user else _decoy_hash(password_hash_method()), password)
    attempt.user_id = user.id if user else None
    if user is None or not password_ok:
        db.session.commit()
        raise InvalidCredentials()
    if user.is_suspended():
        db.session.delete(attempt)  # the right password: no guess to count
        db.session.commit()
        raise AccountSuspended(user)
    user.last_login_at = clock.now()
    attempt.succeeded = True
    db.session.commit()
    return user


def update_profile(user: User, email: str, profile: Profile, current_password: str = "") -> str | None:
    """Change the profile. A new email address needs the current password, and changes only once
    the member follows the link sent to it (kb.auth.verification.ask_to_change_email): returns
    the new address asked for, or None."""
    new_email = normalise_email(email)
    asked_for = None
    if new_email != user.email:
        if not check_password_hash(user.password_hash, current_password):
            raise WrongPassword()
        asked_for = new_email
    user.display_name = one_line(profile.display_name)
    user.organisation = one_line(profile.organisation)
    user.sector = Sector(profile.sector).value
    user.region = _checked_region(profile.region)
    db.session.commit()
    return asked_for


def change_password(
    user: User, current_password: str, new_password: str, keeping: SignedInSession | None = None
) -> None:
    """Set a new password and sign the account out of every browser but `keeping` (the one in use)."""
    if not check_password_hash(user.password_hash, current_password):
        raise WrongPassword()
    user.password_hash = hash_password(new_password)
    sessions.end_other_sessions(user, keeping=keeping, commit=False)
    db.session.commit()


def set_role(email: str, role: Role) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise UserNotFound(email)
    user.role = role.value
    db.session.commit()
    return user


def suspend_member(member: User, *, until: datetime, reason: str, by: User | None, commit: bool = True) -> None:
    """The one way an account is suspended, from the members pages, a removal as spammer or the
    command line (`by` None: the operator). The member can still read but not post or report, is
    told why and until when (in-app, and by mail if their address is verified: an account matter, not
    a notification they can turn off), and the audit log records it. Who may suspend whom is the
    caller's rule to check."""
    reason = (reason or "").strip()
    if not reason:
        raise AuthError("Give the reason for the suspension: the member is shown it.")
    if until <= clock.now():
        raise AuthError("The end of the suspension must be in the future.")
    member.suspended_until, member.suspension_reason = until, reason[:SUSPENSION_REASON_MAX]
    audit.record(
        by, "suspend member", "member", member.id, member.display_name, f"until {until:%Y-%m-%d %H:%M} UTC: {reason}"
    )
    when = date_and_time(until)
    reason = reason[:SUSPENSION_REASON_MAX]
    subject = "Your Common Ground account is suspended"
    tell(
        member,
        Kind.ACCOUNT,
        subject,
        message=f"Your account is suspended until {when}: you can read but not post or report posts. Reason: {reason}",
        letter=Letter("account_suspended", subject, {"until": when, "reason": reason}),
    )
    if commit:
        db.session.commit()


def lift_member_suspension(member: User, *, by: User | None) -> None:
    """End a suspension early, recorded in the audit log; the member is told they can post again."""
    if not member.is_suspended():
        raise AuthError("This member is not suspended.")
    member.suspended_until = member.suspension_reason = None
    audit.record(by, "unsuspend member", "member", member.id, member.display_name)
    tell(
        member,
        Kind.ACCOUNT,
        "You can post on Common Ground again",
        message="Your suspension has been lifted: you can post and report posts again.",
        letter=Letter("account_restored", "You can post on Common Ground again"),
    )
    db.session.commit()


def suspend(email: str, until: datetime, reason: str) -> User:
    """The command line's suspension: by email address, as the operator."""
    user = find_user_by_email(email)
    if user is None:
        raise UserNotFound(email)
    suspend_member(user, until=until, reason=reason, by=None)
    return user


def lift_suspension(email: str) -> User:
    """The command line's: lifting a suspension that has already ended changes nothing."""
    user = find_user_by_email(email)
    if user is None:
        raise UserNotFound(email)
    if user.is_suspended():
        lift_member_suspension(user, by=None)
    return user


def is_safe_next(target: str | None) -> bool:
    """Only local paths may be redirected to after logging in (no other host, no scheme)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
