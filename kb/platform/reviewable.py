"""What a moderator can decide, written once for each kind of thing that waits for a decision (as
Discourse's `Reviewable`): a submission, a pending edit, a held post, a reported post.

Each kind lists its decisions: the name a form sends, the button's label, whether a reason is
needed, whether it can be taken in bulk, the function that performs it and what the moderator is
told. The moderation queue (one entry or the selected ones), the item page and the templates all
read these definitions, so adding a decision means adding one `Decision` to one kind. The features
define their kinds (kb/library/reviewables.py, kb/board/reviewables.py); this module holds only the
shape and the check, common to all, that a decision is about the version the moderator was shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kb.platform import versions

NEEDS_A_REASON = "Give a reason, or choose a saved one: the author is shown it and it is kept in the audit log."


class ChangedSinceShown(Exception):
    """The subject changed after the moderator was shown it; nothing was decided."""


@dataclass(frozen=True)
class BulkChoice:
    """A button under the queue's list that takes one decision on each selected entry."""

    name: str
    label: str
    style: str = ""  # "", "secondary" or "warning": how the button looks


def always(_subject: Any) -> bool:
    return True


@dataclass(frozen=True)
class Decision:
    name: str  # what the form sends as `decision`
    label: str  # the button; "{author}" is the author's name
    perform: Callable[[Any, Any, str], None]  # (subject, moderator, reason); raises the feature's error to refuse
    done: str  # what the moderator is told; "{title}" and "{author}" are filled in
    needs_reason: bool = False
    style: str = ""  # "", "secondary" or "warning"
    bulk: BulkChoice | None = None  # the bulk button this decision answers to, if it can be taken in bulk
    offered: Callable[[Any], bool] = always  # whether the button is shown for this subject


@dataclass(frozen=True)
class Reviewable:
    """One kind of thing a moderator decides on, and everything that can be decided about it."""

    name: str  # "submission", "pending edit", ...
    decisions: tuple[Decision, ...]
    is_waiting: Callable[[Any], bool]  # still waiting for a decision (not decided by someone else meanwhile)
    describe: Callable[[Any], str]  # how buttons and messages name it: “A title”, the post in “A thread”
    audit_kind: Callable[[Any], str]  # the audit log's name for it, to say who decided last
    title: Callable[[Any], str]
    author_name: Callable[[Any], str]
    reason_hint: str  # under the reason box: when a reason is needed, and who sees it
    refused: tuple[type[Exception], ...]  # the feature's errors that mean "not taken, and why"
    raced: tuple[type[Exception], ...] = ()  # those that mean another moderator decided meanwhile
    waiting_for: str = "a decision"  # "… is not waiting for review any more"

    def actions_for(self, subject: Any) -> list[Decision]:
        """The decisions offered for this subject, in the order their buttons are shown."""
        return [decision for decision in self.decisions if decision.offered(subject)]

    def described_first(self, subject: Any) -> str:
        """Its name at the start of a sentence: The post in “A thread”."""
        described = self.describe(subject)
        return described[:1].upper() + described[1:]

    def button_label(self, decision: Decision, subject: Any) -> str:
        return decision.label.format(author=self.author_name(subject))

    def decision(self, name: str) -> Decision | None:
        return next((decision for decision in self.decisions if decision.name == name), None)

    def bulk_decision(self, choice: str) -> Decision | None:
        """The decision a bulk button means for this kind ("approve" publishes a submission, approves an edit)."""
        return next((decision for decision in self.decisions if decision.bulk and decision.bulk.name == choice), None)

    def perform(
        self,
        subject: Any,
        decision: Decision,
        by: Any,
        reason: str,
        seen_revision: int | None,
        shown: str = "you were shown it",
    ) -> str:
        """Take the decision on the version the moderator was shown; returns what to tell them.
        A form that carried no version (an older page, a script) is not checked."""
        refusal = versions.changed_since_shown(
            seen_revision, subject.revision_number, self.described_first(subject), shown
        )
        if refusal:
            raise ChangedSinceShown(refusal)
        decision.perform(subject, by, reason)
        return decision.done.format(title=self.title(subject), author=self.author_name(subject))


def bulk_choices(reviewables: tuple[Reviewable, ...]) -> list[BulkChoice]:
    """The bulk buttons for a list holding these kinds, in the order their decisions come."""
    choices: dict[str, BulkChoice] = {}
    for reviewable in reviewables:
        for decision in reviewable.decisions:
            if decision.bulk:
                choices.setdefault(decision.bulk.name, decision.bulk)
    return list(choices.values())


def bulk_needs_reason(reviewables: tuple[Reviewable, ...], choice: str) -> bool:
    return any(
        decision.needs_reason
        for reviewable in reviewables
        for decision in reviewable.decisions
        if decision.bulk and decision.bulk.name == choice
    )


# --- the moderation queue's tabs ------------------------------------------------------------------


@dataclass
class QueueEntry:
    """One thing to decide, as a tab lists it; the queue adds its author's record."""

    subject: Any
    changes: list[Any] = field(default_factory=list)  # a pending edit's diff against the published text
    flags: list[Any] = field(default_factory=list)  # the open reports on a post
    # Reporters whose reports are shown but do not count toward hiding the post, with why not.
    uncounted_reporters: dict[int, str] = field(default_factory=dict)
    reports_can_hide: bool = True  # False for a moderator's post
    record: Any = None  # the author's record (kb.moderation.members.MemberRecord), added by the queue

    @property
    def author(self) -> Any:
        return self.subject.author


@dataclass(frozen=True)
class QueueTab:
    """A tab of the moderation queue, declared by the feature whose things wait in it (`queue_tabs=`
    in its Feature): what it lists, how many wait, and which kinds of decision its entries take."""

    key: str  # its address: /moderation/<key> ("submissions" is the queue's first page)
    title: str
    reasons: str  # which moderators' saved reasons it offers: "submissions" or "posts"
    empty: str  # said when nothing waits
    model: type  # what its entries are, to load and lock one
    reviewables: tuple[Reviewable, ...]  # the kinds of entry listed, each with its decisions
    entry_kind: Callable[[Any], Reviewable]  # which kind an entry was listed as
    reason_hint: str
    count: Callable[[], int]  # how many wait
    entries: Callable[[int, int], list[QueueEntry]]  # (offset, limit): a page of them, in the tab's order
    bulk_hint: str = ""

    def decision_named(self, name: str) -> tuple[Reviewable, Decision] | None:
        return next(
            (
                (reviewable, found)
                for reviewable in self.reviewables
                if (found := reviewable.decision(name)) is not None
            ),
            None,
        )

    @property
    def bulk_choices(self) -> list[BulkChoice]:
        return bulk_choices(self.reviewables)
