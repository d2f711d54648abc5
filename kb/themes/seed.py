"""The themes and the leaflet's other texts (facts, the taskforce), loaded from seed_content/ by
`flask kb seed` (kb/app/seeding.py runs every feature's seed in one transaction)."""

from __future__ import annotations

from pathlib import Path

from kb.platform.extensions import db
from kb.platform.seed_files import KEPT, SeedError, SeedReport, read_yaml, remove_beyond, require, upsert
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

TASKFORCE_TEXT_KEYS = ("name", "leaflet_title", "review", "remit", "purpose", "foreword")


def seed_theme_file(path: Path, report: SeedReport) -> None:
    seed_theme(read_yaml(path), path, report)


def seed_theme(data: dict, path: Path, report: SeedReport) -> Theme:
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
        upsert(
            ChecklistPair,
            {"theme_id": theme.id, "position": position},
            {"do_text": pair["do"].strip(), "dont_text": pair["dont"].strip()},
            report,
        )
    remove_beyond(ChecklistPair, {"theme_id": theme.id}, len(checklist), report)

    actions = data.get("supporting_actions") or []
    for position, item in enumerate(actions, start=1):
        action = require(item, "action", path)
        upsert(
            SupportingAction,
            {"theme_id": theme.id, "position": position},
            {"action": action, "owners": [str(owner).strip() for owner in item.get("owners") or []]},
            report,
        )
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
            upsert(
                ThemeResource,
                {"theme_id": theme.id, "position": position},
                {"title": require(item, "title", path), "url": item["url"], "publisher": item.get("publisher")},
                report,
            )
        remove_beyond(ThemeResource, {"theme_id": theme.id}, len(resources), report)

    return theme


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
