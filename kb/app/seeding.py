"""`flask kb seed`: load seed_content/ (the leaflet as YAML files) into the database, idempotently.

Each feature seeds its own records; this module only runs them in order, in one transaction, and
reports progress. See seed_content/README.md for the files' shape.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kb.board.seed import seed_categories
from kb.library.seed import seed_theme_case_study
from kb.moderation.reasons import seed_saved_reasons
from kb.platform.extensions import db
from kb.platform.seed_files import SeedError, SeedReport, read_yaml
from kb.themes.models import THEME_SLUGS
from kb.themes.seed import seed_facts, seed_taskforce, seed_theme


def seed_theme_file(path: Path, report: SeedReport) -> None:
    """A theme's file: the theme itself, then the leaflet's case study for it and its lessons."""
    data = read_yaml(path)
    theme = seed_theme(data, path, report)
    if data.get("case_study"):
        seed_theme_case_study(data["case_study"], theme.slug, path, report)


def load_seed(directory: Path, progress: Callable[[str], None] = lambda line: None) -> SeedReport:
    """Load every seed file in one transaction: a broken file leaves the database as it was."""
    report = SeedReport()
    theme_files = sorted((directory / "themes").glob("*.yaml"))
    if len(theme_files) != len(THEME_SLUGS):
        raise SeedError(f"{directory / 'themes'} should hold {len(THEME_SLUGS)} theme files, found {len(theme_files)}")
    steps = [(f"theme {path.stem}", seed_theme_file, path) for path in theme_files]
    steps += [
        ("did-you-know facts", seed_facts, directory / "facts.yaml"),
        ("taskforce and leaflet", seed_taskforce, directory / "taskforce.yaml"),
        ("board categories", lambda _path, report: seed_categories(report), None),
        ("moderators' saved reasons", seed_saved_reasons, directory / "saved_reasons.yaml"),
    ]
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
