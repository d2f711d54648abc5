"""The board's rules for writing: threads and replies (with pre-moderation, watched words and rate
limits), edits, removal, flags, and what members have read and watch. Moderator actions live in
kb.board.moderation; reading in kb.board.queries."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from kb.auth import service as accounts
from kb.auth.models import User
from kb.board import rules
from kb.board.models import (
    THREAD_TITLE_MAX,
    THREAD_TITLE_MIN,
    BoardCategory,
    BoardPost,
    BoardThread,
    PostFlag,
    PostRevision,
    PostState,
    ThreadRead,
    ThreadWatch,
    WatchedWord,
)
from kb.board.watch_mail import tell_watchers
from kb.library.kinds import ADDRESS_PREFIXES, BY_PREFIX
from kb.library.models import LibraryItem
from kb.platform import audit, clock, locks
from kb.platform.extensions import db
from kb.platform.locks import one_writer_at_a_time
from kb.platform.markup import render_markdown
from kb.platform.text import one_line, slugify

FLAG_HIDDEN_REASON = "Hidden after reports from several members, until a moderator looks at it."
# A case study or lesson address pasted on its own (not already inside a Markdown link).
MENTION = re.compile(rf"(?<![(\[<\w/])(?:https?://[^\s/()<>]+)?/({ADDRESS_PREFIXES})/(\d{{1,9}})(?:-[\w-]*)?(?![\w/])")

# Advisory lock keys for a member's posting and reporting (offset from other features' keys).


class BoardError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


class NotAllowed(BoardError):
    pass


class RateLimited(BoardError):
    pass


def _setting(name: str) -> int:
    return int(current_app.config[name])


# --- posting -----------------------------------------------------------------------------------


def approved_post_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(BoardPost.id)).where(BoardPost.author_id == user.id, BoardPost.visible_since.is_not(None))
    )


def in_pre_moderation(user: User) -> bool:
    """A member's first posts wait for a moderator (KB_PREMODERATION_POSTS); moderators and
    members a moderator trusts never do."""
    if user.is_moderator or user.trusted:
        return False
    return approved_post_count(user) < _setting("KB_PREMODERATION_POSTS")


def why_reports_do_not_count(reporters: list[User]) -> dict[int, str]:
    """For each reporter whose reports do not count toward hiding a post, why not (by user id).
    One query however many reporters are asked about."""
    ids = [reporter.id for reporter in reporters if not (reporter.is_moderator or reporter.trusted)]
    approved = (
        dict(
            db.session.execute(
                select(BoardPost.author_id, func.count(BoardPost.id))
                .where(BoardPost.author_id.in_(ids), BoardPost.visible_since.is_not(None))
                .group_by(BoardPost.author_id)
            ).all()
        )
        if ids
        else {}
    )
    reasons = {}
    for reporter in reporters:
        waiting = reporter.id in ids and approved.get(reporter.id, 0) < _setting("KB_PREMODERATION_POSTS")
        reason = rules.why_report_does_not_count(reporter, in_pre_moderation=waiting)
        if reason:
            reasons[reporter.id] = reason
    return reasons


def watched_word_in(text: str) -> str | None:
    lowered = text.lower()
    for word in db.session.scalars(select(WatchedWord.word)):
        if re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", lowered):
            return word
    return None


def _hold_reason(user: User, body: str) -> str | None:
    if user.is_moderator:
        return None
    if in_pre_moderation(user):
        return "A moderator approves a new member's first posts before others see them."
    if watched_word_in(body):
        return "It contains a word the moderators check before publishing."
    return None


def _one_writer_at_a_time(user: User) -> None:
    """Hold a lock on this member until the transaction ends, so two posts (or reports) sent at
    once from two workers or machines are counted one after the other rather than both against
    the same count."""
    one_writer_at_a_time(locks.BOARD_POSTING_RATE + user.id, BoardPost.__table__)


def check_rate(user: User) -> None:
    """At most KB_POSTS_PER_MINUTE posts a minute (fewer in pre-moderation), counted in the
    database so the limit holds across gunicorn workers."""
    _one_writer_at_a_time(user)
    limit = _setting("KB_NEW_MEMBER_POSTS_PER_MINUTE" if in_pre_moderation(user) else "KB_POSTS_PER_MINUTE")
    recent = db.session.scalar(
        select(func.count(BoardPost.id)).where(
            BoardPost.author_id == user.id, BoardPost.created_at > clock.now() - timedelta(minutes=1)
        )
    )
    if recent >= limit:
        raise RateLimited(
            f"You have posted {recent} times in the last minute, which is the most allowed. "
            "Wait a minute and send it again: your text is kept below."
        )


def link_mentions(body: str) -> str:
    """A pasted case study or lesson address becomes a link titled with the item's title."""

    def titled(match: re.Match) -> str:
        item = db.session.get(LibraryItem, int(match.group(2)))
        if item is None or item.kind != BY_PREFIX[match.group(1)].kind or not item.is_readable:
            return match.group(0)
        title = re.sub(r"([\\\[\]*_`])", r"\\\1", item.title)
        return f"[{title}]({item.path()})"

    return MENTION.sub(titled, body)


def _render(body: str) -> str:
    return render_markdown(link_mentions(body))


def make_visible(post: BoardPost) -> None:
    """Show a post to everyone. Only the first time counts as activity (unread marks, watch lists)."""
    post.state = PostState.VISIBLE.value
    post.state_reason = None
    if post.visible_since is None:
        post.visible_since = clock.now()
        post.thread.last_activity_at = post.visible_since
        post.thread.last_poster = post.author
        # A held post approved now; a new reply has no id yet, and reply() tells the watchers.
        if post.id is not None:
            tell_watchers(post)


def _new_post(thread: BoardThread, body: str, by: User) -> BoardPost:
    # Every check that reads the database runs before anything new is added to the session.
    check_rate(by)
    hold = _hold_reason(by, body)
    post = BoardPost(thread=thread, author=by, body=body, body_html=_render(body), created_at=clock.now())
    if hold:
        post.state, post.state_reason = PostState.HELD.value, hold
        accounts.tell_moderators(f"a post held for approval in “{thread.title}”", "/moderation/held", by=by)
    else:
        make_visible(post)
    db.session.add(post)
    return post


def check_title(title: str) -> str:
    title = one_line(title or "")
    if not THREAD_TITLE_MIN <= len(title) <= THREAD_TITLE_MAX:
        raise BoardError(f"The title must be {THREAD_TITLE_MIN} to {THREAD_TITLE_MAX} characters long.")
    return title


def start_thread(
    category: BoardCategory, title: str, body: str, by: User, case_study: LibraryItem | None = None
) -> BoardPost:
    """A new thread and its opening post. Returns the post (held or visible)."""
    if not rules.can_start_thread_in(by, category):
        raise NotAllowed(rules.why_cannot_post(by) or "Only moderators start threads in this category.")
    title = check_title(title)
    if case_study is not None and db.session.scalar(
        select(BoardThread.id).where(BoardThread.case_study_id == case_study.id)
    ):
        raise BoardError("This case study already has a discussion thread: reply there instead.")
    # Not added to the session yet: adding the post adds it, after the post's checks have run.
    thread = BoardThread(
        category=category,
        title=title,
        slug=slugify(title),
        author=by,
        created_at=clock.now(),
        last_activity_at=clock.now(),
        last_poster=by,
        case_study_id=case_study.id if case_study else None,
    )
    post = _new_post(thread, body, by)
    thread.approved = post.is_visible
    db.session.add(ThreadWatch(user_id=by.id, thread=thread, created_at=clock.now()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise BoardError("This case study already has a discussion thread: reply there instead.") from None
    return post


def reply(thread: BoardThread, body: str, by: User) -> BoardPost:
    if not rules.can_reply(by, thread):
        raise NotAllowed(rules.why_cannot_post(by) or "This thread is locked: it takes no more replies.")
    post = _new_post(thread, body, by)
    db.session.flush()
    if post.is_visible:
        tell_watchers(post)  # in this transaction: the mail exists exactly when the reply does
    if db.session.get(ThreadWatch, (by.id, thread.id)) is None:
        db.session.add(ThreadWatch(user_id=by.id, thread_id=thread.id, created_at=clock.now()))
    db.session.commit()
    return post


def edit_post(post: BoardPost, body: str, by: User, reason: str = "") -> None:
    """Change a post's text, keeping the earlier text. A moderator editing another's post gives a reason."""
    if not rules.can_edit_post(by, post):
        raise NotAllowed("You cannot edit this post.")
    reason = (reason or "").strip()
    if rules.edit_needs_reason(by, post) and not reason:
        raise BoardError("Say why you are editing this member's post: it is kept with the edit history.")
    if body == post.body:
        return
    post.revisions.append(PostRevision(body=post.body, edited_by_id=by.id, edited_at=clock.now(), reason=reason))
    post.body, post.body_html, post.edited_at = body, _render(body), clock.now()
    # An edit is held for the same reasons as a new post: otherwise a member still in
    # pre-moderation could post something harmless, have it approved, then change it.
    hold = _hold_reason(by, body) if post.state == PostState.VISIBLE else None
    if hold:
        post.state, post.state_reason = PostState.HELD.value, hold
        accounts.tell_moderators(
            f"an edited post held for approval in “{post.thread.title}”", "/moderation/held", by=by
        )
    if reason:
        audit.record(by, "edit post", "board post", post.id, post.thread.title, reason)
    db.session.commit()


def remove_own_post(post: BoardPost, by: User) -> None:
    """Soft removal: the place stays ("removed by its author"); moderators can still read it."""
    if not rules.can_remove_post(by, post):
        raise NotAllowed("You can only remove your own posts.")
    post.state, post.state_reason, post.state_changed_by_id = PostState.REMOVED.value, "Removed by its author.", by.id
    db.session.commit()


def check_report_rate(user: User) -> None:
    """At most KB_REPORTS_PER_HOUR reports an hour, counted in the database like posting."""
    _one_writer_at_a_time(user)
    limit = _setting("KB_REPORTS_PER_HOUR")
    recent = db.session.scalar(
        select(func.count(PostFlag.id)).where(
            PostFlag.flagger_id == user.id, PostFlag.created_at > clock.now() - timedelta(hours=1)
        )
    )
    if recent >= limit:
        raise RateLimited(
            f"You have sent {recent} reports in the last hour, which is the most allowed. "
            "Try again later: what you wrote is kept below."
        )


def flag_post(post: BoardPost, by: User, reason: str, note: str = "") -> bool:
    """Report a post once. Returns True when this report hid it: KB_FLAGS_TO_HIDE members whose
    reports count agree, and the post is not a moderator's."""
    if not rules.can_flag(by, post):
        raise NotAllowed(rules.why_cannot_post(by) or "You cannot report this post.")
    if db.session.scalar(select(PostFlag.id).where(PostFlag.post_id == post.id, PostFlag.flagger_id == by.id)):
        raise BoardError("You have already reported this post. A moderator will look at it.")
    check_report_rate(by)
    db.session.add(
        PostFlag(post_id=post.id, flagger_id=by.id, reason=reason, note=(note or "").strip(), created_at=clock.now())
    )
    db.session.flush()
    accounts.tell_moderators(f"a post reported in “{post.thread.title}”", "/moderation/reports", by=by)
    reporters = list(
        db.session.scalars(
            select(User)
            .join(PostFlag, PostFlag.flagger_id == User.id)
            .where(PostFlag.post_id == post.id, PostFlag.resolution.is_(None))
        )
    )
    counting = len(reporters) - len(why_reports_do_not_count(reporters))
    hidden = rules.can_be_hidden_by_reports(post) and counting >= _setting("KB_FLAGS_TO_HIDE")
    if hidden:
        post.state, post.state_reason, post.state_changed_by_id = PostState.HIDDEN.value, FLAG_HIDDEN_REASON, None
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise BoardError("You have already reported this post. A moderator will look at it.") from None
    return hidden


# --- reading marks and watching ----------------------------------------------------------------


def mark_read(user: User, thread: BoardThread, up_to, read_before) -> None:
    """Move the member's read mark forward to up_to; read_before is where it stood (None: never
    opened), as the page already read it, so no query is needed to find out."""
    if up_to is None or (read_before is not None and read_before >= up_to):
        return
    if read_before is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, read_at=up_to))
    else:
        db.session.execute(
            update(ThreadRead)
            .where(ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id, ThreadRead.read_at < up_to)
            .values(read_at=up_to)
        )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # two tabs marked it at once: either mark will do


def watch(user: User, thread: BoardThread) -> None:
    if db.session.get(ThreadWatch, (user.id, thread.id)) is None:
        db.session.add(ThreadWatch(user_id=user.id, thread_id=thread.id, created_at=clock.now()))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()


def unwatch(user: User, thread: BoardThread) -> None:
    watching = db.session.get(ThreadWatch, (user.id, thread.id))
    if watching is not None:
        db.session.delete(watching)
        db.session.commit()
