"""Members as moderators and admins see them: finding them, their record, and changing roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from kb.auth.models import Role, User
from kb.board.models import BoardPost, PostFlag, PostState
from kb.library.models import LibraryItem, Status
from kb.platform import audit
from kb.platform.extensions import db
from kb.platform.pagination import window
from kb.platform.text import one_line

PAGE_SIZE = 25


class MemberError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


@dataclass
class MemberRecord:
    """What a moderator weighs up before deciding about a member's work."""

    published: int
    rejected: int
    posts: int
    posts_hidden: int
    reports_upheld: int


def find_members(text: str = "", number: int = 1) -> tuple[list[User], int, int, int]:
    """Members whose name, email or organisation contains the text; (page, total, number, pages)."""
    query = select(User)
    text = one_line(text or "")[:100]
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(User.display_name).like(pattern),
                User.email.like(pattern),
                func.lower(User.organisation).like(pattern),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = window(total, number, PAGE_SIZE)
    members = list(
        db.session.scalars(query.order_by(func.lower(User.display_name), User.id).offset(page.offset).limit(page.size))
    )
    return members, total, page.number, page.pages


def record_of(member: User) -> MemberRecord:
    return records_of([member.id])[member.id]


def records_of(member_ids: list[int]) -> dict[int, MemberRecord]:
    """Each member's record, in five grouped queries however many members are asked about."""
    ids = sorted(set(member_ids))

    def counted(key, query) -> dict[int, int]:
        if not ids:
            return {}
        return {member: total for member, total in db.session.execute(query.where(key.in_(ids)).group_by(key))}

    items = select(LibraryItem.author_id, func.count(LibraryItem.id))
    posts = select(BoardPost.author_id, func.count(BoardPost.id))
    published = counted(
        LibraryItem.author_id, items.where(LibraryItem.status.in_([Status.PUBLISHED.value, Status.ARCHIVED.value]))
    )
    rejected = counted(LibraryItem.author_id, items.where(LibraryItem.status == Status.REJECTED.value))
    visible = counted(BoardPost.author_id, posts.where(BoardPost.state == PostState.VISIBLE.value))
    hidden = counted(
        BoardPost.author_id,
        posts.where(BoardPost.state == PostState.HIDDEN.value, BoardPost.state_changed_by_id.is_not(None)),
    )
    upheld = counted(
        BoardPost.author_id,
        select(BoardPost.author_id, func.count(func.distinct(PostFlag.post_id)))
        .join(PostFlag.post)
        .where(PostFlag.resolution == "upheld"),
    )
    return {
        member_id: MemberRecord(
            published=published.get(member_id, 0),
            rejected=rejected.get(member_id, 0),
            posts=visible.get(member_id, 0),
            posts_hidden=hidden.get(member_id, 0),
            reports_upheld=upheld.get(member_id, 0),
        )
        for member_id in ids
    }


def contributions_of(member: User) -> list[LibraryItem]:
    return list(
        db.session.scalars(
            select(LibraryItem)
            .where(LibraryItem.author_id == member.id)
            .order_by(LibraryItem.updated_at.desc())
            .limit(50)
        )
    )


def moderation_history(member: User, limit: int = 50) -> list[audit.AuditEntry]:
    """Decisions about the member (suspension, trust, role) and about their posts and items, newest first."""
    entry = audit.AuditEntry
    posts = select(BoardPost.id).where(BoardPost.author_id == member.id)
    items = select(LibraryItem.id).where(LibraryItem.author_id == member.id)
    return list(
        db.session.scalars(
            select(entry)
            .where(
                ((entry.target_type == "member") & (entry.target_id == member.id))
                | ((entry.target_type == "board post") & entry.target_id.in_(posts))
                | (entry.target_type.in_(["case study", "lesson"]) & entry.target_id.in_(items))
            )
            .order_by(entry.id.desc())
            .limit(limit)
        )
    )


def change_role(member: User, role: Role, by: User) -> None:
    """Admins only; never your own role; never the last admin."""
    if not by.is_admin:
        raise MemberError("Only admins change roles.")
    if member.id == by.id:
        raise MemberError("You cannot change your own role: ask another admin.")
    if member.role == role:
        raise MemberError(f"{member.display_name} is already a {role.value}.")
    if member.role == Role.ADMIN:
        admins = db.session.scalar(select(func.count(User.id)).where(User.role == Role.ADMIN.value))
        if admins <= 1:
            raise MemberError("The site must keep at least one admin.")
    before = member.role
    member.role = role.value
    audit.record(by, "change role", "member", member.id, member.display_name, f"from {before} to {role.value}")
    db.session.commit()
