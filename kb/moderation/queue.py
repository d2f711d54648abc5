"""The moderation queue: what waits for a moderator, in the tabs the features declare (the
library's submissions and edits, the board's held and reported posts: `queue_tabs=` in each Feature),
each entry with what is needed to decide it, and the decisions, one at a time or in bulk.

The rules stay in the features; this module gathers them, adds each author's record, and turns
"someone got there first" into a message that says who."""

from __future__ import annotations

from dataclasses import dataclass, field

from kb.auth.models import User
from kb.board.models import FLAG_LABELS
from kb.moderation import members
from kb.moderation.models import ReasonUse
from kb.moderation.reasons import ReasonError, chosen_reason
from kb.platform import audit, features
from kb.platform.extensions import db
from kb.platform.pagination import Page, window
from kb.platform.reviewable import NEEDS_A_REASON, ChangedSinceShown, QueueEntry, QueueTab, bulk_needs_reason

PAGE_SIZE = 20
# What each report reason reads as in the queue ("Something else", without the form's instruction).
REPORT_REASONS = {str(reason): label.split(" (")[0] for reason, label in FLAG_LABELS.items()}
SHOWN = "the queue was shown"
GONE = "That entry no longer exists, so there is nothing to decide."


class QueueError(Exception):
    """The decision was not taken; the message says why, for the moderator at the keyboard."""


class NeedsInput(QueueError):
    """The decision could be taken with a different reason or choice: show the form again."""

    def __init__(self, message: str, field: str = "reason") -> None:
        super().__init__(message)
        self.field = field


def tabs() -> dict[str, QueueTab]:
    """The queue's tabs, as the features declare them (`queue_tabs=`), in the features' order."""
    return {tab.key: tab for tab in features.each("queue_tabs")}


def tab_named(key: str) -> QueueTab | None:
    return tabs().get(key)


def counts() -> dict[str, int]:
    return {key: tab.count() for key, tab in tabs().items()}


def _with_records(entries: list[QueueEntry]) -> list[QueueEntry]:
    records = members.records_of([entry.author.id for entry in entries if entry.author is not None])
    for entry in entries:
        entry.record = records.get(entry.author.id) if entry.author is not None else None
    return entries


def page_of(tab: QueueTab, number: int = 1) -> Page:
    """A page of the tab's entries, each with its author's record."""
    total = tab.count()
    page = window(total, number, PAGE_SIZE)
    return Page(_with_records(tab.entries(page.offset, PAGE_SIZE)), total, page.number, page.pages)


# --- decisions --------------------------------------------------------------------------------


def _tab(key: str) -> QueueTab:
    found = tab_named(key)
    if found is None:
        raise QueueError("There is no such list in the moderation queue.")
    return found


def decide(
    tab: str,
    subject_id: int,
    decision: str,
    by: User,
    saved_reason: str = "",
    typed: str = "",
    seen_revision: int | None = None,
) -> str:
    """Take one decision; returns what to tell the moderator, or raises QueueError changing nothing.

    The entry is locked while it is decided (on PostgreSQL), so of two moderators deciding at once
    the second waits, then finds it decided and is told by whom."""
    named = _tab(tab).decision_named(decision)
    if named is None:
        raise QueueError("Choose one of the decisions offered.")
    try:
        reason = chosen_reason(ReasonUse(_tab(tab).reasons), saved_reason, typed)
    except ReasonError as error:
        raise NeedsInput(str(error)) from None
    reviewable, chosen = named
    subject = db.session.get(_tab(tab).model, subject_id, with_for_update=True, populate_existing=True)
    if subject is None:
        raise QueueError(GONE)
    described = reviewable.described_first(subject)
    if not reviewable.is_waiting(subject):
        raise QueueError(
            f"{described} is not waiting for {reviewable.waiting_for} any more: "
            + audit.who_decided(reviewable.audit_kind(subject), subject.id)
        )
    try:
        return reviewable.perform(subject, chosen, by, reason, seen_revision, shown=SHOWN)
    except ChangedSinceShown as error:
        raise QueueError(str(error)) from None
    except reviewable.raced:
        db.session.rollback()
        raise QueueError(
            f"{described} was decided meanwhile: " + audit.who_decided(reviewable.audit_kind(subject), subject.id)
        ) from None
    except reviewable.refused as error:
        if chosen.needs_reason and not reason:
            raise NeedsInput(NEEDS_A_REASON) from None
        raise QueueError(f"{described}: {error}") from None


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def decide_many(
    tab: str,
    subject_ids: list[int],
    choice: str,
    by: User,
    saved_reason: str = "",
    typed: str = "",
    seen_revisions: dict[int, int] | None = None,
) -> BulkOutcome:
    """The same bulk choice on each selected entry, one transaction each: one refusal stops no other.
    Each entry takes the decision the choice means for its kind ("approve" publishes a submission and
    approves an edit). seen_revisions holds the revision of each entry as the queue showed it."""
    if choice not in {bulk.name for bulk in _tab(tab).bulk_choices}:
        raise QueueError("Choose one of the decisions offered for the selected entries.")
    if not subject_ids:
        raise NeedsInput("Select at least one entry first.", field="selection")
    if len(set(subject_ids)) > PAGE_SIZE:
        raise NeedsInput(f"Select at most {PAGE_SIZE} entries at once.", field="selection")
    try:
        reason = chosen_reason(ReasonUse(_tab(tab).reasons), saved_reason, typed)
    except ReasonError as error:
        raise NeedsInput(str(error)) from None
    if bulk_needs_reason(_tab(tab).reviewables, choice) and not reason:
        raise NeedsInput(NEEDS_A_REASON)
    outcome = BulkOutcome()
    for subject_id in dict.fromkeys(subject_ids):
        subject = db.session.get(_tab(tab).model, subject_id)
        try:
            if subject is None:
                raise QueueError(GONE)
            decision = _tab(tab).entry_kind(subject).bulk_decision(choice)
            outcome.done.append(
                decide(
                    tab,
                    subject_id,
                    decision.name,
                    by,
                    typed=reason,
                    seen_revision=(seen_revisions or {}).get(subject_id),
                )
            )
        except QueueError as error:
            db.session.rollback()  # leave nothing of this entry behind, and release its lock
            outcome.refused.append(str(error))
    return outcome
