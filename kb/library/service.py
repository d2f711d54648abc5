"""The rules for case studies: who may see and change them, the review workflow, and browsing."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import selectinload

from kb import clock
from kb.auth.models import User
from kb.extensions import db
from kb.library.models import TAG_MAX, TAGS_MAX, CaseStudy, CaseStudyRevision, Status, Tag
from kb.markup import render_markdown
from kb.themes.models import Theme

PAGE_SIZE = 20
EDITABLE_BY_AUTHOR = (Status.DRAFT, Status.CHANGES_REQUESTED)
PUBLIC = (Status.PUBLISHED, Status.ARCHIVED)


class LibraryError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""


class NotAllowed(LibraryError):
    pass


class InvalidTransition(LibraryError):
    pass


class StaleEdit(LibraryError):
    """Someone else saved since this form was opened; nothing was overwritten."""

    def __init__(self, current: CaseStudy) -> None:
        self.current = current
        super().__init__(
            "Someone else saved this case study after you opened it, so your changes have not been saved "
            "over theirs. Their version is shown below; your text is still in the form."
        )


@dataclass
class CaseStudyFields:
    title: str
    summary: str
    body: str
    theme_slugs: list[str]
    tags: list[str] = field(default_factory=list)
    region: str | None = None
    locality: str = ""
    sectors: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    year_started: int | None = None


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "case-study"


def normalise_tags(raw: str) -> list[str]:
    """Comma-separated tags, trimmed, lower-cased and de-duplicated, in the order given."""
    tags: list[str] = []
    for part in raw.split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValueError(f"Use at most {TAGS_MAX} tags")
    too_long = [tag for tag in tags if len(tag) > TAG_MAX]
    if too_long:
        raise ValueError(f"Each tag must be {TAG_MAX} characters or fewer")
    return tags


# --- who may do what -------------------------------------------------------------------------

def is_moderator(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_moderator)


def is_author(user, case_study: CaseStudy) -> bool:
    return bool(getattr(user, "is_authenticated", False) and case_study.author_id == user.id)


def can_view(user, case_study: CaseStudy) -> bool:
    return case_study.status in PUBLIC or is_author(user, case_study) or is_moderator(user)


def can_edit(user, case_study: CaseStudy) -> bool:
    # Editing published items (a pending revision the public does not see yet) is not built yet, so
    # a published case study is read-only for everyone.
    if case_study.status not in EDITABLE_BY_AUTHOR and case_study.status != Status.SUBMITTED:
        return False
    if is_moderator(user):
        return True
    return is_author(user, case_study) and case_study.status in EDITABLE_BY_AUTHOR


def can_submit(user, case_study: CaseStudy) -> bool:
    return is_author(user, case_study) and case_study.status in EDITABLE_BY_AUTHOR


def can_review(user, case_study: CaseStudy) -> bool:
    return is_moderator(user) and case_study.status == Status.SUBMITTED


def can_publish_directly(user, case_study: CaseStudy) -> bool:
    """Moderators and admins may publish their own work without waiting for review."""
    return is_moderator(user) and is_author(user, case_study) and case_study.status in EDITABLE_BY_AUTHOR


def can_archive(user, case_study: CaseStudy) -> bool:
    return is_moderator(user) and case_study.status == Status.PUBLISHED


# --- saving and the workflow -----------------------------------------------------------------

def _themes_for(slugs: list[str]) -> list[Theme]:
    themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(slugs)).order_by(Theme.position)))
    if not themes:
        raise LibraryError("Choose at least one theme")
    return themes


def _tags_for(names: list[str]) -> list[Tag]:
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    return [existing.get(name) or Tag(name=name) for name in names]


def _snapshot(case_study: CaseStudy) -> dict:
    return {
        "title": case_study.title,
        "summary": case_study.summary,
        "body": case_study.body,
        "theme_slugs": [theme.slug for theme in case_study.themes],
        "tags": [tag.name for tag in case_study.tags],
        "region": case_study.region,
        "locality": case_study.locality,
        "sectors": list(case_study.sectors),
        "organisations": list(case_study.organisations),
        "year_started": case_study.year_started,
        "status": case_study.status,
    }


def _record_revision(case_study: CaseStudy, by: User | None, note: str) -> None:
    case_study.revision_number = (case_study.revision_number or 0) + 1
    case_study.revisions.append(
        CaseStudyRevision(number=case_study.revision_number, saved_by=by, note=note[:300],
                          snapshot=_snapshot(case_study), saved_at=clock.now())
    )


def _apply(case_study: CaseStudy, fields: CaseStudyFields) -> None:
    case_study.title = fields.title.strip()
    case_study.slug = slugify(case_study.title)
    case_study.summary = fields.summary.strip()
    case_study.body = fields.body
    case_study.body_html = render_markdown(fields.body)
    case_study.themes = _themes_for(fields.theme_slugs)
    case_study.tags = _tags_for(fields.tags)
    case_study.region = fields.region or None
    case_study.locality = fields.locality.strip()
    case_study.sectors = list(fields.sectors)
    case_study.organisations = [name.strip() for name in fields.organisations if name.strip()]
    case_study.year_started = fields.year_started
    case_study.updated_at = clock.now()


def start_case_study(fields: CaseStudyFields, by: User, note: str = "") -> CaseStudy:
    """A new draft by a signed-in member."""
    case_study = CaseStudy(author=by, status=Status.DRAFT.value, created_at=clock.now())
    _apply(case_study, fields)
    db.session.add(case_study)
    _record_revision(case_study, by, note or "First draft")
    db.session.commit()
    return case_study


def save_case_study(case_study: CaseStudy, fields: CaseStudyFields, by: User, opened_at_revision: int,
                    note: str = "") -> CaseStudy:
    """Save an edit, unless someone else saved since the form was opened (StaleEdit)."""
    if not can_edit(by, case_study):
        raise NotAllowed("You cannot edit this case study.")
    if opened_at_revision != case_study.revision_number:
        raise StaleEdit(case_study)
    _apply(case_study, fields)
    _record_revision(case_study, by, note or "Edited")
    db.session.commit()
    return case_study


def _move(case_study: CaseStudy, to: Status, by: User, note: str) -> None:
    case_study.status = to.value
    case_study.updated_at = clock.now()
    _record_revision(case_study, by, note)
    db.session.commit()


def submit_for_review(case_study: CaseStudy, by: User) -> None:
    if not can_submit(by, case_study):
        raise InvalidTransition("Only the author can submit a draft, or a case study sent back for changes.")
    case_study.submitted_at = clock.now()
    _move(case_study, Status.SUBMITTED, by, "Submitted for review")


def publish(case_study: CaseStudy, by: User, note: str = "") -> None:
    if not (can_review(by, case_study) or can_publish_directly(by, case_study)):
        raise InvalidTransition("This case study cannot be published from its current state by you.")
    case_study.moderator_note = note.strip() or None
    case_study.published_at = clock.now()
    _move(case_study, Status.PUBLISHED, by, f"Published{': ' + note.strip() if note.strip() else ''}")


def request_changes(case_study: CaseStudy, by: User, note: str) -> None:
    if not can_review(by, case_study):
        raise InvalidTransition("Only a submitted case study can be sent back, and only by a moderator.")
    if not note.strip():
        raise LibraryError("Say what needs to change: the author is shown your note.")
    case_study.moderator_note = note.strip()
    _move(case_study, Status.CHANGES_REQUESTED, by, f"Changes requested: {note.strip()}")


def reject(case_study: CaseStudy, by: User, reason: str) -> None:
    if not can_review(by, case_study):
        raise InvalidTransition("Only a submitted case study can be rejected, and only by a moderator.")
    if not reason.strip():
        raise LibraryError("Give the reason for rejecting it: the author is shown it.")
    case_study.moderator_note = reason.strip()
    _move(case_study, Status.REJECTED, by, f"Rejected: {reason.strip()}")


def archive(case_study: CaseStudy, by: User, reason: str) -> None:
    if not can_archive(by, case_study):
        raise InvalidTransition("Only a published case study can be archived, and only by a moderator.")
    if not reason.strip():
        raise LibraryError("Give the reason for archiving it: readers are shown it.")
    case_study.moderator_note = reason.strip()
    _move(case_study, Status.ARCHIVED, by, f"Archived: {reason.strip()}")


def fields_of(case_study: CaseStudy) -> CaseStudyFields:
    snapshot = _snapshot(case_study)
    snapshot.pop("status")
    return CaseStudyFields(**snapshot)


def fields_as_dict(fields: CaseStudyFields) -> dict:
    return asdict(fields)


# --- reading ---------------------------------------------------------------------------------

@dataclass
class Filters:
    theme: str | None = None
    region: str | None = None
    sector: str | None = None
    tag: str | None = None

    def active(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value}


@dataclass
class Page:
    items: list
    total: int
    number: int
    pages: int


def get_case_study(case_study_id: int) -> CaseStudy | None:
    return db.session.scalar(
        select(CaseStudy)
        .where(CaseStudy.id == case_study_id)
        .options(selectinload(CaseStudy.themes), selectinload(CaseStudy.tags), selectinload(CaseStudy.author))
    )


def _published_matching(filters: Filters):
    query = select(CaseStudy).where(CaseStudy.status == Status.PUBLISHED.value)
    if filters.theme:
        query = query.where(CaseStudy.themes.any(Theme.slug == filters.theme))
    if filters.region:
        query = query.where(CaseStudy.region == filters.region)
    if filters.tag:
        query = query.where(CaseStudy.tags.any(Tag.name == filters.tag))
    if filters.sector:
        # The JSON list is stored as text on both databases, each value in double quotes.
        query = query.where(cast(CaseStudy.sectors, String).like(f'%{json.dumps(filters.sector)}%'))
    return query


def browse(filters: Filters, page_number: int = 1) -> Page:
    """Published case studies, newest first, filtered, a page at a time."""
    query = _published_matching(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(1, page_number), pages)
    items = db.session.scalars(
        query.order_by(CaseStudy.published_at.desc(), CaseStudy.id.desc())
        .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)
        .options(selectinload(CaseStudy.themes), selectinload(CaseStudy.tags), selectinload(CaseStudy.author))
    ).all()
    return Page(items=list(items), total=total, number=number, pages=pages)


def latest_for_theme(theme: Theme, limit: int = 3) -> list[CaseStudy]:
    return list(db.session.scalars(
        _published_matching(Filters(theme=theme.slug))
        .order_by(CaseStudy.published_at.desc(), CaseStudy.id.desc())
        .limit(limit)
        .options(selectinload(CaseStudy.author))
    ))


def count_published_for_theme(theme: Theme) -> int:
    return db.session.scalar(
        select(func.count()).select_from(_published_matching(Filters(theme=theme.slug)).subquery())
    )


def contributions_of(user: User) -> list[CaseStudy]:
    return list(db.session.scalars(
        select(CaseStudy).where(CaseStudy.author_id == user.id).order_by(CaseStudy.updated_at.desc())
    ))


def awaiting_review() -> list[CaseStudy]:
    return list(db.session.scalars(
        select(CaseStudy).where(CaseStudy.status == Status.SUBMITTED.value)
        .order_by(CaseStudy.submitted_at).options(selectinload(CaseStudy.author), selectinload(CaseStudy.themes))
    ))


def all_tags_in_use() -> list[str]:
    return list(db.session.scalars(
        select(Tag.name).where(Tag.id.in_(
            select(Tag.id).join(CaseStudy.tags).where(CaseStudy.status == Status.PUBLISHED.value)
        )).order_by(Tag.name)
    ))
