"""`flask kb seed` loads the leaflet idempotently, with progress, and never half-loads a broken file."""

import shutil

import pytest
from sqlalchemy import func, select

from kb.library.models import LibraryItem
from kb.platform.extensions import db
from kb.themes.models import ChecklistPair, Fact, TaskforceOrganisation, Theme
from tests.conftest import SEED_DIR


@pytest.fixture
def seed_copy(tmp_path):
    copy = tmp_path / "seed"
    shutil.copytree(SEED_DIR, copy)
    return copy


def counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Theme, ChecklistPair, Fact, TaskforceOrganisation)
    }


def test_first_seed_loads_everything_with_progress(runner):
    result = runner.invoke(args=["kb", "seed"])
    assert result.exit_code == 0, result.output
    assert "[1/14] theme 1-improving-understanding" in result.output
    assert "[7/14] taskforce and leaflet" in result.output
    assert "[13/14] board categories: 7 created" in result.output
    assert "[14/14] moderators' saved reasons: 8 created" in result.output
    assert "Seed loaded:" in result.output
    assert counts() == {"Theme": 5, "ChecklistPair": 25, "Fact": 12, "TaskforceOrganisation": 29}
    slugs = db.session.scalars(select(Theme.slug).order_by(Theme.position)).all()
    assert slugs == [
        "improving-understanding",
        "joining-up-policy",
        "organising-ourselves",
        "sharing-good-practice",
        "funding-it-better",
    ]


def test_second_seed_changes_nothing_and_says_so(runner):
    runner.invoke(args=["kb", "seed"])
    before = counts()
    result = runner.invoke(args=["kb", "seed"])
    assert result.exit_code == 0
    assert "Nothing to change" in result.output
    assert counts() == before


def test_editing_a_seed_file_updates_just_that(runner, client, seed_copy):
    runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    theme_file = seed_copy / "themes" / "2-joining-up-policy.yaml"
    text = theme_file.read_text()
    theme_file.write_text(text.replace("To ensure joined-up policy-making", "To make sure of joined-up policy-making"))
    result = runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    assert "1 updated" in result.output
    assert "To make sure of joined-up policy-making" in client.get("/themes/joining-up-policy").get_data(as_text=True)


def test_a_checklist_pair_removed_from_the_file_leaves_the_site(runner, seed_copy):
    runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    theme_file = seed_copy / "themes" / "3-organising-ourselves.yaml"
    lines = theme_file.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "Retain flexibility" in line)
    theme_file.write_text("".join(lines[:start] + lines[start + 2 :]))
    result = runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    assert "removed" in result.output
    theme = db.session.scalar(select(Theme).where(Theme.slug == "organising-ourselves"))
    assert [pair.do_text[:6] for pair in theme.checklist] == ["Ensure", "Suppor", "Ensure"]


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("slug: [unclosed", "is not valid YAML"),
        (
            "slug: no-such-theme\ntitle: X\nposition: 1\nsummary: s\naim: a\nchecklist: []\n",
            "not one of the five themes",
        ),
        (
            "slug: funding-it-better\ntitle: X\nposition: 5\nsummary: s\naim: a\nchecklist:\n  - do: only a do\n",
            "needs both 'do' and 'dont'",
        ),
    ],
)
def test_a_broken_file_is_named_and_nothing_is_changed(runner, seed_copy, broken, message):
    runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    before = counts()
    (seed_copy / "themes" / "5-funding-it-better.yaml").write_text(broken)
    first = seed_copy / "themes" / "1-improving-understanding.yaml"
    first.write_text(first.read_text().replace("To develop better understanding", "CHANGED understanding"))
    result = runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    assert result.exit_code == 1
    assert "5-funding-it-better.yaml" in result.output
    assert message in result.output
    assert "Nothing was changed" in result.output
    assert counts() == before
    # Theme 1 loaded before the broken file was reached, yet its change was rolled back with the rest.
    assert db.session.scalar(select(Theme.aim).where(Theme.position == 1)).startswith("To develop better")


def test_the_seed_loads_the_lessons_drawn_from_the_case_studies(runner, client, seed_copy):
    runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    page = client.get("/lessons").get_data(as_text=True)
    assert "One grants gateway with shared criteria improved co-ordination" in page
    lesson = db.session.scalar(
        select(LibraryItem).where(LibraryItem.kind == "lesson", LibraryItem.title.like("One grants gateway%"))
    )
    assert lesson.outcome == "worked well" and lesson.source_case_study.title == "Effective funding arrangements"
    assert "Effective funding arrangements" in client.get(f"/lessons/{lesson.id}-{lesson.slug}").get_data(as_text=True)
    # A lesson with an outcome the site does not know is named, and nothing is loaded.
    theme_file = seed_copy / "themes" / "5-funding-it-better.yaml"
    theme_file.write_text(theme_file.read_text().replace("outcome: worked well", "outcome: brilliant"))
    result = runner.invoke(args=["kb", "seed", "--directory", str(seed_copy)])
    assert result.exit_code == 1 and "a lesson's outcome must be one of" in result.output
