"""`flask kb backup`, `check-backup` and `restore` refuse what they cannot do faithfully, and say so
without changing anything; on PostgreSQL, restore makes the extensions the schema needs
(tests/site/test_restore_drill.py restores a whole site)."""

import json
import re
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from kb.app.seeding import load_seed
from kb.ops import backup as backups
from kb.ops.health import MIGRATIONS_DIR
from kb.platform.extensions import db
from kb.search import service as search
from kb.search.backends import close_all as close_search_backends
from kb.search.backends.whoosh.store import ensure_index
from tests.conftest import POSTGRES_URL, SEED_DIR, build_test_app
from tests.databases import brand_new_database


def test_a_damaged_or_foreign_file_is_refused_and_changes_nothing(app, seeded, tmp_path):
    runner = app.test_cli_runner()
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("minutes of the partnership board")
    for path, message in ((not_a_backup, "not a Common Ground backup"), (tmp_path / "missing", "There is no backup")):
        result = runner.invoke(args=["kb", "restore", "--force", str(path)])
        assert result.exit_code == 1 and message in result.output, result.output
    assert app.test_client().get("/themes/funding-it-better").status_code == 200

    backup = tmp_path / "site.backup"
    assert runner.invoke(args=["kb", "backup", str(backup)]).exit_code == 0
    damaged = bytearray(backup.read_bytes())
    damaged[-200] ^= 0xFF  # a flipped byte inside the archive
    backup.write_bytes(bytes(damaged))
    result = runner.invoke(args=["kb", "check-backup", str(backup)])
    assert result.exit_code == 1 and ("damaged" in result.output), result.output


def test_a_backup_from_a_newer_version_is_refused(app, seeded, tmp_path):
    runner = app.test_cli_runner()
    backup, newer = tmp_path / "site.backup", tmp_path / "newer.backup"
    assert runner.invoke(args=["kb", "backup", str(backup)]).exit_code == 0
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(newer, "w") as target:
        for member in source.namelist():
            content = source.read(member)
            if member == "manifest.json":
                manifest = json.loads(content)
                manifest["revision"] = "0099_from_a_later_release"
                content = json.dumps(manifest).encode()
            target.writestr(member, content)
    result = runner.invoke(args=["kb", "restore", "--force", str(newer)])
    assert result.exit_code == 1 and "newer version of Common Ground" in result.output, result.output
    assert "Nothing was changed" in result.output


# --- PostgreSQL: the extensions the schema needs live outside it -------------------------------


def test_restore_creates_every_extension_the_migrations_create():
    created = set()
    for migration in MIGRATIONS_DIR.glob("versions/*.py"):
        created |= set(re.findall(r"CREATE EXTENSION IF NOT EXISTS (\w+) WITH SCHEMA (\w+)", migration.read_text()))
    assert created and created == set(backups.EXTENSIONS.items())


needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="needs KB_TEST_POSTGRES_URL")
SEARCHES = ["partnership", "compact", "funding OR grants"]


@dataclass
class PublicSite:
    url: str
    backup: Path
    answers: dict


def answers_of(app) -> dict:
    """What visitors are told: a page of the library, and search."""
    client = app.test_client()
    answers = {query: client.get("/search.json", query_string={"q": query}).get_json() for query in SEARCHES}
    return {**answers, "/themes/funding-it-better": client.get("/themes/funding-it-better").get_data(as_text=True)}


@contextmanager
def site_at(url: str, search_dir: Path):
    ensure_index(search_dir)
    app = build_test_app(url, search_dir)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
            close_search_backends(app)


@pytest.fixture(scope="module")
def public_site(tmp_path_factory):
    """A site as production has it: its own database, its tables in the public schema, and a backup."""
    folder = tmp_path_factory.mktemp("public-site")
    server = make_url(POSTGRES_URL).render_as_string(hide_password=False)  # no search_path: public
    with brand_new_database(server, folder) as url, site_at(url, folder / "search") as app:
        upgrade()
        load_seed(SEED_DIR)
        search.rebuild()
        made = app.test_cli_runner().invoke(args=["kb", "backup", str(folder / "site.backup")])
        assert made.exit_code == 0, made.output
        yield PublicSite(url, folder / "site.backup", answers_of(app))


@needs_postgres
def test_a_site_in_the_public_schema_is_restored_over_itself_and_into_a_brand_new_database(public_site, tmp_path):
    # Over itself: dropping the public schema drops the extension in it too, which restore makes again.
    with site_at(public_site.url, tmp_path / "search") as app:
        restored = app.test_cli_runner().invoke(args=["kb", "restore", "--force", str(public_site.backup)])
        assert restored.exit_code == 0, restored.output
        assert answers_of(app) == public_site.answers
    # Into a brand-new database, as after DROP DATABASE and CREATE DATABASE.
    with brand_new_database(public_site.url, tmp_path) as url, site_at(url, tmp_path / "new-search") as app:
        restored = app.test_cli_runner().invoke(args=["kb", "restore", str(public_site.backup)])
        assert restored.exit_code == 0, restored.output
        assert answers_of(app) == public_site.answers


@needs_postgres
def test_a_user_who_may_not_create_the_extension_is_told_in_one_line_and_nothing_changes(public_site, tmp_path):
    user = f"kb_restorer_{uuid.uuid4().hex[:8]}"
    with brand_new_database(public_site.url, tmp_path, user=user) as url, site_at(url, tmp_path / "search") as app:
        refused = app.test_cli_runner().invoke(args=["kb", "restore", str(public_site.backup)])
        assert refused.exit_code == 1 and "Traceback" not in refused.output
        assert len(refused.output.strip().splitlines()) == 1, refused.output
        assert "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public" in refused.output
        assert "permission denied" in refused.output and "Nothing was changed" in refused.output
        with db.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []


@needs_postgres
def test_a_backup_of_another_schema_is_refused_and_nothing_changes(public_site, tmp_path):
    elsewhere = make_url(public_site.url).update_query_dict({"options": "-csearch_path=elsewhere"})
    with (
        brand_new_database(elsewhere.render_as_string(hide_password=False), tmp_path) as url,
        site_at(url, tmp_path / "search") as app,
    ):
        refused = app.test_cli_runner().invoke(args=["kb", "restore", str(public_site.backup)])
        assert refused.exit_code == 1 and "holds schema public" in refused.output, refused.output
        assert "uses schema elsewhere" in refused.output and "Nothing was changed" in refused.output
        with db.engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
