"""The board's decisions, each written once (see kb/platform/reviewable.py): a held post waits for approval,
a reported post for its reports to be upheld or dismissed. The moderation queue and its templates
render from these."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kb.board import moderation
from kb.board.models import BoardPost, PostFlag, PostState
from kb.board.service import BoardError
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.reviewable import BulkChoice, Decision, Reviewable
from kb.platform.text import member_name

SPAMMER_SUSPENSION = timedelta(days=365)
REMOVED_SPAMMER = (
    "Suspended {author} for a year and hid everything they posted. “Restore” on their member page undoes it."
)
REASON_HINT = "Needed to hide a post or remove a spammer: it is shown with the post and kept in the audit log."


def has_open_reports(post: BoardPost) -> bool:
    return (
        db.session.scalar(
            select(PostFlag.id).where(PostFlag.post_id == post.id, PostFlag.resolution.is_(None)).limit(1)
        )
        is not None
    )


def remove_spammer(post: BoardPost, by, reason: str) -> None:
    if post.author is None:
        raise BoardError("The author of this post no longer has an account.")
    moderation.remove_spammer(post.author, by, clock.now() + SPAMMER_SUSPENSION, reason)


REMOVE_SPAMMER = Decision(
    "remove_spammer",
    "Remove {author} as a spammer",
    remove_spammer,
    REMOVED_SPAMMER,
    needs_reason=True,
    style="warning",
    offered=lambda post: post.author is not None and not post.author.is_moderator,
)


def _post_kind(name: str, decisions: tuple[Decision, ...], is_waiting) -> Reviewable:
    return Reviewable(
        name,
        decisions,
        is_waiting,
        describe=lambda post: f"the post in “{post.thread.title}”",
        audit_kind=lambda _post: "board post",
        title=lambda post: post.thread.title,
        author_name=lambda post: member_name(post.author),
        reason_hint=REASON_HINT,
        refused=(BoardError,),
    )


HELD_POST = _post_kind(
    "held post",
    (
        Decision(
            "approve",
            "Approve",
            lambda post, by, _reason: moderation.approve_post(post, by),
            "Approved the post in “{title}”.",
            bulk=BulkChoice("approve", "Approve the selected"),
        ),
        Decision(
            "approve_and_trust",
            "Approve and trust {author}",
            lambda post, by, _reason: moderation.approve_and_trust(post, by),
            "Approved the post in “{title}”; {author}'s posts no longer wait for approval.",
            style="secondary",
            offered=lambda post: post.author is not None and not post.author.trusted,
        ),
        Decision(
            "hide",
            "Hide",
            moderation.hide_post,
            "Hid the post in “{title}”.",
            needs_reason=True,
            style="secondary",
            bulk=BulkChoice("hide", "Hide the selected", "warning"),
        ),
        REMOVE_SPAMMER,
    ),
    is_waiting=lambda post: post.state == PostState.HELD,
)

REPORTED_POST = _post_kind(
    "reported post",
    (
        Decision(
            "uphold",
            "Uphold and hide",
            moderation.hide_post,
            "Upheld the reports: the post in “{title}” is hidden.",
            needs_reason=True,
            style="warning",
            bulk=BulkChoice("uphold", "Uphold reports on the selected", "warning"),
        ),
        Decision(
            "dismiss",
            "Dismiss the reports",
            lambda post, by, _reason: moderation.dismiss_flags(post, by),
            "Dismissed the reports: the post in “{title}” stays.",
            style="secondary",
            bulk=BulkChoice("dismiss", "Dismiss reports on the selected", "secondary"),
        ),
        REMOVE_SPAMMER,
    ),
    is_waiting=has_open_reports,
)

# Not in the queue: a hidden post waits for nothing, but bringing it back is a decision like the others,
# taken from the post's page.
HIDDEN_POST = _post_kind(
    "hidden post",
    (
        Decision(
            "unhide",
            "Show again",
            lambda post, by, _reason: moderation.unhide_post(post, by),
            "The post in “{title}” is visible again.",
            style="secondary",
        ),
    ),
    is_waiting=lambda post: post.state == PostState.HIDDEN,
)
