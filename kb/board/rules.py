"""Who may do what on the board. Views, templates and the service all ask here."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from kb.auth.service import why_unverified
from kb.board.models import BoardCategory, BoardPost, BoardThread, PostState
from kb.platform import clock
from kb.platform.dates import date_and_time
from kb.platform.permissions import is_moderator
from kb.platform.text import plural

AUTHOR_EDITABLE = (PostState.VISIBLE, PostState.HELD)


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_author(user, post: BoardPost) -> bool:
    return signed_in(user) and post.author_id is not None and post.author_id == user.id


def can_read_board(user) -> bool:
    """Reading needs an account unless the board is public (KB_BOARD_PUBLIC)."""
    return signed_in(user) or bool(current_app.config.get("KB_BOARD_PUBLIC"))


def why_cannot_post(user) -> str | None:
    """None when the person may post; otherwise the reason, written for them."""
    if not signed_in(user):
        return "Log in to take part in the discussion."
    if user.is_suspended():
        until = user.suspended_until
        return (
            f"Your account is suspended until {date_and_time(until)}, so you can read "
            f"but not post or report posts. Reason given by the moderators: "
            f"{user.suspension_reason or 'none recorded'}"
        )
    return why_unverified(user, "post on the board or report posts")


def can_post(user) -> bool:
    return why_cannot_post(user) is None


def can_start_thread_in(user, category: BoardCategory) -> bool:
    return can_post(user) and (not category.moderators_only or is_moderator(user))


def can_see_thread(user, thread: BoardThread) -> bool:
    """A thread whose opening post is held exists only for its author and the moderators."""
    return thread.approved or is_moderator(user) or (signed_in(user) and thread.author_id == user.id)


def can_reply(user, thread: BoardThread) -> bool:
    return can_post(user) and thread.approved and not thread.locked


def can_see_post_text(user, post: BoardPost) -> bool:
    """Hidden and removed posts keep their place as a placeholder; their text is for moderators."""
    if post.state == PostState.VISIBLE:
        return True
    if post.state == PostState.HELD:
        return is_author(user, post) or is_moderator(user)
    return is_moderator(user)


def can_edit_post(user, post: BoardPost) -> bool:
    if is_moderator(user):
        return post.state != PostState.REMOVED
    return is_author(user, post) and post.state in AUTHOR_EDITABLE and can_post(user) and not post.thread.locked


def edit_needs_reason(user, post: BoardPost) -> bool:
    """A moderator editing someone else's words says why."""
    return is_moderator(user) and not is_author(user, post)


def can_remove_post(user, post: BoardPost) -> bool:
    return is_author(user, post) and post.state in AUTHOR_EDITABLE and can_post(user)


def can_flag(user, post: BoardPost) -> bool:
    return can_post(user) and not is_author(user, post) and post.state == PostState.VISIBLE


def can_see_history(user, post: BoardPost) -> bool:
    return is_moderator(user)


# --- reports: trust before power ---------------------------------------------------------------


def can_be_hidden_by_reports(post: BoardPost) -> bool:
    """Reports never hide a moderator's or an admin's post: it waits in the reports queue instead,
    so a few accounts cannot silence the people who keep the board."""
    return post.author is None or not post.author.is_moderator


def account_old_enough_to_report(user) -> bool:
    days = int(current_app.config["KB_REPORTER_MIN_ACCOUNT_DAYS"])
    return user.created_at <= clock.now() - timedelta(days=days)


def why_report_does_not_count(user, in_pre_moderation: bool) -> str | None:
    """None when the member's reports count toward KB_FLAGS_TO_HIDE; otherwise why not, for the
    moderators. Such reports are still recorded and shown: only their power to hide is withheld."""
    if is_moderator(user):
        return None
    if in_pre_moderation:
        return "their first posts still wait for approval"
    if not account_old_enough_to_report(user):
        days = int(current_app.config["KB_REPORTER_MIN_ACCOUNT_DAYS"])
        return f"their account is less than {plural(days, 'day')} old"
    return None


# --- acting on members -------------------------------------------------------------------------


def _may_act_on(actor, member) -> bool:
    """Moderators act on members; only admins act on moderators and admins."""
    return is_moderator(actor) and (not member.is_moderator or actor.is_admin)


def can_suspend(actor, member) -> bool:
    return _may_act_on(actor, member) and actor.id != member.id


def can_lift_suspension(actor, member) -> bool:
    return _may_act_on(actor, member)


def can_remove_spammer(actor, member) -> bool:
    """Moderators and admins are never removed as spammers: an admin changes their role first."""
    return is_moderator(actor) and not member.is_moderator


def can_restore_member(actor, member) -> bool:
    """Restoring lifts a suspension, so it needs the same standing as lifting one."""
    return can_lift_suspension(actor, member)


def why_cannot_act_on(actor, member) -> str:
    if signed_in(actor) and actor.id == member.id:
        return "You cannot suspend yourself or remove yourself as a spammer."
    return "Only an admin can suspend a moderator or an admin, or lift their suspension."
