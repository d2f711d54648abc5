"""The daily and weekly digests, built by `flask kb mail digests` (run it from cron once a day).

For each member with items waiting: the items of kinds they take daily (or "as it happens", left
from before they changed their mind) go out once a day has passed since their last daily digest;
weekly ones once seven days have. Days are counted by date, so a cron job that runs at 07:00 one
day and 06:59 the next still sends. A member who never had a digest counts from their oldest
waiting item. Nothing waiting means no mail: an empty digest is never sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from kb.auth.models import User
from kb.platform import clock, mail
from kb.platform.extensions import db
from kb.platform.notifications import Frequency, Kind
from kb.platform.notifications.models import DigestEntry, NotificationSettings
from kb.platform.notifications.telling import may_be_mailed, unsubscribe_url
from kb.platform.text import plural

DAYS_BETWEEN = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}
LAST_SENT = {Frequency.DAILY: "last_daily_digest_at", Frequency.WEEKLY: "last_weekly_digest_at"}


@dataclass
class DigestRun:
    members: int = 0  # members with items waiting
    digests: int = 0  # digests queued
    items: int = 0  # items they listed
    not_due: int = 0  # members whose digest is not due yet
    not_mailed: int = 0  # members not mailed (address unverified, or suspended): their items wait


def _digest_frequency(settings: NotificationSettings, kind: str) -> Frequency:
    chosen = settings.frequency(Kind(kind))
    # Items recorded while the member took a digest, who since asked for each one at once, go
    # in the next daily digest rather than one mail each.
    return Frequency.DAILY if chosen == Frequency.IMMEDIATE else chosen


def _due(settings: NotificationSettings, frequency: Frequency, waiting: list[DigestEntry]) -> bool:
    since = getattr(settings, LAST_SENT[frequency]) or min(entry.created_at for entry in waiting)
    return (clock.now().date() - since.date()).days >= DAYS_BETWEEN[frequency]


def _queue_digest(user: User, frequency: Frequency, entries: list[DigestEntry]) -> None:
    kinds = sorted({Kind(entry.kind) for entry in entries})
    sections = [(kind.label, [entry for entry in entries if entry.kind == kind]) for kind in kinds]
    word = "daily" if frequency == Frequency.DAILY else "weekly"
    count = plural(len(entries), "new item")
    mail.queue(
        user.email,
        "digest",
        f"Your {word} Common Ground digest: {count}",
        user=user,
        unsubscribe_url=unsubscribe_url(user, kinds),
        name=user.display_name,
        word=word,
        sections=sections,
        count=count,
        settings_url=mail.absolute_url("notifications.settings"),
    )


def _claim(entries: list[DigestEntry]) -> bool:
    """Mark the items sent with one UPDATE that repeats "not sent yet": of two runs at once, only
    one changes every row, and the other sends nothing."""
    now = clock.now()
    ids = [entry.id for entry in entries]
    claimed = db.session.execute(
        update(DigestEntry)
        .where(DigestEntry.id.in_(ids), DigestEntry.sent_at.is_(None))
        .values(sent_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    for entry in entries:
        entry.sent_at = now
    return claimed == len(ids)


def digest_for(user: User, run: DigestRun) -> None:
    """Queue the member's due digests and mark their items sent, in one transaction."""
    settings = db.session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id, choices={}, updated_at=clock.now())
        db.session.add(settings)
    waiting = list(
        db.session.scalars(
            select(DigestEntry)
            .where(DigestEntry.user_id == user.id, DigestEntry.sent_at.is_(None))
            .order_by(DigestEntry.id)
        )
    )
    by_frequency: dict[Frequency, list[DigestEntry]] = {}
    for entry in waiting:
        by_frequency.setdefault(_digest_frequency(settings, entry.kind), []).append(entry)
    # Turned off since they were recorded (the settings page drops them too; this covers a race).
    dropped = [entry.id for entry in by_frequency.pop(Frequency.OFF, [])]
    if dropped:
        db.session.execute(delete(DigestEntry).where(DigestEntry.id.in_(dropped)))
    sent_any = False
    for frequency in (Frequency.DAILY, Frequency.WEEKLY):
        entries = by_frequency.get(frequency)
        if not entries or not _due(settings, frequency, entries):
            continue
        if not _claim(entries):
            db.session.rollback()  # another run is sending this member's digest
            return
        _queue_digest(user, frequency, entries)
        setattr(settings, LAST_SENT[frequency], clock.now())
        run.digests += 1
        run.items += len(entries)
        sent_any = True
    if not sent_any:
        run.not_due += 1
    db.session.commit()


def send_digests(progress: Callable[[int, int], None] | None = None) -> DigestRun:
    """Queue every digest that is due, member by member (each in its own transaction, so a run
    stopped half-way loses nothing and sends nothing twice)."""
    run = DigestRun()
    member_ids = list(
        db.session.scalars(
            select(DigestEntry.user_id).where(DigestEntry.sent_at.is_(None)).distinct().order_by(DigestEntry.user_id)
        )
    )
    run.members = len(member_ids)
    for done, member_id in enumerate(member_ids, start=1):
        user = db.session.get(User, member_id)
        if not may_be_mailed(user):
            run.not_mailed += 1
        else:
            digest_for(user, run)
        if progress:
            progress(done, len(member_ids))
    return run
