"""Email notifications: what each member chose, and the events features report.

An event reported here is added to the caller's transaction, like an in-app notification: a member
who asked to hear at once gets one mail in the outbox (kb.platform.mail), sent after the commit and never
inside the request; a member who asked for a digest gets an entry that `flask kb mail digests`
collects (kb.notifications.digests). Members who have not verified their address, or are
suspended, are mailed nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, select

from kb.auth import links
from kb.auth.models import User
from kb.notifications.models import (
    KIND_LABELS,
    LINK_MAX,
    SUMMARY_MAX,
    THEMES_MAX,
    TITLE_MAX,
    DigestEntry,
    Frequency,
    Kind,
    NotificationSettings,
    NotificationTheme,
)
from kb.platform import clock, mail, site_address, tokens
from kb.platform.extensions import db
from kb.platform.text import one_line

# An unsubscribe link works this long: people unsubscribe from mail they kept for months.
UNSUBSCRIBE_FOR = timedelta(days=365)
UNSUBSCRIBE = "unsubscribe"  # the tokens' purpose
SUBJECTS = {
    Kind.REPLIES: "New reply in “{title}”",
    Kind.DECISIONS: "A moderator’s decision on “{title}”",
    Kind.CASE_STUDIES: "New case study: “{title}”",
}


# --- choices ----------------------------------------------------------------------------------


def settings_of(user: User) -> NotificationSettings:
    """The member's choices; the defaults (not yet stored) when they never chose."""
    found = db.session.get(NotificationSettings, user.id)
    return found if found is not None else NotificationSettings(user_id=user.id)


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
        found = NotificationSettings(user_id=user.id, updated_at=clock.now())
        db.session.add(found)
    return found


def save_settings(user: User, frequencies: dict[Kind, Frequency], theme_ids: Iterable[int]) -> None:
    """Store the member's choices. Items already waiting for a digest of a kind now turned off are
    dropped: the member said they do not want them."""
    stored = _stored_settings(user)
    for kind, frequency in frequencies.items():
        setattr(stored, Kind(kind).value, Frequency(frequency).value)
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
        setattr(stored, kind.value, Frequency.OFF.value)
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


def unsubscribe_url(user: User, kinds: Iterable[Kind]) -> str:
    """A signed link that turns these kinds off for the member, without signing in."""
    token = tokens.sign(UNSUBSCRIBE, links.stamped(user, k=sorted(Kind(kind).value for kind in kinds)))
    return mail.absolute_url("notifications.unsubscribe", token=token)


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
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= {kind.value for kind in Kind}:
        raise UnsubscribeProblem(INVALID_LINK)
    user = db.session.get(User, data["u"])
    # An account given the id of the one the link was for is another member: theirs is not to change.
    if user is None or not links.made_for(user, data, signed_at):
        raise UnsubscribeProblem("The account this link was for no longer exists, so nothing is sent to it.")
    return user, [Kind(kind) for kind in kinds]


# --- events -----------------------------------------------------------------------------------


def may_be_mailed(user: User | None) -> bool:
    return user is not None and user.email_verified and not user.is_suspended()


def tell(
    user: User | None,
    kind: Kind,
    title: str,
    path: str,
    themes: Iterable[str] = (),
    summary: str = "",
    frequency: Frequency | None = None,
) -> None:
    """Report one event to one member, as they chose: a mail now, an entry for their digest, or
    nothing. `path` is the item's address on the site; `themes` its theme titles."""
    if not may_be_mailed(user):
        return
    frequency = frequency or settings_of(user).frequency(kind)
    if frequency == Frequency.OFF:
        return
    themes = ", ".join(themes)[:THEMES_MAX]
    title, summary = one_line(title)[:TITLE_MAX], summary[:SUMMARY_MAX]
    link = site_address.absolute(path)[:LINK_MAX]
    if frequency == Frequency.IMMEDIATE:
        mail.queue(
            user.email,
            "notification",
            SUBJECTS[kind].format(title=title),
            user=user,
            unsubscribe_url=unsubscribe_url(user, [kind]),
            name=user.display_name,
            kind_label=KIND_LABELS[kind],
            title=title,
            themes=themes,
            link=link,
            summary=summary,
            settings_url=mail.absolute_url("notifications.settings"),
        )
        return
    db.session.add(
        DigestEntry(
            user_id=user.id,
            kind=kind.value,
            title=title,
            themes=themes,
            link=link,
            summary=summary,
            created_at=clock.now(),
        )
    )


def tell_many(
    users: Iterable[User], kind: Kind, title: str, path: str, themes: Iterable[str] = (), summary: str = ""
) -> None:
    """The same event for several members (the watchers of a thread), their choices read in one query."""
    users = [user for user in users if may_be_mailed(user)]
    if not users:
        return
    stored = {
        row.user_id: row
        for row in db.session.scalars(
            select(NotificationSettings).where(NotificationSettings.user_id.in_([user.id for user in users]))
        )
    }
    themes = list(themes)
    for user in users:
        chosen = stored.get(user.id) or NotificationSettings(user_id=user.id)
        tell(user, kind, title, path, themes, summary, frequency=chosen.frequency(kind))


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
        [member for member in members if member.id != author_id], Kind.CASE_STUDIES, title, path, theme_titles, summary
    )
