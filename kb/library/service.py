"""The rules for changing library items: saving (with revisions), the review workflow, edits of
published items that wait for a moderator, and restoring an old revision."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kb.auth import service as accounts
from kb.auth.models import User
from kb.library import rules
from kb.library.decisions import Decided, record_decision
from kb.library.models import (
    SUBMITTED,
    TAG_MAX,
    TAGS_MAX,
    ItemRevision,
    Kind,
    LibraryItem,
    RevisionState,
    Status,
    Tag,
)
from kb.notifications import service as email_notifications
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.markup import render_markdown
from kb.platform.text import one_line, slugify, unix_newlines
from kb.themes.models import Theme


class LibraryError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


class NotAllowed(LibraryError):
    pass


class InvalidTransition(LibraryError):
    pass


class StaleEdit(LibraryError):
    """Someone else saved since this form was opened; nothing was overwritten."""

    def __init__(self, current: dict) -> None:
        self.current = current
        super().__init__(
            "Someone else saved this after you opened it, so your changes have not been saved over theirs. "
            "Their version is shown below; your text is still in the form."
        )


@dataclass
class ItemFields:
    title: str
    body: str
    theme_slugs: list[str]
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    region: str | None = None
    locality: str = ""
    sectors: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    year_started: int | None = None
    outcome: str | None = None
    source_case_study_id: int | None = None

    @classmethod
    def from_snapshot(cls, snapshot: dict) -> ItemFields:
        return cls(**{name: snapshot.get(name) for name in cls.__dataclass_fields__ if name in snapshot})


def normalise_tags(raw: str) -> list[str]:
    """Comma-separated tags, trimmed, lower-cased and de-duplicated, in the order given."""
    tags: list[str] = []
    for part in raw.split(","):
        tag = one_line(part).lower()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValueError(f"Use at most {TAGS_MAX} tags")
    if any(len(tag) > TAG_MAX for tag in tags):
        raise ValueError(f"Each tag must be {TAG_MAX} characters or fewer")
    return tags


def snapshot_of(item: LibraryItem) -> dict:
    """The item's fields as plain data, as revisions store them."""
    return {
        **asdict(
            ItemFields(
                title=item.title,
                body=item.body,
                theme_slugs=[theme.slug for theme in item.themes],
                summary=item.summary,
                tags=[tag.name for tag in item.tags],
                region=item.region,
                locality=item.locality,
                sectors=list(item.sectors),
                organisations=list(item.organisations),
                year_started=item.year_started,
                outcome=item.outcome,
                source_case_study_id=item.source_case_study_id,
            )
        ),
        "status": item.status,
    }


def fields_of(item: LibraryItem) -> ItemFields:
    return ItemFields.from_snapshot(snapshot_of(item))


def pending_edit(item: LibraryItem) -> ItemRevision | None:
    return db.session.scalar(
        select(ItemRevision)
        .where(ItemRevision.item_id == item.id, ItemRevision.state == RevisionState.PENDING.value)
        .order_by(ItemRevision.number.desc())
        .limit(1)
    )


def fields_for_editing(item: LibraryItem, user) -> ItemFields:
    """What the edit form starts with. An author with an edit waiting continues from it; everyone
    else starts from the published text, so nobody publishes a member's edit without reviewing it."""
    pending = pending_edit(item) if item.has_pending_edit and rules.edit_needs_review(user, item) else None
    return ItemFields.from_snapshot(pending.snapshot) if pending else fields_of(item)


def cleaned(fields: ItemFields) -> ItemFields:
    """The fields as they would be stored: line endings unified, blank organisation lines dropped."""
    return replace(
        fields,
        title=one_line(fields.title),
        summary=unix_newlines(fields.summary or "").strip(),
        body=unix_newlines(fields.body or ""),
        locality=one_line(fields.locality or ""),
        organisations=[one_line(name) for name in fields.organisations or [] if one_line(name)],
        tags=list(fields.tags or []),
        sectors=list(fields.sectors or []),
    )


def _themes_for(slugs: list[str], required: bool = True) -> list[Theme]:
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs or [])).order_by(Theme.position)))
    if not themes and required:
        raise LibraryError("Choose at least one theme")
    return themes


def _check_complete(item: LibraryItem) -> None:
    missing = rules.missing_for_submission(item)
    if missing:
        raise LibraryError("It is saved, but before it can be sent for review: " + "; ".join(missing) + ".")


def _tags_for(names: list[str]) -> list[Tag]:
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or Tag(name=name) for name in names]


def _source_case_study_id(item: LibraryItem, wanted: int | None) -> int | None:
    if item.kind != Kind.LESSON or not wanted:
        return None
    source = db.session.get(LibraryItem, wanted)
    # Archived case studies stay readable, so a lesson keeps its link to one.
    if source is None or source.kind != Kind.CASE_STUDY or not source.is_readable:
        raise LibraryError("A lesson can only come from a published case study")
    return source.id


def apply_fields(item: LibraryItem, fields: ItemFields) -> None:
    """Copy the fields onto the item. A draft may be unfinished; anything else must be complete."""
    fields = cleaned(fields)
    item.title = fields.title
    item.slug = slugify(item.title)
    item.summary = (fields.summary or "").strip()
    item.body = fields.body
    item.body_html = render_markdown(fields.body)
    item.themes = _themes_for(fields.theme_slugs, required=item.status not in rules.EDITABLE_BY_AUTHOR)
    item.tags = _tags_for(fields.tags or [])
    item.region = fields.region or None
    item.locality = fields.locality
    item.sectors = list(fields.sectors or [])
    item.organisations = [name.strip() for name in fields.organisations or [] if name.strip()]
    item.year_started = fields.year_started
    item.outcome = fields.outcome if item.kind == Kind.LESSON else None
    item.source_case_study_id = _source_case_study_id(item, fields.source_case_study_id)
    item.updated_at = clock.now()


def record_revision(
    item: LibraryItem,
    by: User | None,
    note: str,
    snapshot: dict | None = None,
    state: RevisionState = RevisionState.SAVED,
) -> ItemRevision:
    """Add the next numbered revision: the item as it now is, or the given snapshot (a pending edit)."""
    item.revision_number = (item.revision_number or 0) + 1
    revision = ItemRevision(
        number=item.revision_number,
        saved_by=by,
        note=one_line(note)[:300],
        state=state.value,
        snapshot=snapshot or snapshot_of(item),
        saved_at=clock.now(),
    )
    item.revisions.append(revision)
    return revision


def start_item(
    kind: Kind, fields: ItemFields, by: User, note: str = "", creation_token: str | None = None
) -> LibraryItem:
    """A new draft by a signed-in member. The same form posted twice (same token) gives one item."""
    if creation_token:
        existing = db.session.scalar(select(LibraryItem).where(LibraryItem.creation_token == creation_token))
        if existing is not None and existing.author_id == by.id:
            return existing
    item = LibraryItem(
        kind=kind.value,
        author=by,
        status=Status.DRAFT.value,
        created_at=clock.now(),
        has_pending_edit=False,
        creation_token=creation_token or None,
    )
    apply_fields(item, fields)
    db.session.add(item)
    record_revision(item, by, note or "First draft")
    db.session.commit()
    return item


def save_item(item: LibraryItem, fields: ItemFields, by: User, opened_at_revision: int, note: str = "") -> bool:
    """Save an edit. Returns True when it is live, False when it waits for a moderator.

    Raises StaleEdit, changing nothing, when someone saved after the form was opened.
    """
    if not rules.can_edit(by, item):
        raise NotAllowed("You cannot edit this.")
    needs_review = rules.edit_needs_review(by, item)
    if opened_at_revision != item.revision_number:
        latest = pending_edit(item).snapshot if needs_review and item.has_pending_edit else snapshot_of(item)
        if _same_fields(latest, fields):
            return not needs_review  # the same form sent twice (a double click): already saved
        raise StaleEdit(latest)
    if needs_review:
        _propose_edit(item, fields, by, note)
        _commit(item)
        return False
    # A moderator's direct edit leaves a member's waiting edit for review; its diff shows against the new text.
    apply_fields(item, fields)
    record_revision(item, by, note or "Edited")
    _commit(item)
    return True


def _commit(item: LibraryItem) -> None:
    """Commit a change to an item. Two saves racing for the same revision number collide on the
    (item, number) unique constraint: the loser changes nothing and is told, as for a stale edit."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        db.session.refresh(item)
        raise StaleEdit(snapshot_of(item)) from None


def _same_fields(snapshot: dict, fields: ItemFields) -> bool:
    return asdict(cleaned(ItemFields.from_snapshot(snapshot))) == asdict(cleaned(fields))


def _supersede_pending(item: LibraryItem) -> None:
    for earlier in db.session.scalars(
        select(ItemRevision).where(ItemRevision.item_id == item.id, ItemRevision.state == RevisionState.PENDING.value)
    ):
        earlier.state = RevisionState.SUPERSEDED.value


def _propose_edit(item: LibraryItem, fields: ItemFields, by: User, note: str) -> None:
    # Check the proposal now, so the author hears of a problem while still at the form.
    _themes_for(fields.theme_slugs)
    _source_case_study_id(item, fields.source_case_study_id)
    _supersede_pending(item)
    snapshot = {**asdict(cleaned(fields)), "status": item.status}
    record_revision(item, by, note or "Edit proposed", snapshot=snapshot, state=RevisionState.PENDING)
    item.has_pending_edit = True
    item.awaiting_since = clock.now()
    accounts.tell_moderators(f"an edit of the {item.kind} “{item.title}”", "/moderation", by=by)


def approve_edit(item: LibraryItem, by: User, note: str = "") -> None:
    if not rules.can_review_edit(by, item):
        raise InvalidTransition("There is no edit waiting for review, or you cannot review it.")
    pending = pending_edit(item)
    pending.state = RevisionState.APPROVED.value
    pending.review_note = note.strip() or None
    apply_fields(item, ItemFields.from_snapshot(pending.snapshot))
    item.has_pending_edit = False
    item.awaiting_since = None
    item.moderator_note = note.strip() or None
    record_revision(item, by, f"Approved the edit in revision {pending.number}" + (f": {note}" if note else ""))
    record_decision(item, by, Decided.APPROVE_EDIT, note)
    _commit(item)


def decline_edit(item: LibraryItem, by: User, note: str) -> None:
    if not rules.can_review_edit(by, item):
        raise InvalidTransition("There is no edit waiting for review, or you cannot review it.")
    if not note.strip():
        raise LibraryError("Say why the edit is declined: the author is shown your note.")
    pending = pending_edit(item)
    pending.state = RevisionState.DECLINED.value
    pending.review_note = note.strip()
    item.has_pending_edit = False
    item.awaiting_since = None
    item.moderator_note = note.strip()
    record_decision(item, by, Decided.DECLINE_EDIT, note)
    _commit(item)


def last_declined_edit(item: LibraryItem) -> ItemRevision | None:
    """The most recent proposed edit, if a moderator declined it (the author is told why)."""
    latest = db.session.scalar(
        select(ItemRevision)
        .where(ItemRevision.item_id == item.id, ItemRevision.state != RevisionState.SAVED.value)
        .order_by(ItemRevision.number.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.state == RevisionState.DECLINED.value else None


def restore_revision(item: LibraryItem, number: int, by: User) -> bool:
    """Make an old revision current again, as a new revision. True when live, False when pending."""
    if not rules.can_restore(by, item):
        raise NotAllowed("You cannot restore revisions of this.")
    old = db.session.scalar(select(ItemRevision).where(ItemRevision.item_id == item.id, ItemRevision.number == number))
    if old is None:
        raise LibraryError(f"There is no revision {number}.")
    return save_item(
        item, ItemFields.from_snapshot(old.snapshot), by, item.revision_number, note=f"Restored revision {number}"
    )


def _move(item: LibraryItem, to: Status, by: User, note: str) -> None:
    if to not in SUBMITTED:
        item.awaiting_since = None
    item.status = to.value
    item.updated_at = clock.now()
    record_revision(item, by, note)
    _commit(item)


def submit_for_review(item: LibraryItem, by: User) -> None:
    if not rules.can_submit(by, item):
        raise InvalidTransition(
            rules.why_cannot_submit(by) or "Only the author can submit a draft, or something sent back for changes."
        )
    _check_complete(item)
    again = item.status == Status.CHANGES_REQUESTED
    item.submitted_at = item.awaiting_since = clock.now()
    accounts.tell_moderators(f"the {item.kind} “{item.title}”", "/moderation", by=by)
    _move(
        item,
        Status.RESUBMITTED if again else Status.SUBMITTED,
        by,
        "Resubmitted for review" if again else "Submitted for review",
    )


def publish(item: LibraryItem, by: User, note: str = "") -> None:
    if not (rules.can_review(by, item) or rules.can_publish_directly(by, item)):
        raise InvalidTransition("This cannot be published from its current state by you.")
    _check_complete(item)
    item.moderator_note = note.strip() or None
    item.published_at = clock.now()
    record_decision(item, by, Decided.PUBLISH, note)
    if item.kind == Kind.CASE_STUDY:
        # In the publishing transaction: the mail exists exactly when the case study is public.
        email_notifications.case_study_published(
            item.title,
            item.path(),
            [theme.id for theme in item.themes],
            [theme.title for theme in item.themes],
            summary=item.summary or "",
            author_id=item.author_id,
        )
    _move(item, Status.PUBLISHED, by, "Published" + (f": {note.strip()}" if note.strip() else ""))


def _decide_with_note(
    item: LibraryItem,
    by: User,
    note: str,
    allowed,
    to: Status,
    refused: str,
    missing: str,
    label: str,
    decided: Decided,
) -> None:
    """A decision the author (or reader) must be told the reason for."""
    if not allowed(by, item):
        raise InvalidTransition(refused)
    if not note.strip():
        raise LibraryError(missing)
    item.moderator_note = note.strip()
    record_decision(item, by, decided, note)
    _move(item, to, by, f"{label}: {note.strip()}")


def request_changes(item: LibraryItem, by: User, note: str) -> None:
    _decide_with_note(
        item,
        by,
        note,
        rules.can_review,
        Status.CHANGES_REQUESTED,
        refused="Only something submitted can be sent back, and only by a moderator.",
        missing="Say what needs to change: the author is shown your note.",
        label="Changes requested",
        decided=Decided.REQUEST_CHANGES,
    )


def reject(item: LibraryItem, by: User, reason: str) -> None:
    _decide_with_note(
        item,
        by,
        reason,
        rules.can_review,
        Status.REJECTED,
        refused="Only something submitted can be rejected, and only by a moderator.",
        missing="Give the reason for rejecting it: the author is shown it.",
        label="Rejected",
        decided=Decided.REJECT,
    )


def archive(item: LibraryItem, by: User, reason: str) -> None:
    _decide_with_note(
        item,
        by,
        reason,
        rules.can_archive,
        Status.ARCHIVED,
        refused="Only something published can be archived, and only by a moderator.",
        missing="Give the reason for archiving it: readers are shown it.",
        label="Archived",
        decided=Decided.ARCHIVE,
    )
