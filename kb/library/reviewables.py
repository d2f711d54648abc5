"""The library's decisions, each written once (see kb/platform/reviewable.py): a submission and a pending edit
wait in the moderation queue; a published item's curation (archive, verify, superseded) is decided
from its page. The queue, the item page and their templates render from these."""

from __future__ import annotations

from kb.library import curation, service
from kb.library.decisions import Decided
from kb.library.models import SUBMITTED, LibraryItem, Status
from kb.platform.reviewable import BulkChoice, Decision, Reviewable
from kb.platform.text import member_name

APPROVE_SELECTED = BulkChoice("approve", "Approve the selected")
REJECT_SELECTED = BulkChoice("reject", "Reject the selected", "warning")


def _described(item: LibraryItem) -> str:
    return f"“{item.title}”"


def _kind_of(item: LibraryItem) -> str:
    return item.kind


def _title(item: LibraryItem) -> str:
    return item.title


def _author(item: LibraryItem) -> str:
    return member_name(item.author)


def _library_kind(name: str, decisions: tuple[Decision, ...], is_waiting, reason_hint: str) -> Reviewable:
    return Reviewable(
        name,
        decisions,
        is_waiting,
        _described,
        _kind_of,
        _title,
        _author,
        reason_hint,
        refused=(service.LibraryError,),
        raced=(service.InvalidTransition, service.StaleEdit),
        waiting_for="review",
    )


SUBMISSION = _library_kind(
    "submission",
    (
        Decision(Decided.PUBLISH, "Publish", service.publish, "Published “{title}”.", bulk=APPROVE_SELECTED),
        Decision(
            Decided.REQUEST_CHANGES,
            "Request changes",
            service.request_changes,
            "Sent “{title}” back to its author with your note.",
            needs_reason=True,
            style="secondary",
        ),
        Decision(
            Decided.REJECT,
            "Reject",
            service.reject,
            "Rejected “{title}”. Its author can see your reason.",
            needs_reason=True,
            style="warning",
            bulk=REJECT_SELECTED,
        ),
    ),
    is_waiting=lambda item: item.status in SUBMITTED,
    reason_hint="Required when you request changes or reject; the author sees it.",
)

PENDING_EDIT = _library_kind(
    "pending edit",
    (
        Decision(
            Decided.APPROVE_EDIT,
            "Approve the edit",
            service.approve_edit,
            "Approved the edit of “{title}”: it is published.",
            bulk=APPROVE_SELECTED,
        ),
        Decision(
            Decided.DECLINE_EDIT,
            "Decline the edit",
            service.decline_edit,
            "Declined the edit of “{title}”. Its author can see your note.",
            needs_reason=True,
            style="secondary",
            bulk=REJECT_SELECTED,
        ),
    ),
    is_waiting=lambda item: item.status == Status.PUBLISHED and item.has_pending_edit,
    reason_hint="Required when you decline the edit; the author sees it.",
)

# Never in the queue: taken on a published item's page, each from its own small form.
CURATION = _library_kind(
    "published item",
    (
        Decision(
            Decided.VERIFY,
            "Mark as verified good practice",
            curation.verify,
            "Marked “{title}” as verified good practice.",
            needs_reason=True,
            style="secondary",
            offered=lambda item: item.verified_at is None,
        ),
        Decision(
            Decided.UNVERIFY,
            "Remove the “verified” mark",
            curation.unverify,
            "“{title}” is no longer marked as verified.",
            style="secondary",
            offered=lambda item: item.verified_at is not None,
        ),
        Decision(
            Decided.UNSUPERSEDE,
            "It is not superseded after all",
            curation.clear_supersession,
            "“{title}” is no longer marked as superseded.",
            style="secondary",
            offered=lambda item: item.superseded_by_id is not None,
        ),
        Decision(
            Decided.ARCHIVE,
            "Archive",
            service.archive,
            "Archived “{title}”. It stays readable, marked as archived.",
            needs_reason=True,
            style="secondary",
        ),
    ),
    is_waiting=lambda item: item.status == Status.PUBLISHED,
    reason_hint="Readers see it on the archived page.",
)

IN_THE_QUEUE = (SUBMISSION, PENDING_EDIT)
ON_THE_ITEM_PAGE = (SUBMISSION, PENDING_EDIT, CURATION)


def waiting_as(item: LibraryItem) -> Reviewable | None:
    """What the item waits for a moderator as, if anything: its edit, or itself."""
    return next((reviewable for reviewable in IN_THE_QUEUE if reviewable.is_waiting(item)), None)


def for_queue_entry(item: LibraryItem) -> Reviewable:
    """A queue entry is decided as what it was listed as: an edit while a published item has one."""
    return PENDING_EDIT if item.status == Status.PUBLISHED and item.has_pending_edit else SUBMISSION


def item_page_decision(name: str) -> tuple[Reviewable, Decision] | None:
    for reviewable in ON_THE_ITEM_PAGE:
        decision = reviewable.decision(name)
        if decision is not None:
            return reviewable, decision
    return None
