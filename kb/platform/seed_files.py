"""Reading the files in seed_content/ and counting what a seed run changed, for every feature's seed.

Records are matched by their natural keys (theme slug, position in a list, text key), so running
the seed again changes nothing, and editing a file then re-running updates just what changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from kb.platform.extensions import db

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "unchanged", "removed"
KEPT = "kept"  # differs from the file, but edited on the site since, so left alone


class SeedError(Exception):
    """A seed file is missing, unreadable or not in the documented shape (seed_content/README.md)."""


@dataclass
class SeedReport:
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(self.counts[outcome] for outcome in (CREATED, UPDATED, REMOVED))

    def summary(self) -> str:
        checked = sum(self.counts.values())
        if not self.changed:
            kept = (
                f" {self.counts[KEPT]} records edited on the site were kept as they are." if self.counts[KEPT] else ""
            )
            return f"Nothing to change: the database already matches seed_content/ ({checked} records checked).{kept}"
        parts = ", ".join(f"{self.counts[o]} {o}" for o in (CREATED, UPDATED, REMOVED, UNCHANGED))
        kept = f" {self.counts[KEPT]} kept as edited on the site." if self.counts[KEPT] else ""
        return f"Seed loaded: {parts}.{kept}"


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(f"{path} is missing") from None
    except yaml.YAMLError as error:
        raise SeedError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise SeedError(f"{path} should hold a mapping of keys to values")
    return data


def require(data: dict[str, Any], key: str, path: Path, kind: type = str) -> Any:
    if not isinstance(data, dict):
        raise SeedError(f"{path}: expected a mapping with '{key}', found {data!r}")
    value = data.get(key)
    if not isinstance(value, kind) or (kind is str and not str(value).strip()):
        raise SeedError(f"{path}: '{key}' is missing or not a {kind.__name__} (see seed_content/README.md)")
    return str(value).strip() if kind is str else value


def upsert(model: Any, key: dict[str, Any], values: dict[str, Any], report: SeedReport) -> Any:
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


def remove_beyond(model: Any, key: dict[str, Any], last_position: int, report: SeedReport) -> None:
    """Delete rows of a list whose position the seed file no longer has."""
    for row in db.session.scalars(select(model).filter_by(**key).where(model.position > last_position)):
        db.session.delete(row)
        report.add(REMOVED)
