"""Links sent by mail: verifying an address (a new account's, or a new address for an account) and
resetting a forgotten password.

A link carries a signed token (kb/platform/tokens.py: the site's secret key and a salt per purpose)
and needs no table: it is single-use because what it was signed over changes when it is used. A
verification link names the address it verifies, so it does nothing once that address is verified
or the account has moved on; a reset link is signed over the account's password hash, so it is
void once the password changes (by this link or any other way). Every link names its account by
id and stamp (kb.platform.account_links), so it never acts on another account given the same id.

Nothing here says whether an address has an account: registering with a known address, or asking
for a reset, gives the same answer either way; only the mail that arrives differs.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from kb.auth import sessions
from kb.auth.models import SignedInSession, User
from kb.auth.service import (
    AuthError,
    EmailTaken,
    Profile,
    create_account,
    email_in_use,
    find_user_by_email,
    hash_password,
    normalise_email,
)
from kb.platform import account_links as links
from kb.platform import clock, mail, tokens
from kb.platform.extensions import db

VERIFY_FOR_HOURS = 48  # the mails say so
VERIFY_FOR = timedelta(hours=VERIFY_FOR_HOURS)
RESET_FOR = timedelta(hours=1)
# Mail of these kinds to one address in an hour, at most: enough for a slow inbox, too few to use
# the site to flood someone's.
MAILS_PER_HOUR = 3
ACCOUNT_MAILS = ("verify_email", "change_email")
RESET_MAILS = ("reset_password", "account_exists", "reset_no_account")


class LinkProblem(AuthError):
    """A link that cannot be used; the message says why and what to do."""


class LinkExpired(LinkProblem):
    pass


class LinkUsed(LinkProblem):
    pass


class TooManyMails(AuthError):
    def __init__(self) -> None:
        super().__init__(
            f"We have already sent you {MAILS_PER_HOUR} links in the last hour. Check your inbox "
            "and spam folder, or ask again in an hour."
        )


GONE = "The account this link was made for no longer exists, so the link does nothing."


def _read(purpose: str, token: str, lifetime: timedelta, invalid: str, expired: str) -> tuple[User, dict]:
    """The account a link names, and the link's data; LinkProblem when it cannot be used."""
    try:
        data, signed_at = tokens.read(purpose, token, lifetime)
    except tokens.TokenExpired:
        raise LinkExpired(expired) from None
    except tokens.TokenInvalid:
        raise LinkProblem(invalid) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise LinkProblem(invalid)
    user = db.session.get(User, data["u"])
    if user is None or not links.made_for(user, data, signed_at):
        raise LinkProblem(GONE)
    return user, data


def _too_many(to: str, kinds: tuple[str, ...]) -> bool:
    return mail.sent_recently(to, kinds, timedelta(hours=1)) >= MAILS_PER_HOUR


# --- verifying an address -------------------------------------------------------------------------

INVALID_VERIFY = (
    "This link to verify an email address is not valid: it may have been copied only in part. "
    "Copy the whole link from the email, or ask for a new one on your account page."
)
EXPIRED_VERIFY = (
    "This link to verify your email address has expired: links last 48 hours. Log in and ask "
    "for a new one on your account page."
)


def _verify_link(user: User, address: str, **extra: str) -> str:
    """A link that verifies `address` for the account: its present one, or (with the old address in
    `c`) the one it asked to move to."""
    token = tokens.sign("verify-email", links.stamped(user, e=address, **extra))
    return mail.absolute_url("auth.verify_email", token=token)


def verification_link(user: User, then: str | None = None) -> str:
    """The link that verifies the account's present address; `then`, a path on this site, is where
    it leads afterwards (the invitation the member registered from)."""
    return _verify_link(user, user.email, **({"n": then} if then else {}))


def destination_of(token: str) -> str | None:
    """Where a verification link leads after verifying, if it says (read after verify_email took it)."""
    try:
        data, _signed_at = tokens.read("verify-email", token, VERIFY_FOR)
    except tokens.TokenInvalid:
        return None
    then = data.get("n") if isinstance(data, dict) else None
    return then if isinstance(then, str) else None


def _queue_verification(user: User, then: str | None = None) -> None:
    mail.queue(
        user.email,
        "verify_email",
        "Verify your email address for Common Ground",
        user=user,
        name=user.display_name,
        link=verification_link(user, then),
        hours=VERIFY_FOR_HOURS,
    )


def _queue_account_exists(owner: User) -> None:
    """To an address that already has an account (a registration, or another member asking to move
    to it): a note saying so, with the way back in, and nothing that tells the asker."""
    mail.queue(
        owner.email,
        "account_exists",
        "You already have a Common Ground account",
        user=owner,
        name=owner.display_name,
        reset_link=reset_link(owner),
        login_link=mail.absolute_url("auth.login"),
        minutes=60,
    )


def register(email: str, password: str, profile: Profile, then: str | None = None) -> None:
    """Registration, answering the same whether or not the address has an account: a new,
    unverified account and a link to verify it; or, to the existing account's address, a mail
    that says so and offers the reset link."""
    existing = find_user_by_email(email)
    if existing is None:
        try:
            user = create_account(email, password, profile, verified=False, commit=False)
        except EmailTaken:
            return  # another registration for the address won a race: it has its own mail
        _queue_verification(user, then)
        db.session.commit()  # the account and its mail together, or neither
        return
    hash_password(password)  # the same work as a new account, so the answer's timing tells nothing
    if not _too_many(existing.email, RESET_MAILS):
        _queue_account_exists(existing)
        db.session.commit()


def send_verification_again(user: User) -> None:
    """The account page's "send again": at most MAILS_PER_HOUR an hour."""
    if user.email_verified:
        raise AuthError("Your email address is already verified.")
    if _too_many(user.email, ACCOUNT_MAILS):
        raise TooManyMails()
    _queue_verification(user)
    db.session.commit()


def ask_to_change_email(user: User, new_email: str) -> None:
    """Send a link to the new address; the account's address changes when it is followed. An
    address another account uses gets a note instead, and the member is told the same either way."""
    new_email = normalise_email(new_email)
    if _too_many(new_email, ACCOUNT_MAILS + RESET_MAILS):
        raise TooManyMails()
    owner = find_user_by_email(new_email)
    if owner is not None:
        _queue_account_exists(owner)
    else:
        mail.queue(
            new_email,
            "change_email",
            "Confirm your new email address for Common Ground",
            user=user,
            name=user.display_name,
            link=_verify_link(user, new_email, c=user.email),
            hours=VERIFY_FOR_HOURS,
        )
    db.session.commit()


def verify_email(token: str) -> User:
    """Follow a verification link: verifies a new account's address, or moves an account to the
    new address it asked for (and tells the old one). Raises LinkProblem, changing nothing."""
    user, data = _read("verify-email", token, VERIFY_FOR, INVALID_VERIFY, EXPIRED_VERIFY)
    address = data.get("e")
    if not isinstance(address, str):
        raise LinkProblem(INVALID_VERIFY)
    if user.email == address:
        if user.email_verified:
            raise LinkUsed("This link has been used: your email address is already verified.")
        user.email_verified_at = clock.now()
        db.session.commit()
        return user
    if data.get("c") != user.email:
        raise LinkProblem(
            "This link is for an email address your account no longer uses, so it does nothing now. "
            "To change your address, ask again on your account page."
        )
    if email_in_use(address, except_user=user):
        raise LinkProblem("Another account now uses this email address, so yours cannot change to it.")
    old_address = user.email
    user.email, user.email_verified_at = address, clock.now()
    mail.queue(
        old_address,
        "email_changed",
        "Your Common Ground email address has changed",
        user=user,
        name=user.display_name,
        new_address=address,
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise LinkProblem("Another account now uses this email address, so yours cannot change to it.") from None
    return user


# --- resetting a forgotten password ---------------------------------------------------------------

INVALID_RESET = (
    "This link to reset your password is not valid: it may have been copied only in part. "
    "Copy the whole link from the email, or ask for a new one."
)
EXPIRED_RESET = "This link to reset your password has expired: links last an hour. Ask for a new one."
USED_RESET = (
    "This link to reset your password has been used, or your password has changed since it was sent, "
    "so it does nothing now. Ask for a new one if you need to."
)


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password (its salted hash) or the address changes: the link dies with them.
    return hashlib.sha256(f"{user.password_hash}\n{user.email}".encode()).hexdigest()[:32]


def _reset_link(data: dict) -> str:
    return mail.absolute_url("auth.reset_password", token=tokens.sign("reset-password", data))


def reset_link(user: User) -> str:
    """A link to choose a new password: for an hour, until the password or the address changes."""
    return _reset_link(links.stamped(user, p=_password_fingerprint(user)))


# What an address without an account gets in place of a reset link: data of the same shape, which
# names no account (ids start at 1), so the work and the time taken are those of a real reset.
NO_ACCOUNT = {"u": 0, links.STAMP: "0" * 16, "p": "0" * 32}


def request_password_reset(email: str) -> None:
    """Send a reset link if the address has an account (and has not had too many lately). Says
    nothing either way, not even in the time it takes: for an unknown address the same link is signed,
    the same message written and queued, as a kind the mail sender drops unsent."""
    user = find_user_by_email(email)
    to = user.email if user is not None else normalise_email(email)
    if _too_many(to, RESET_MAILS):
        return
    if user is None:
        kind, name, link = "reset_no_account", "", _reset_link(NO_ACCOUNT)
    else:
        kind, name, link = "reset_password", user.display_name, reset_link(user)
    mail.queue(
        to,
        kind,
        "Reset your Common Ground password",
        user=user,
        template="reset_password",
        name=name,
        link=link,
        minutes=60,
    )
    db.session.commit()


def account_for_reset(token: str) -> User:
    """The account a reset link opens, or LinkProblem saying why it cannot be used."""
    user, data = _read("reset-password", token, RESET_FOR, INVALID_RESET, EXPIRED_RESET)
    if data.get("p") != _password_fingerprint(user):
        raise LinkUsed(USED_RESET)
    return user


def reset_password(token: str, new_password: str, keeping: SignedInSession | None = None) -> User:
    """Set a new password from a reset link, and sign the account out everywhere (but `keeping`,
    this browser's session when it is the same account's). Proving the address also verifies it."""
    user = account_for_reset(token)
    if keeping is not None and keeping.user_id != user.id:
        keeping = None
    user.password_hash = hash_password(new_password)
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
    sessions.end_other_sessions(user, keeping=keeping, commit=False)
    db.session.commit()
    return user
