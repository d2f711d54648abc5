"""The moderation queue: what waits for a moderator (submissions and edits, held posts, reported
posts), each entry with what is needed to decide it, and the decisions, one at a time or in bulk.

The rules stay in the library and board services; this module gathers them, and turns "someone
got there first" into a message that says who."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb import audit, clock, versions
from kb.auth.models import User
from kb.board import moderation as board_moderation
from kb.board import queries as board_queries
from kb.board import rules as board_rules
from kb.board import service as board_service
from kb.board.forms import FLAG_LABELS
from kb.board.models import BoardPost, BoardThread, PostFlag, PostState
from kb.board.service import BoardError
from kb.common.pagination import Page
from kb.extensions import db
from kb.library import history, service
from kb.library import queries as library_queries
from kb.library.models import ItemRevision, LibraryItem, RevisionState, Status
from kb.moderation import members
from kb.moderation.models import ReasonUse
from kb.moderation.reasons import ReasonError, chosen_reason

PAGE_SIZE = 20
# What each report reason reads as in the queue ("Something else", without the form's instruction).
REPORT_REASONS = {str(reason): label.split(" (")[0] for reason, label in FLAG_LABELS.items()}
SPAMMER_SUSPENSION = timedelta(days=365)
SHOWN = "the queue was shown"


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


TABS = {tab.key: tab for tab in (
    Tab("submissions", "Submissions and edits", ReasonUse.SUBMISSIONS, "Nothing is waiting for review."),
    Tab("held", "Held posts", ReasonUse.POSTS, "No posts are waiting for approval."),
    Tab("reports", "Reported posts", ReasonUse.POSTS, "No open reports."),
)}


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
    return {"submissions": library_queries.awaiting_review_count(), "held": board_queries.held_count(),
            "reports": board_queries.reported_count()}


def _paged(total: int, number: int) -> tuple[int, int, int]:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(1, number), pages)
    return number, pages, (number - 1) * PAGE_SIZE


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
    entries = [Entry(item, changes=history.compare(service.snapshot_of(item), pending[item.id].snapshot, labels)
                     if item.id in pending else []) for item in items]
    return Page(_with_records(entries), total, number, pages)


def _pending_edits(item_ids: list[int]) -> dict[int, ItemRevision]:
    """The latest proposed edit of each item, in one query for the whole page."""
    latest: dict[int, ItemRevision] = {}
    for revision in db.session.scalars(select(ItemRevision).where(
            ItemRevision.item_id.in_(item_ids), ItemRevision.state == RevisionState.PENDING.value)
            .order_by(ItemRevision.number)):
        latest[revision.item_id] = revision
    return latest


def _post_options(query):
    return query.options(selectinload(BoardPost.author), selectinload(BoardPost.revisions),
                         selectinload(BoardPost.thread).selectinload(BoardThread.category))


def held(number: int = 1) -> Page:
    total = board_queries.held_count()
    number, pages, offset = _paged(total, number)
    posts = db.session.scalars(_post_options(select(BoardPost).where(BoardPost.state == PostState.HELD.value))
                               .order_by(BoardPost.created_at, BoardPost.id).offset(offset).limit(PAGE_SIZE))
    return Page(_with_records([Entry(post) for post in posts]), total, number, pages)


def reports(number: int = 1) -> Page:
    """Posts with open reports, grouped, most reported first, each with every reporter's reason."""
    total = board_queries.reported_count()
    number, pages, offset = _paged(total, number)
    open_flags = PostFlag.resolution.is_(None)
    ranked = list(db.session.execute(
        select(PostFlag.post_id).where(open_flags).group_by(PostFlag.post_id)
        .order_by(func.count(PostFlag.id).desc(), func.min(PostFlag.created_at), PostFlag.post_id)
        .offset(offset).limit(PAGE_SIZE)).scalars())
    posts = {post.id: post for post in db.session.scalars(_post_options(
        select(BoardPost).where(BoardPost.id.in_(ranked))))}
    entries = {post_id: Entry(posts[post_id]) for post_id in ranked if post_id in posts}
    for flag in db.session.scalars(select(PostFlag).where(open_flags, PostFlag.post_id.in_(list(entries)))
                                   .options(selectinload(PostFlag.flagger)).order_by(PostFlag.created_at)):
        entries[flag.post_id].flags.append(flag)
    uncounted = board_service.why_reports_do_not_count(
        list({flag.flagger_id: flag.flagger for entry in entries.values() for flag in entry.flags}.values()))
    for entry in entries.values():
        entry.reports_can_hide = board_rules.can_be_hidden_by_reports(entry.subject)
        entry.uncounted_reporters = {flag.flagger_id: uncounted[flag.flagger_id] for flag in entry.flags
                                     if flag.flagger_id in uncounted}
    return Page(_with_records(list(entries.values())), total, number, pages)


PAGES: dict[str, Callable[[int], Page]] = {"submissions": submissions, "held": held, "reports": reports}


# --- decisions --------------------------------------------------------------------------------

# decision: (service function taking (item, by, reason), whether a reason is required, message)
SUBMISSION_DECISIONS = {
    "publish": (service.publish, False, "Published “{title}”."),
    "request_changes": (service.request_changes, True, "Sent “{title}” back to its author with your note."),
    "reject": (service.reject, True, "Rejected “{title}”. Its author can see your reason."),
    "approve_edit": (service.approve_edit, False, "Approved the edit of “{title}”: it is published."),
    "decline_edit": (service.decline_edit, True, "Declined the edit of “{title}”. Its author can see your note."),
}


def _remove_spammer(post: BoardPost, by: User, reason: str) -> None:
    if post.author is None:
        raise BoardError("The author of this post no longer has an account.")
    board_moderation.remove_spammer(post.author, by, clock.now() + SPAMMER_SUSPENSION, reason)


REMOVED_SPAMMER = ("Suspended {author} for a year and hid everything they posted. "
                   "“Restore” on their member page undoes it.")
POST_DECISIONS = {
    "held": {
        "approve": (lambda post, by, _reason: board_moderation.approve_post(post, by),
                    "Approved the post in “{title}”."),
        "approve_and_trust": (lambda post, by, _reason: board_moderation.approve_and_trust(post, by),
                              "Approved the post in “{title}”; {author}'s posts no longer wait for approval."),
        "hide": (board_moderation.hide_post, "Hid the post in “{title}”."),
        "remove_spammer": (_remove_spammer, REMOVED_SPAMMER),
    },
    "reports": {
        "uphold": (board_moderation.hide_post, "Upheld the reports: the post in “{title}” is hidden."),
        "dismiss": (lambda post, by, _reason: board_moderation.dismiss_flags(post, by),
                    "Dismissed the reports: the post in “{title}” stays."),
        "remove_spammer": (_remove_spammer, REMOVED_SPAMMER),
    },
}
POST_DECISIONS_NEEDING_A_REASON = {"hide", "uphold", "remove_spammer"}
NEEDS_A_REASON = "Give a reason, or choose a saved one: the author is shown it and it is kept in the audit log."


def decisions_for(tab: str) -> set[str]:
    return set(SUBMISSION_DECISIONS) if tab == "submissions" else set(POST_DECISIONS[tab])


def decide(tab: str, subject_id: int, decision: str, by: User, saved_reason: str = "", typed: str = "",
           seen_revision: int | None = None) -> str:
    """Take one decision; returns what to tell the moderator, or raises QueueError changing nothing.

    The entry is locked while it is decided (on PostgreSQL), so of two moderators deciding at once
    the second waits, then finds it decided and is told by whom."""
    if decision not in decisions_for(tab):
        raise QueueError("Choose one of the decisions offered.")
    try:
        reason = chosen_reason(TABS[tab].reasons, saved_reason, typed)
    except ReasonError as error:
        raise NeedsInput(str(error)) from None
    if tab == "submissions":
        return _decide_submission(subject_id, decision, reason, by, seen_revision)
    return _decide_post(tab, subject_id, decision, reason, by, seen_revision)


def _still_waiting(item: LibraryItem) -> bool:
    return item.status in (Status.SUBMITTED, Status.RESUBMITTED) or (
        item.status == Status.PUBLISHED and item.has_pending_edit)


def _decide_submission(item_id: int, decision: str, reason: str, by: User, seen_revision: int | None) -> str:
    item = db.session.get(LibraryItem, item_id, with_for_update=True, populate_existing=True)
    if item is None:
        raise QueueError("That submission no longer exists, so there is nothing to decide.")
    if not _still_waiting(item):
        raise QueueError(f"“{item.title}” is not waiting for review any more: {audit.who_decided(item.kind, item.id)}")
    refusal = versions.changed_since_shown(seen_revision, item.revision_number, f"“{item.title}”", SHOWN)
    if refusal:
        raise QueueError(refusal)
    action, reason_required, message = SUBMISSION_DECISIONS[decision]
    try:
        action(item, by, reason)
    except (service.InvalidTransition, service.StaleEdit):
        db.session.rollback()
        raise QueueError(f"“{item.title}” was decided meanwhile: {audit.who_decided(item.kind, item.id)}") from None
    except service.LibraryError as error:
        raise NeedsInput(NEEDS_A_REASON if reason_required and not reason else f"“{item.title}”: {error}") from None
    return message.format(title=item.title)


def _has_open_reports(post: BoardPost) -> bool:
    return db.session.scalar(select(PostFlag.id).where(PostFlag.post_id == post.id, PostFlag.resolution.is_(None))
                             .limit(1)) is not None


def _decide_post(tab: str, post_id: int, decision: str, reason: str, by: User, seen_revision: int | None) -> str:
    post = db.session.get(BoardPost, post_id, with_for_update=True, populate_existing=True)
    if post is None:
        raise QueueError("That post no longer exists, so there is nothing to decide.")
    waiting = post.state == PostState.HELD if tab == "held" else _has_open_reports(post)
    if not waiting:
        raise QueueError(f"The post in “{post.thread.title}” is not waiting for a decision any more: "
                         + audit.who_decided("board post", post.id))
    refusal = versions.changed_since_shown(seen_revision, post.revision_number,
                                           f"The post in “{post.thread.title}”", SHOWN)
    if refusal:
        raise QueueError(refusal)
    action, message = POST_DECISIONS[tab][decision]
    author = post.author.display_name if post.author else "the author"
    try:
        action(post, by, reason)
    except BoardError as error:
        if decision in POST_DECISIONS_NEEDING_A_REASON and not reason:
            raise NeedsInput(NEEDS_A_REASON) from None
        raise QueueError(f"The post in “{post.thread.title}”: {error}") from None
    return message.format(title=post.thread.title, author=author)


# In bulk, "approve" and "reject" mean whichever of an entry's own decisions fits it.
BULK_DECISIONS = {"submissions": ("approve", "reject"), "held": ("approve", "hide"), "reports": ("dismiss", "uphold")}


def _bulk_decision(tab: str, subject_id: int, decision: str) -> str:
    if tab != "submissions":
        return decision
    item = db.session.get(LibraryItem, subject_id)
    pending = item is not None and item.has_pending_edit and item.status == Status.PUBLISHED
    return {("approve", True): "approve_edit", ("approve", False): "publish",
            ("reject", True): "decline_edit", ("reject", False): "reject"}[(decision, pending)]


@dataclass
class BulkOutcome:
    done: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def decide_many(tab: str, subject_ids: list[int], decision: str, by: User, saved_reason: str = "",
                typed: str = "", seen_revisions: dict[int, int] | None = None) -> BulkOutcome:
    """The same decision on each selected entry, one transaction each: one refusal stops no other.
    seen_revisions holds the revision of each entry as the queue showed it."""
    if decision not in BULK_DECISIONS[tab]:
        raise QueueError("Choose one of the decisions offered for the selected entries.")
    if not subject_ids:
        raise NeedsInput("Select at least one entry first.", field="selection")
    if len(set(subject_ids)) > PAGE_SIZE:
        raise NeedsInput(f"Select at most {PAGE_SIZE} entries at once.", field="selection")
    try:
        reason = chosen_reason(TABS[tab].reasons, saved_reason, typed)
    except ReasonError as error:
        raise NeedsInput(str(error)) from None
    if decision not in ("approve", "dismiss") and not reason:
        raise NeedsInput(NEEDS_A_REASON)
    outcome = BulkOutcome()
    for subject_id in dict.fromkeys(subject_ids):
        try:
            outcome.done.append(decide(tab, subject_id, _bulk_decision(tab, subject_id, decision), by, typed=reason,
                                       seen_revision=(seen_revisions or {}).get(subject_id)))
        except QueueError as error:
            db.session.rollback()  # leave nothing of this entry behind, and release its lock
            outcome.refused.append(str(error))
    return outcome
