"""`flask kb seed`: load seed_content/ (the leaflet as YAML files) into the database, idempotently.

Each feature declares its own seed steps (`seed=` in its Feature, kb/platform/features.py); this
module runs them in the features' order, in one transaction, and reports progress. See
seed_content/README.md for the files' shape.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb.platform import features
from kb.platform.extensions import db
from kb.platform.features import SeedStep
from kb.platform.seed_files import SeedError, SeedReport


def planned_steps(directory: Path) -> list[tuple[str, SeedStep, Path | None]]:
    """(label, step, path) for every load the seed will run, after checking each step's files."""
    planned: list[tuple[str, SeedStep, Path | None]] = []
    for step in features.each("seed"):
        if not step.files:
            planned.append((step.label, step, None))
            continue
        paths = sorted(directory.glob(step.files))
        if step.count is not None and len(paths) != step.count:
            where = directory / Path(step.files).parent
            raise SeedError(f"{where} should hold {step.count} files for {step.label}, found {len(paths)}")
        if not paths:
            raise SeedError(f"{directory / step.files} is missing ({step.label})")
        wildcard = any(mark in step.files for mark in "*?[")
        planned += [(f"{step.label} {path.stem}" if wildcard else step.label, step, path) for path in paths]
    return planned


def load_seed(directory: Path, progress: Callable[[str], None] = lambda line: None) -> SeedReport:
    """Load every seed file in one transaction: a broken file leaves the database as it was."""
    report = SeedReport()
    steps = planned_steps(directory)
    try:
        for number, (label, step, path) in enumerate(steps, start=1):
            before = report.counts.copy()
            step.load(path, report)
            delta = report.counts - before
            done = ", ".join(f"{count} {outcome}" for outcome, count in sorted(delta.items())) or "nothing"
            progress(f"[{number}/{len(steps)}] {label}: {done}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
