"""Moderators' actions on the board. Each is one function, checks who is acting, changes nothing
when it no longer applies, and writes the audit log in the same transaction as the change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from kb.auth import service as accounts
from kb.auth.models import User
from kb.board import rules
from kb.board.models import (
    CATEGORY_DESCRIPTION_MAX,
    CATEGORY_TITLE_MAX,
    WORD_MAX,
    BoardCategory,
    BoardPost,
    BoardThread,
    PostFlag,
    PostState,
    WatchedWord,
)
from kb.board.service import FLAG_HIDDEN_REASON, BoardError, NotAllowed, make_visible
from kb.board.watch_mail import tell_author_of_decision
from kb.platform import audit, clock
from kb.platform.extensions import db
from kb.platform.ordering import at_the_end, move_within
from kb.platform.permissions import require_moderator
from kb.platform.text import one_line, plural, slugify


def _required_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BoardError(f"Give a reason for {what}: it is shown with the post and kept in the audit log.")
    return reason[:500]


def _resolve_flags(post: BoardPost, by: User, resolution: str) -> int:
    return db.session.execute(
        update(PostFlag)
        .where(PostFlag.post_id == post.id, PostFlag.resolution.is_(None))
        .values(resolution=resolution, resolved_by_id=by.id, resolved_at=clock.now())
    ).rowcount


def _last_decision(post: BoardPost) -> str:
    return audit.who_decided("board post", post.id)


def _tell_author(post: BoardPost, by: User, message: str) -> None:
    if post.author_id != by.id:
        tell_author_of_decision(post, message)


def approve_post(post: BoardPost, by: User, commit: bool = True) -> None:
    """A held post becomes visible; if it opens a thread, the thread appears too. (A moderator decides
    through kb/board/reviewables.py, which first checks that this is the version they were shown.)"""
    require_moderator(by, NotAllowed)
    if post.state != PostState.HELD:
        raise BoardError("This post is not waiting for approval any more: " + _last_decision(post))
    make_visible(post)
    if post.thread.author_id == post.author_id and not post.thread.approved:
        post.thread.approved = True
    audit.record(by, "approve post", "board post", post.id, post.thread.title)
    _tell_author(post, by, f"Your post in “{post.thread.title}” was approved: everyone can see it now.")
    if commit:
        db.session.commit()


def approve_and_trust(post: BoardPost, by: User) -> None:
    """Approve a held post, and let its author post without pre-moderation from now on."""
    approve_post(post, by, commit=False)
    author = post.author
    if author is not None and not author.trusted:
        author.trusted = True
        audit.record(by, "trust member", "member", author.id, author.display_name)
    db.session.commit()


def hide_post(post: BoardPost, by: User, reason: str) -> None:
    """Hide a post (held, visible or hidden by flags) with a reason; open flags on it are upheld."""
    require_moderator(by, NotAllowed)
    reason = _required_reason(reason, "hiding it")
    if post.state == PostState.REMOVED:
        raise BoardError("Its author has removed this post.")
    if post.state == PostState.HIDDEN and post.state_changed_by_id:
        raise BoardError("This post is already hidden: " + _last_decision(post))
    post.state, post.state_reason, post.state_changed_by_id = PostState.HIDDEN.value, reason, by.id
    upheld = _resolve_flags(post, by, "upheld")
    audit.record(
        by,
        "hide post",
        "board post",
        post.id,
        post.thread.title,
        reason + (f" ({plural(upheld, 'report')} upheld)" if upheld else ""),
    )
    _tell_author(post, by, f"A moderator hid your post in “{post.thread.title}”. Reason: {reason}")
    db.session.commit()


def unhide_post(post: BoardPost, by: User) -> None:
    require_moderator(by, NotAllowed)
    if post.state != PostState.HIDDEN:
        raise BoardError("This post is not hidden.")
    _resolve_flags(post, by, "dismissed")
    post.state_changed_by_id = by.id
    make_visible(post)
    audit.record(by, "unhide post", "board post", post.id, post.thread.title)
    _tell_author(post, by, f"Your post in “{post.thread.title}” is visible again.")
    db.session.commit()


def dismiss_flags(post: BoardPost, by: User) -> None:
    """The reports were wrong: they are closed, and a post hidden by them comes back."""
    require_moderator(by, NotAllowed)
    dismissed = _resolve_flags(post, by, "dismissed")
    if not dismissed:
        raise BoardError("There are no open reports on this post any more: " + _last_decision(post))
    if post.state == PostState.HIDDEN and post.state_reason == FLAG_HIDDEN_REASON:
        make_visible(post)
        _tell_author(
            post,
            by,
            f"A moderator looked at the reports on your post in “{post.thread.title}” and "
            "found nothing wrong: it is visible again.",
        )
    audit.record(by, "dismiss reports", "board post", post.id, post.thread.title, f"{dismissed} report(s)")
    db.session.commit()


def set_thread_flag(thread: BoardThread, by: User, name: str, value: bool) -> None:
    """Lock/unlock or pin/unpin."""
    require_moderator(by, NotAllowed)
    if getattr(thread, name) == value:
        raise BoardError(f"This thread is already {'' if value else 'not '}{name}.")
    setattr(thread, name, value)
    action = {
        ("locked", True): "lock thread",
        ("locked", False): "unlock thread",
        ("pinned", True): "pin thread",
        ("pinned", False): "unpin thread",
    }[(name, value)]
    audit.record(by, action, "board thread", thread.id, thread.title)
    db.session.commit()


def move_thread(thread: BoardThread, to: BoardCategory, by: User) -> None:
    require_moderator(by, NotAllowed)
    if thread.category_id == to.id:
        raise BoardError("The thread is already in that category.")
    before = thread.category.title
    thread.category = to
    audit.record(by, "move thread", "board thread", thread.id, thread.title, f"from {before} to {to.title}")
    db.session.commit()


# --- categories and watched words --------------------------------------------------------------


def _category_fields(title: str, description: str) -> tuple[str, str]:
    title = one_line(title or "")
    if not 3 <= len(title) <= CATEGORY_TITLE_MAX:
        raise BoardError(f"A category's name must be 3 to {CATEGORY_TITLE_MAX} characters long.")
    description = (description or "").strip()
    if len(description) > CATEGORY_DESCRIPTION_MAX:
        raise BoardError(f"Keep the description to {CATEGORY_DESCRIPTION_MAX} characters or fewer.")
    return title, description


def add_category(title: str, description: str, by: User, moderators_only: bool = False) -> BoardCategory:
    require_moderator(by, NotAllowed)
    title, description = _category_fields(title, description)
    slug = slugify(title)
    if db.session.scalar(
        select(BoardCategory.id).where(
            (BoardCategory.slug == slug) | (func.lower(BoardCategory.title) == title.lower())
        )
    ):
        raise BoardError("There is already a category with that name.")
    position = (db.session.scalar(select(func.max(BoardCategory.position))) or 0) + 1
    category = BoardCategory(
        slug=slug,
        title=title,
        description=description,
        position=position,
        moderators_only=moderators_only,
        created_at=clock.now(),
    )
    db.session.add(category)
    audit.record(by, "add category", "board category", None, title)
    _commit_or_explain("There is already a category with that name.")
    return category


def update_category(category: BoardCategory, title: str, description: str, by: User) -> None:
    """Rename or describe. The address (slug) stays, so links to the category keep working."""
    require_moderator(by, NotAllowed)
    title, description = _category_fields(title, description)
    if (title, description) == (category.title, category.description):
        return
    before = category.title
    category.title, category.description = title, description
    audit.record(
        by,
        "edit category",
        "board category",
        category.id,
        title,
        f"renamed from {before}" if before != title else "description changed",
    )
    db.session.commit()


def move_category(category: BoardCategory, by: User, step: int) -> None:
    """Swap with the neighbour above (step -1) or below (step 1)."""
    require_moderator(by, NotAllowed)
    ordered = list(db.session.scalars(select(BoardCategory).order_by(BoardCategory.position, BoardCategory.id)))
    if not move_within(ordered, category, step):
        raise BoardError(at_the_end(step))
    audit.record(
        by,
        "reorder categories",
        "board category",
        category.id,
        category.title,
        "moved up" if step < 0 else "moved down",
    )
    db.session.commit()


def add_watched_word(word: str, by: User) -> WatchedWord:
    require_moderator(by, NotAllowed)
    word = one_line(word or "").lower()
    if not 2 <= len(word) <= WORD_MAX:
        raise BoardError(f"A watched word must be 2 to {WORD_MAX} characters long.")
    if db.session.scalar(select(WatchedWord.id).where(WatchedWord.word == word)):
        raise BoardError(f"“{word}” is already on the list.")
    entry = WatchedWord(word=word, added_by_id=by.id, created_at=clock.now())
    db.session.add(entry)
    audit.record(by, "add watched word", "watched word", None, word)
    _commit_or_explain(f"“{word}” is already on the list.")
    return entry


def remove_watched_word(entry: WatchedWord, by: User) -> None:
    require_moderator(by, NotAllowed)
    audit.record(by, "remove watched word", "watched word", entry.id, entry.word)
    db.session.delete(entry)
    db.session.commit()


def _commit_or_explain(message: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise BoardError(message) from None


SPAM_REASON = "Removed as spam by a moderator."


def remove_spammer(member: User, by: User, until: datetime, reason: str) -> int:
    """Suspend the member and hide every post of theirs that others could see or that waits, in one
    step that restore_spammer undoes. Returns how many posts were hidden."""
    require_moderator(by, NotAllowed)
    if not rules.can_remove_spammer(by, member):
        raise NotAllowed("Moderators and admins cannot be removed as spammers.")
    try:
        accounts.suspend_member(member, until=until, reason=reason, by=by, commit=False)
    except accounts.AuthError as error:
        raise BoardError(str(error)) from None
    hidden = 0
    hidden_by_reports = (BoardPost.state == PostState.HIDDEN.value) & BoardPost.state_changed_by_id.is_(None)
    for post in db.session.scalars(
        select(BoardPost).where(
            BoardPost.author_id == member.id,
            or_(BoardPost.state.in_([PostState.VISIBLE.value, PostState.HELD.value]), hidden_by_reports),
        )
    ):
        post.state, post.state_reason, post.state_changed_by_id = PostState.HIDDEN.value, SPAM_REASON, by.id
        _resolve_flags(post, by, "upheld")
        hidden += 1
    audit.record(by, "remove spammer", "member", member.id, member.display_name, f"{hidden} posts hidden: {reason}")
    db.session.commit()
    return hidden


def restore_spammer(member: User, by: User) -> int:
    """Undo remove_spammer: lift the suspension and show again the posts it hid."""
    require_moderator(by, NotAllowed)
    if not rules.can_restore_member(by, member):
        raise NotAllowed(rules.why_cannot_act_on(by, member))
    restored = 0
    for post in db.session.scalars(
        select(BoardPost).where(
            BoardPost.author_id == member.id,
            BoardPost.state == PostState.HIDDEN.value,
            BoardPost.state_reason == SPAM_REASON,
        )
    ):
        if post.visible_since is None:
            post.state, post.state_reason = PostState.HELD.value, "Restored after a removal as spam; waiting again."
        else:
            make_visible(post)
        restored += 1
    if not restored and not member.is_suspended():
        raise BoardError("There is nothing to restore: this member was not removed as a spammer.")
    member.suspended_until = member.suspension_reason = None
    audit.record(by, "restore member", "member", member.id, member.display_name, f"{restored} posts shown again")
    db.session.commit()
    return restored
