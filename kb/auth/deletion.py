"""Deleting an account: the member asks, with their password, and the site forgets them.

What happens, in one transaction (all of it, or nothing):
- every feature's eraser runs (kb.platform.erasure): drafts, unpublished work, pending edits, reading marks,
  watches, reports and partnership memberships go; what others could see stays credited to
  "a former member", or goes too if the member chose that; health-check answers stay counted,
  tied to nobody;
- mail to the member (sent or waiting) and the record of log-in attempts on the account go;
- the audit log keeps every entry, naming the member "a former member" (kb.platform.audit.forget_member),
  and records the deletion itself;
- the account row goes, and with it (the database's cascades) every signed-in session and
  notification. Links already mailed (verification, reset) name an account that no longer exists,
  so they do nothing.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select
from werkzeug.security import check_password_hash

from kb.auth.models import LoginAttempt, Role, User
from kb.auth.service import AuthError, WrongPassword
from kb.platform import audit, erasure
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox


class CannotDelete(AuthError):
    """A rule keeps the account for now; the message says what to do first."""


def why_cannot_delete(user: User) -> str | None:
    """None when the member may delete their account; otherwise what they must do first."""
    if user.is_admin:
        admins = db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN.value))
        if admins <= 1:
            return (
                "You are the site's only admin, so your account cannot be deleted yet: the site would have "
                "nobody to manage roles. Make another member an admin first (on their page under Members), then "
                "come back."
            )
    reasons = erasure.reasons_to_wait(user)
    return reasons[0] if reasons else None


def delete_account(user: User, password: str, remove_published: bool) -> None:
    """Delete the member's account as described above. Raises WrongPassword or CannotDelete,
    changing nothing."""
    if not check_password_hash(user.password_hash, password or ""):
        raise WrongPassword()
    reason = why_cannot_delete(user)
    if reason:
        raise CannotDelete(reason)
    user_id, address = user.id, user.email
    erasure.erase_member(user, remove_published)
    db.session.execute(
        delete(MailOutbox)
        .where(or_(MailOutbox.user_id == user_id, MailOutbox.to_address == address))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(LoginAttempt)
        .where(or_(LoginAttempt.user_id == user_id, LoginAttempt.email == address))
        .execution_options(synchronize_session=False)
    )
    audit.forget_member(user_id)
    audit.record_account_deleted(
        "Their published work was removed too."
        if remove_published
        else "Their published work stays, credited to a former member."
    )
    db.session.delete(user)
    db.session.commit()
