"""The leaflet's case studies, and the lessons drawn from them, loaded by `flask kb seed` as
published items credited to the taskforce."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from kb.library.models import Kind, LibraryItem, Outcome, Status
from kb.library.service import ItemFields, apply_fields, cleaned, fields_of, record_revision
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.seed_files import SeedError, SeedReport, read_yaml, require
from kb.themes.service import site_texts

LEAFLET_CREDIT = "Local Partnerships Taskforce"


def seeded_item(key: str) -> LibraryItem | None:
    return db.session.scalar(select(LibraryItem).where(LibraryItem.seed_key == key))


def leaflet_published() -> datetime:
    """When the leaflet came out (the taskforce's file, seeded first): its items' publication date,
    shown as "from the 2004 checklist", never as the day the site was set up."""
    year = site_texts("taskforce.").get("published", "")
    return datetime(int(year), 1, 1) if year.isdecimal() else clock.now()


def seed_item(key: str, fields: ItemFields, kind: Kind = Kind.CASE_STUDY) -> str:
    """Create or update one seeded item; returns 'created', 'updated', 'unchanged' or 'kept'
    (edited on the site, so left as it is)."""
    item = seeded_item(key)
    if item is None:
        item = LibraryItem(
            kind=kind.value,
            seed_key=key,
            credited_to=LEAFLET_CREDIT,
            status=Status.PUBLISHED.value,
            has_pending_edit=False,
            created_at=clock.now(),
            published_at=leaflet_published(),
        )
        apply_fields(item, fields)
        db.session.add(item)
        record_revision(item, None, "Loaded from the leaflet (seed_content)")
        return "created"
    if asdict(cleaned(fields_of(item))) == asdict(cleaned(fields)):
        return "unchanged"
    if any(revision.saved_by_id is not None for revision in item.revisions):
        # Someone has worked on it on the site since: their work wins over the seed file.
        return "kept"
    apply_fields(item, fields)
    record_revision(item, None, "Updated from seed_content")
    return "updated"


def seed_leaflet_case_study(path: Path, report: SeedReport) -> None:
    """The case study a theme's file carries (seeded after the themes), with its lessons."""
    data = read_yaml(path)
    if data.get("case_study"):
        seed_theme_case_study(data["case_study"], require(data, "slug", path), path, report)


def seed_theme_case_study(item: dict, theme_slug: str, path: Path, report: SeedReport) -> None:
    number = require(item, "number", path, int)
    year = item.get("year_started")
    fields = ItemFields(
        title=require(item, "title", path),
        summary=require(item, "summary", path),
        body=require(item, "body", path),
        theme_slugs=[theme_slug],
        region=item.get("region"),
        locality=(item.get("locality") or "").strip(),
        sectors=[str(sector) for sector in item.get("sectors") or []],
        organisations=[str(name).strip() for name in item.get("organisations") or []],
        year_started=int(year) if year else None,
    )
    db.session.flush()
    key = f"leaflet-case-study-{number}"
    report.add(seed_item(key, fields))
    db.session.flush()  # the lessons below link to the case study by its id
    for lesson in item.get("lessons") or []:
        outcome = require(lesson, "outcome", path)
        if outcome not in set(Outcome):
            raise SeedError(f"{path}: a lesson's outcome must be one of: {', '.join(Outcome)} (not {outcome!r})")
        report.add(
            seed_item(
                f"{key}-lesson-{require(lesson, 'number', path, int)}",
                ItemFields(
                    title=require(lesson, "title", path),
                    body=require(lesson, "body", path),
                    theme_slugs=[theme_slug],
                    outcome=outcome,
                    source_case_study_id=seeded_item(key).id,
                ),
                kind=Kind.LESSON,
            )
        )
