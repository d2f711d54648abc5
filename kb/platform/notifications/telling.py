"""The one way to tell a member something: `tell(member, kind, title, path, ...)`.

Called inside the transaction of what it reports, it adds, as the kind's declaration
(kb.platform.notifications.kinds) and the member's choices say: a line in their in-app inbox; a mail
in the outbox (kb.platform.mail), sent after the commit, never inside the request; or an entry for
their next daily or weekly digest (kb.notifications.digests). So a member hears of a thing exactly
when it was committed. Nobody is mailed at an unverified address; a suspended member is mailed only
of their account.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from kb.platform import account_links, clock, mail, site_address, tokens
from kb.platform.extensions import db
from kb.platform.notifications.kinds import Frequency, Kind
from kb.platform.notifications.models import (
    LINK_MAX,
    MESSAGE_MAX,
    SUMMARY_MAX,
    THEMES_MAX,
    TITLE_MAX,
    DigestEntry,
    Notification,
    NotificationSettings,
)
from kb.platform.text import one_line

if TYPE_CHECKING:  # the member is the accounts feature's: named here, never imported at run time
    from kb.auth.models import User

# An unsubscribe link works this long: people unsubscribe from mail they kept for months.
UNSUBSCRIBE_FOR = timedelta(days=365)
UNSUBSCRIBE = "unsubscribe"  # the tokens' purpose


@dataclass(frozen=True)
class Letter:
    """A mail of its own for an event whose words do not fit the usual notification: its template
    (templates/mail/<template>.txt and .html), subject and the values the template reads."""

    template: str
    subject: str
    values: Mapping[str, Any] = field(default_factory=dict)


def settings_of(user: User) -> NotificationSettings:
    """The member's choices; the defaults (not yet stored) when they never chose."""
    found = db.session.get(NotificationSettings, user.id)
    return found if found is not None else NotificationSettings(user_id=user.id)


def may_be_mailed(user: User | None, kind: Kind | None = None) -> bool:
    if user is None or not user.email_verified:
        return False
    return (kind is not None and not kind.optional) or not user.is_suspended()


def unsubscribe_url(user: User, kinds: Iterable[Kind]) -> str:
    """A signed link that turns these kinds off for the member, without signing in."""
    token = tokens.sign(UNSUBSCRIBE, account_links.stamped(user, k=sorted(str(kind) for kind in kinds)))
    return mail.absolute_url("notifications.unsubscribe", token=token)


def tell(
    user: User | None,
    kind: Kind,
    title: str,
    path: str = "",
    *,
    message: str = "",
    themes: Iterable[str] = (),
    summary: str = "",
    letter: Letter | None = None,
    frequency: Frequency | None = None,
) -> None:
    """Tell one member of one event. `title` names what it is about, `path` its address on the site,
    `message` the inbox's line (for kinds kept there), `summary` what a mail adds (the message, if
    none is given), `themes` its theme titles. Nobody to tell (a former member) is not an error."""
    if user is None:
        return
    if kind.in_app:
        line = message or one_line(title)
        db.session.add(
            Notification(user_id=user.id, message=line[:MESSAGE_MAX], link=path[:300], created_at=clock.now())
        )
    if not may_be_mailed(user, kind):
        return
    frequency = frequency or settings_of(user).frequency(kind)
    if frequency == Frequency.OFF:
        return
    if letter is not None:
        mail.queue(user.email, letter.template, letter.subject, user=user, name=user.display_name, **letter.values)
        return
    theme_line = ", ".join(themes)[:THEMES_MAX]
    title, summary = one_line(title)[:TITLE_MAX], (summary or message)[:SUMMARY_MAX]
    link = site_address.absolute(path)[:LINK_MAX]
    if frequency == Frequency.IMMEDIATE:
        # A kind with quiet hours mails at most once in them; what happens meanwhile is on the site.
        outbox_kind = f"notification:{kind.value}" if kind.quiet_hours else "notification"
        if kind.quiet_hours and mail.sent_recently(user.email, (outbox_kind,), timedelta(hours=kind.quiet_hours)):
            return
        mail.queue(
            user.email,
            outbox_kind,
            kind.subject.format(title=title),
            user=user,
            unsubscribe_url=unsubscribe_url(user, [kind]) if kind.optional else None,
            name=user.display_name,
            kind_label=kind.label,
            title=title,
            themes=theme_line,
            link=link,
            summary=summary,
            settings_url=mail.absolute_url("notifications.settings"),
            template="notification",
        )
        return
    db.session.add(
        DigestEntry(
            user_id=user.id,
            kind=kind.value,
            title=title,
            themes=theme_line,
            link=link,
            summary=summary,
            created_at=clock.now(),
        )
    )


def tell_many(
    users: Iterable[User],
    kind: Kind,
    title: str,
    path: str = "",
    *,
    message: str = "",
    themes: Iterable[str] = (),
    summary: str = "",
) -> None:
    """The same event for several members (the watchers of a thread), their choices read in one query."""
    users = list(users)
    stored = {
        row.user_id: row
        for row in db.session.scalars(
            select(NotificationSettings).where(NotificationSettings.user_id.in_([user.id for user in users]))
        )
    }
    themes = list(themes)
    for user in users:
        chosen = stored.get(user.id) or NotificationSettings(user_id=user.id)
        tell(user, kind, title, path, message=message, themes=themes, summary=summary, frequency=chosen.frequency(kind))
