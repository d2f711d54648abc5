"""The notifications feature's rules: saving a member's choices, the unsubscribe links every
notification carries, and who hears of a new case study. Telling a member is the platform's one
call, kb.platform.notifications.tell; this module holds what needs the accounts and themes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from kb.auth.models import User
from kb.platform import account_links, clock, tokens
from kb.platform.extensions import db
from kb.platform.notifications import Frequency, Kind, tell_many
from kb.platform.notifications.models import DigestEntry, NotificationSettings, NotificationTheme
from kb.platform.notifications.telling import UNSUBSCRIBE, UNSUBSCRIBE_FOR

# --- choices ----------------------------------------------------------------------------------


def chosen_theme_ids(user: User) -> list[int]:
    return list(
        db.session.scalars(
            select(NotificationTheme.theme_id)
            .where(NotificationTheme.user_id == user.id)
            .order_by(NotificationTheme.theme_id)
        )
    )


def _stored_settings(user: User) -> NotificationSettings:
    found = db.session.get(NotificationSettings, user.id)
    if found is None:
        found = NotificationSettings(user_id=user.id, choices={}, updated_at=clock.now())
        db.session.add(found)
    return found


def save_settings(user: User, frequencies: dict[Kind, Frequency], theme_ids: Iterable[int]) -> None:
    """Store the member's choices. Items already waiting for a digest of a kind now turned off are
    dropped: the member said they do not want them."""
    stored = _stored_settings(user)
    for kind, frequency in frequencies.items():
        stored.choose(Kind(kind), Frequency(frequency))
    stored.updated_at = clock.now()
    wanted = set(theme_ids)
    db.session.execute(delete(NotificationTheme).where(NotificationTheme.user_id == user.id))
    db.session.add_all(NotificationTheme(user_id=user.id, theme_id=theme_id) for theme_id in sorted(wanted))
    _drop_waiting(user, [kind for kind, frequency in frequencies.items() if frequency == Frequency.OFF])
    db.session.commit()


def turn_off(user: User, kinds: Iterable[Kind]) -> None:
    stored = _stored_settings(user)
    kinds = [Kind(kind) for kind in kinds]
    for kind in kinds:
        stored.choose(kind, Frequency.OFF)
    stored.updated_at = clock.now()
    _drop_waiting(user, kinds)
    db.session.commit()


def _drop_waiting(user: User, kinds: list[Kind]) -> None:
    if kinds:
        db.session.execute(
            delete(DigestEntry).where(
                DigestEntry.user_id == user.id,
                DigestEntry.sent_at.is_(None),
                DigestEntry.kind.in_([kind.value for kind in kinds]),
            )
        )


# --- unsubscribe links ------------------------------------------------------------------------


class UnsubscribeProblem(Exception):
    """A link that cannot be used; the message says why and what to do instead."""


class UnsubscribeExpired(UnsubscribeProblem):
    pass


INVALID_LINK = (
    "This link to stop emails is not valid: it may have been copied only in part, or changed. Copy the "
    "whole link from the email, or log in and choose what you are sent on your account's "
    "email notifications page."
)
EXPIRED_LINK = (
    "This link to stop emails has expired: links last a year. Log in and turn the emails off on your "
    "account's email notifications page."
)


def read_unsubscribe(token: str) -> tuple[User, list[Kind]]:
    """The member and kinds a link names, or UnsubscribeProblem saying why it cannot be used."""
    try:
        data, signed_at = tokens.read(UNSUBSCRIBE, token, UNSUBSCRIBE_FOR)
    except tokens.TokenExpired:
        raise UnsubscribeExpired(EXPIRED_LINK) from None
    except tokens.TokenInvalid:
        raise UnsubscribeProblem(INVALID_LINK) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise UnsubscribeProblem(INVALID_LINK)
    kinds = data.get("k")
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= {kind.value for kind in Kind.chosen_by_members()}:
        raise UnsubscribeProblem(INVALID_LINK)
    user = db.session.get(User, data["u"])
    # An account given the id of the one the link was for is another member: theirs is not to change.
    if user is None or not account_links.made_for(user, data, signed_at):
        raise UnsubscribeProblem("The account this link was for no longer exists, so nothing is sent to it.")
    return user, [Kind(kind) for kind in kinds]


# --- events -----------------------------------------------------------------------------------


def case_study_published(
    title: str,
    path: str,
    theme_ids: Iterable[int],
    theme_titles: Iterable[str],
    summary: str = "",
    author_id: int | None = None,
) -> None:
    """A case study everyone may now read: tell the members who chose one of its themes (not its
    author, who hears of the decision itself)."""
    theme_ids = list(theme_ids)
    if not theme_ids:
        return
    interested = select(NotificationTheme.user_id).where(NotificationTheme.theme_id.in_(theme_ids))
    members = db.session.scalars(select(User).where(User.id.in_(interested)).order_by(User.id))
    tell_many(
        [member for member in members if member.id != author_id],
        Kind.CASE_STUDIES,
        title,
        path,
        themes=theme_titles,
        summary=summary,
    )
