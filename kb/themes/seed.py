"""Load seed_content/ (the leaflet as YAML files) into the database, idempotently.

Records are matched by their natural keys (theme slug, position in a list, text key), so running
the seed again changes nothing, and editing a file then re-running updates just what changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select

from kb.board.seed import seed_categories
from kb.extensions import db
from kb.library.models import Kind, Outcome
from kb.library.seed import seed_item, seeded_item
from kb.library.service import ItemFields
from kb.moderation.reasons import seed_saved_reasons
from kb.themes.models import (
    THEME_SLUGS,
    ChecklistPair,
    Fact,
    SiteText,
    SupportingAction,
    TaskforceOrganisation,
    Theme,
    ThemeResource,
)

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "unchanged", "removed"
KEPT = "kept"  # differs from the file, but edited on the site since, so left alone
TASKFORCE_TEXT_KEYS = ("name", "leaflet_title", "review", "remit", "purpose", "foreword")


class SeedError(Exception):
    """A seed file is missing, unreadable or not in the documented shape (seed_content/README.md)."""


@dataclass
class SeedReport:
    counts: Counter = field(default_factory=Counter)

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(self.counts[outcome] for outcome in (CREATED, UPDATED, REMOVED))

    def summary(self) -> str:
        checked = sum(self.counts.values())
        if not self.changed:
            kept = (f" {self.counts[KEPT]} records edited on the site were kept as they are."
                    if self.counts[KEPT] else "")
            return f"Nothing to change: the database already matches seed_content/ ({checked} records checked).{kept}"
        parts = ", ".join(f"{self.counts[o]} {o}" for o in (CREATED, UPDATED, REMOVED, UNCHANGED))
        kept = f" {self.counts[KEPT]} kept as edited on the site." if self.counts[KEPT] else ""
        return f"Seed loaded: {parts}.{kept}"


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"{path} is missing") from None
    except yaml.YAMLError as error:
        raise SeedError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path} should hold a mapping of keys to values")
    return data


def require(data: dict, key: str, path: Path, kind: type = str):
    if not isinstance(data, dict):
        raise SeedError(f"{path}: expected a mapping with '{key}', found {data!r}")
    value = data.get(key)
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise SeedError(f"{path}: '{key}' is missing or not a {kind.__name__} (see seed_content/README.md)")
    return value.strip() if kind is str else value


def upsert(model, key: dict, values: dict, report: SeedReport):
    """Create the row with this key, or bring its values up to date; records what happened."""
    row = db.session.scalar(select(model).filter_by(**key))
    if row is None:
        row = model(**key, **values)
        db.session.add(row)
        report.add(CREATED)
        return row
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    report.add(UPDATED if changed else UNCHANGED)
    return row


def remove_beyond(model, key: dict, last_position: int, report: SeedReport) -> None:
    """Delete rows of a list whose position the seed file no longer has."""
    for row in db.session.scalars(select(model).filter_by(**key).where(model.position > last_position)):
        db.session.delete(row)
        report.add(REMOVED)


def seed_theme(path: Path, report: SeedReport) -> Theme:
    data = read_yaml(path)
    slug = require(data, "slug", path)
    if slug not in THEME_SLUGS:
        raise SeedError(f"{path}: slug {slug!r} is not one of the five themes: {', '.join(THEME_SLUGS)}")
    theme = upsert(
        Theme,
        {"slug": slug},
        {
            "title": require(data, "title", path),
            "position": require(data, "position", path, int),
            "summary": require(data, "summary", path),
            "aim": require(data, "aim", path),
        },
        report,
    )
    db.session.flush()

    checklist = require(data, "checklist", path, list)
    for position, pair in enumerate(checklist, start=1):
        if not isinstance(pair, dict) or not pair.get("do") or not pair.get("dont"):
            raise SeedError(f"{path}: checklist item {position} needs both 'do' and 'dont'")
        upsert(ChecklistPair, {"theme_id": theme.id, "position": position},
               {"do_text": pair["do"].strip(), "dont_text": pair["dont"].strip()}, report)
    remove_beyond(ChecklistPair, {"theme_id": theme.id}, len(checklist), report)

    actions = data.get("supporting_actions") or []
    for position, item in enumerate(actions, start=1):
        action = require(item, "action", path)
        upsert(SupportingAction, {"theme_id": theme.id, "position": position},
               {"action": action, "owners": [str(owner).strip() for owner in item.get("owners") or []]}, report)
    remove_beyond(SupportingAction, {"theme_id": theme.id}, len(actions), report)

    resources = data.get("resources") or []
    for position, item in enumerate(resources, start=1):
        url = require(item, "url", path)
        if not url.startswith(("http://", "https://")):
            raise SeedError(f"{path}: resource {position} URL must start with http:// or https://")
    if theme.resources_curated:
        report.add(KEPT)  # moderators have curated this theme's reading list on the site: theirs wins
    else:
        for position, item in enumerate(resources, start=1):
            upsert(ThemeResource, {"theme_id": theme.id, "position": position},
                   {"title": require(item, "title", path), "url": item["url"], "publisher": item.get("publisher")},
                   report)
        remove_beyond(ThemeResource, {"theme_id": theme.id}, len(resources), report)

    if data.get("case_study"):
        seed_theme_case_study(data["case_study"], slug, path, report)
    return theme


def seed_theme_case_study(item: dict, theme_slug: str, path: Path, report: SeedReport) -> None:
    number = require(item, "number", path, int)
    year = item.get("year_started")
    fields = ItemFields(
        title=require(item, "title", path),
        summary=require(item, "summary", path),
        body=require(item, "body", path),
        theme_slugs=[theme_slug],
        tags=["leaflet case study"],
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
        report.add(seed_item(f"{key}-lesson-{require(lesson, 'number', path, int)}", ItemFields(
            title=require(lesson, "title", path), body=require(lesson, "body", path), theme_slugs=[theme_slug],
            tags=["leaflet lesson"], outcome=outcome, source_case_study_id=seeded_item(key).id), kind=Kind.LESSON))


def seed_facts(path: Path, report: SeedReport) -> None:
    data = read_yaml(path)
    source = require(data, "source", path)
    facts = require(data, "facts", path, list)
    for position, text in enumerate(facts, start=1):
        upsert(Fact, {"position": position}, {"text": str(text).strip(), "source": source}, report)
    remove_beyond(Fact, {}, len(facts), report)


def seed_taskforce(path: Path, report: SeedReport) -> None:
    data = read_yaml(path)
    for key in TASKFORCE_TEXT_KEYS:
        upsert(SiteText, {"key": f"taskforce.{key}"}, {"value": require(data, key, path)}, report)
    signatories = require(data, "foreword_signatories", path, list)
    upsert(SiteText, {"key": "taskforce.foreword_signatories"}, {"value": "\n".join(signatories)}, report)
    upsert(SiteText, {"key": "taskforce.published"}, {"value": str(require(data, "published", path, int))}, report)
    for role, key in (("member", "organisations"), ("publisher", "publishers")):
        names = require(data, key, path, list)
        for position, name in enumerate(names, start=1):
            upsert(TaskforceOrganisation, {"role": role, "position": position}, {"name": str(name).strip()}, report)
        remove_beyond(TaskforceOrganisation, {"role": role}, len(names), report)


def load_seed(directory: Path, progress: Callable[[str], None] = lambda line: None) -> SeedReport:
    """Load every seed file in one transaction: a broken file leaves the database as it was."""
    report = SeedReport()
    theme_files = sorted((directory / "themes").glob("*.yaml"))
    if len(theme_files) != len(THEME_SLUGS):
        raise SeedError(f"{directory / 'themes'} should hold {len(THEME_SLUGS)} theme files, found {len(theme_files)}")
    steps = [(f"theme {path.stem}", seed_theme, path) for path in theme_files]
    steps += [("did-you-know facts", seed_facts, directory / "facts.yaml"),
              ("taskforce and leaflet", seed_taskforce, directory / "taskforce.yaml"),
              ("board categories", lambda _path, report: seed_categories(report), None),
              ("moderators' saved reasons", seed_saved_reasons, directory / "saved_reasons.yaml")]
    try:
        for number, (label, load, path) in enumerate(steps, start=1):
            before = report.counts.copy()
            load(path, report)
            delta = report.counts - before
            done = ", ".join(f"{count} {outcome}" for outcome, count in sorted(delta.items())) or "nothing"
            progress(f"[{number}/{len(steps)}] {label}: {done}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
