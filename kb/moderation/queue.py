"""The moderation queue: what waits for a moderator (submissions and edits, held posts, reported
posts), each entry with what is needed to decide it, and the decisions, one at a time or in bulk.

The rules stay in the library and board services; this module gathers them, and turns "someone
got there first" into a message that says who."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.board import queries as board_queries
from kb.board import reviewables as board_reviewables
from kb.board import rules as board_rules
from kb.board import service as board_service
from kb.board.models import FLAG_LABELS, BoardPost, BoardThread, PostFlag, PostState
from kb.library import history, service
from kb.library import queries as library_queries
from kb.library import reviewables as library_reviewables
from kb.library.models import ItemRevision, LibraryItem, RevisionState
from kb.moderation import members
from kb.moderation.models import ReasonUse
from kb.moderation.reasons import ReasonError, chosen_reason
from kb.platform import audit
from kb.platform.extensions import db
from kb.platform.pagination import Page, window
from kb.platform.reviewable import (
    NEEDS_A_REASON,
    BulkChoice,
    ChangedSinceShown,
    Decision,
    Reviewable,
    bulk_choices,
    bulk_needs_reason,
)

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


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    reasons: ReasonUse
    empty: str
    model: type  # what its entries are, to load and lock one
    reviewables: tuple[Reviewable, ...]  # the kinds of entry listed, each with its decisions
    entry_kind: Callable[[object], Reviewable]  # which kind an entry was listed as
    reason_hint: str
    bulk_hint: str = ""

    def decision_named(self, name: str) -> tuple[Reviewable, Decision] | None:
        return next(
            (
                (reviewable, reviewable.decision(name))
                for reviewable in self.reviewables
                if reviewable.decision(name) is not None
            ),
            None,
        )

    @property
    def bulk_choices(self) -> list[BulkChoice]:
        return bulk_choices(self.reviewables)


TABS = {
    tab.key: tab
    for tab in (
        Tab(
            "submissions",
            "Submissions and edits",
            ReasonUse.SUBMISSIONS,
            "Nothing is waiting for review.",
            LibraryItem,
            library_reviewables.IN_THE_QUEUE,
            library_reviewables.for_queue_entry,
            "Needed to request changes, reject or decline: the author is shown it. Optional when you publish.",
            "Approving publishes a submission, or publishes an edit; rejecting declines an edit.",
        ),
        Tab(
            "held",
            "Held posts",
            ReasonUse.POSTS,
            "No posts are waiting for approval.",
            BoardPost,
            (board_reviewables.HELD_POST,),
            lambda _post: board_reviewables.HELD_POST,
            board_reviewables.REASON_HINT,
        ),
        Tab(
            "reports",
            "Reported posts",
            ReasonUse.POSTS,
            "No open reports.",
            BoardPost,
            (board_reviewables.REPORTED_POST,),
            lambda _post: board_reviewables.REPORTED_POST,
            board_reviewables.REASON_HINT,
        ),
    )
}


@dataclass
class Entry:
    """One thing to decide: a library item or a board post, with its author's record."""

    subject: LibraryItem | BoardPost
    record: members.MemberRecord | None = None
    changes: list[history.FieldChange] = field(default_factory=list)  # a pending edit's diff
    flags: list[PostFlag] = field(default_factory=list)  # the open reports on a post
    # Reporters whose reports are shown but do not count toward hiding the post, with why not.
    uncounted_reporters: dict[int, str] = field(default_factory=dict)
    reports_can_hide: bool = True  # False for a moderator's post

    @property
    def author(self) -> User | None:
        return self.subject.author


def counts() -> dict[str, int]:
    return {
        "submissions": library_queries.awaiting_review_count(),
        "held": board_queries.held_count(),
        "reports": board_queries.reported_count(),
    }


def _paged(total: int, number: int) -> tuple[int, int, int]:
    page = window(total, number, PAGE_SIZE)
    return page.number, page.pages, page.offset


def _with_records(entries: list[Entry]) -> list[Entry]:
    records = members.records_of([entry.author.id for entry in entries if entry.author is not None])
    for entry in entries:
        entry.record = records.get(entry.author.id) if entry.author is not None else None
    return entries


def submissions(number: int = 1) -> Page:
    """Submissions and pending edits, oldest first; an edit comes with its diff against the published text."""
    total = library_queries.awaiting_review_count()
    number, pages, offset = _paged(total, number)
    items = library_queries.awaiting_review(limit=PAGE_SIZE, offset=offset)
    pending = _pending_edits([item.id for item in items if item.has_pending_edit])
    labels = library_queries.revision_labels() if pending else {}
    entries = [
        Entry(
            item,
            changes=history.compare(service.snapshot_of(item), pending[item.id].snapshot, labels)
            if item.id in pending
            else [],
        )
        for item in items
    ]
    return Page(_with_records(entries), total, number, pages)


def _pending_edits(item_ids: list[int]) -> dict[int, ItemRevision]:
    """The latest proposed edit of each item, in one query for the whole page."""
    latest: dict[int, ItemRevision] = {}
    for revision in db.session.scalars(
        select(ItemRevision)
        .where(ItemRevision.item_id.in_(item_ids), ItemRevision.state == RevisionState.PENDING.value)
        .order_by(ItemRevision.number)
    ):
        latest[revision.item_id] = revision
    return latest


def _post_options(query):
    return query.options(
        selectinload(BoardPost.author),
        selectinload(BoardPost.revisions),
        selectinload(BoardPost.thread).selectinload(BoardThread.category),
    )


def held(number: int = 1) -> Page:
    total = board_queries.held_count()
    number, pages, offset = _paged(total, number)
    posts = db.session.scalars(
        _post_options(select(BoardPost).where(BoardPost.state == PostState.HELD.value))
        .order_by(BoardPost.created_at, BoardPost.id)
        .offset(offset)
        .limit(PAGE_SIZE)
    )
    return Page(_with_records([Entry(post) for post in posts]), total, number, pages)


def reports(number: int = 1) -> Page:
    """Posts with open reports, grouped, most reported first, each with every reporter's reason."""
    total = board_queries.reported_count()
    number, pages, offset = _paged(total, number)
    open_flags = PostFlag.resolution.is_(None)
    ranked = list(
        db.session.execute(
            select(PostFlag.post_id)
            .where(open_flags)
            .group_by(PostFlag.post_id)
            .order_by(func.count(PostFlag.id).desc(), func.min(PostFlag.created_at), PostFlag.post_id)
            .offset(offset)
            .limit(PAGE_SIZE)
        ).scalars()
    )
    posts = {
        post.id: post for post in db.session.scalars(_post_options(select(BoardPost).where(BoardPost.id.in_(ranked))))
    }
    entries = {post_id: Entry(posts[post_id]) for post_id in ranked if post_id in posts}
    for flag in db.session.scalars(
        select(PostFlag)
        .where(open_flags, PostFlag.post_id.in_(list(entries)))
        .options(selectinload(PostFlag.flagger))
        .order_by(PostFlag.created_at)
    ):
        entries[flag.post_id].flags.append(flag)
    uncounted = board_service.why_reports_do_not_count(
        list({flag.flagger_id: flag.flagger for entry in entries.values() for flag in entry.flags}.values())
    )
    for entry in entries.values():
        entry.reports_can_hide = board_rules.can_be_hidden_by_reports(entry.subject)
        entry.uncounted_reporters = {
            flag.flagger_id: uncounted[flag.flagger_id] for flag in entry.flags if flag.flagger_id in uncounted
        }
    return Page(_with_records(list(entries.values())), total, number, pages)


PAGES: dict[str, Callable[[int], Page]] = {"submissions": submissions, "held": held, "reports": reports}


# --- decisions --------------------------------------------------------------------------------


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
    named = TABS[tab].decision_named(decision)
    if named is None:
        raise QueueError("Choose one of the decisions offered.")
    try:
        reason = chosen_reason(TABS[tab].reasons, saved_reason, typed)
    except ReasonError as error:
        raise NeedsInput(str(error)) from None
    reviewable, chosen = named
    subject = db.session.get(TABS[tab].model, subject_id, with_for_update=True, populate_existing=True)
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
    if choice not in {bulk.name for bulk in TABS[tab].bulk_choices}:
        raise QueueError("Choose one of the decisions offered for the selected entries.")
    if not subject_ids:
        raise NeedsInput("Select at least one entry first.", field="selection")
    if len(set(subject_ids)) > PAGE_SIZE:
        raise NeedsInput(f"Select at most {PAGE_SIZE} entries at once.", field="selection")
    try:
        reason = chosen_reason(TABS[tab].reasons, saved_reason, typed)
    except ReasonError as error:
        raise NeedsInput(str(error)) from None
    if bulk_needs_reason(TABS[tab].reviewables, choice) and not reason:
        raise NeedsInput(NEEDS_A_REASON)
    outcome = BulkOutcome()
    for subject_id in dict.fromkeys(subject_ids):
        subject = db.session.get(TABS[tab].model, subject_id)
        try:
            if subject is None:
                raise QueueError(GONE)
            decision = TABS[tab].entry_kind(subject).bulk_decision(choice)
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
