"""Moderators tidy the tags: rename one, or merge it into another. Items keep their tagging, and
the old name's addresses redirect to the new one."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from kb.auth.models import User
from kb.library.models import TAG_MAX, LibraryItem, Status, Tag, TagAlias, item_tags
from kb.library.service import LibraryError, NotAllowed
from kb.platform import audit
from kb.platform.extensions import db
from kb.platform.permissions import is_moderator
from kb.platform.text import one_line, plural


def tags_with_counts() -> list[tuple[Tag, int]]:
    return list(
        db.session.execute(
            select(Tag, func.count(item_tags.c.item_id))
            .outerjoin(item_tags, item_tags.c.tag_id == Tag.id)
            .group_by(Tag.id)
            .order_by(Tag.name)
        ).all()
    )


def is_public(name: str) -> bool:
    """Whether a visitor may learn that the tag exists: some published item carries it. A tag used
    only on drafts answers like a tag nobody ever wrote (its feed, its list, its old names)."""
    return (
        db.session.scalar(
            select(LibraryItem.id)
            .where(LibraryItem.status == Status.PUBLISHED.value, LibraryItem.tags.any(Tag.name == name))
            .limit(1)
        )
        is not None
    )


def current_name(name: str) -> str | None:
    """The public tag an old name now stands for, if it was renamed or merged into one."""
    alias = db.session.scalar(select(TagAlias).where(TagAlias.name == name))
    return alias.tag.name if alias is not None and is_public(alias.tag.name) else None


def _remember(old_name: str, tag: Tag) -> None:
    # Earlier aliases of the old name follow it to its new tag.
    db.session.execute(delete(TagAlias).where(TagAlias.name == tag.name))
    for alias in db.session.scalars(select(TagAlias).where(TagAlias.name == old_name)):
        db.session.delete(alias)
    db.session.flush()
    db.session.add(TagAlias(name=old_name, tag=tag))


def _items_of(tag: Tag) -> list[LibraryItem]:
    return list(db.session.scalars(select(LibraryItem).join(LibraryItem.tags).where(Tag.id == tag.id)))


def rename_or_merge(tag: Tag, new_name: str, by: User) -> str:
    """Rename the tag; if the new name is another tag already, merge into it. Returns what happened."""
    if not is_moderator(by):
        raise NotAllowed("Only moderators rename or merge tags.")
    new_name = one_line(new_name or "").lower()
    if not new_name or len(new_name) > TAG_MAX:
        raise LibraryError(f"Enter the new name, at most {TAG_MAX} characters.")
    if new_name == tag.name:
        raise LibraryError("That is already its name.")
    old_name = tag.name
    target = db.session.scalar(select(Tag).where(Tag.name == new_name))
    items = _items_of(tag)
    if target is None:
        tag.name = new_name
        for item in items:
            item.tags = list(item.tags)  # the items change too: their search documents follow
        _remember(old_name, tag)
        audit.record(by, "rename tag", "tag", tag.id, new_name, f"from “{old_name}” ({len(items)} items)")
        db.session.commit()
        return f"Renamed “{old_name}” to “{new_name}” on {plural(len(items), 'item')}."
    for item in items:
        kept = [each for each in item.tags if each.id not in (tag.id, target.id)]
        item.tags = sorted([*kept, target], key=lambda each: each.name)
    db.session.flush()
    for alias in db.session.scalars(select(TagAlias).where(TagAlias.tag_id == tag.id)):
        alias.tag = target
    db.session.delete(tag)
    db.session.flush()
    _remember(old_name, target)
    audit.record(by, "merge tag", "tag", target.id, new_name, f"“{old_name}” merged in ({len(items)} items)")
    db.session.commit()
    return f"Merged “{old_name}” into “{new_name}” on {plural(len(items), 'item')}."
