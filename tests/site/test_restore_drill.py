"""The restore drill: the whole site (content in every state of every feature), backed up with
`flask kb backup`, and restored with `flask kb restore` into the emptied database, or into a
brand-new one (CREATE DATABASE and nothing else, as after losing the server), is the same site:
every registered page as an administrator and as a visitor, search, and the audit log."""

from __future__ import annotations

import difflib
import re

from kb.platform import clock
from kb.platform.extensions import db
from kb.search import service as search
from kb.search.backends import close_all as close_search_backends
from kb.search.backends.whoosh.store import ensure_index
from tests.conftest import build_test_app, empty_tables
from tests.databases import brand_new_database
from tests.site.harness import text_of

# What differs between two renderings of the same page: form tokens and the script nonce.
VOLATILE = [
    (re.compile(r'(name="(?:[\w-]*-)?(?:csrf|creation)_token"[^>]*value=")[^"]+'), r"\1…"),
    (re.compile(r'nonce="[^"]+"'), 'nonce="…"'),
    # A member's data download says when it was made.
    (re.compile(r'("generated_at": ")[^"]+'), r"\1…"),
    (re.compile(r"(held about .*? on )\S+"), r"\1…"),
]
SEARCHES = ["partnership", "compact", "harness", "reinventing the wheel", "funding OR grants", "a*"]


def normalised(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def what_the_site_shows(whole_site) -> dict:
    shown = {}
    for role in ("admin", "anonymous"):
        client = whole_site.clients[role]
        for page in whole_site.site.pages:
            response = client.get(page.url)
            shown[(role, page.url)] = (response.status_code, normalised(text_of(response)))
        for query in SEARCHES:
            shown[(role, f"search {query}")] = client.get("/search.json", query_string={"q": query}).get_json()
        # A walk that ends on pages asking a visitor to log in leaves that message waiting for the
        # next page drawn: take it now, so that each walk starts without one.
        client.get("/about")
    shown["audit log"] = whole_site.clients["admin"].get("/moderation/log.csv").get_data(as_text=True)
    return shown


def test_a_backup_restored_into_an_emptied_database_gives_back_the_same_site(whole_site, tmp_path):
    runner = whole_site.app.test_cli_runner()
    clock.freeze(clock.now())  # pages that show the time (a suspension form's default end) show the same time
    # The index rebuilt from the database, as the restore rebuilds it: documents without a date
    # (the checklist) keep the order a rebuild gives them, not the order they were first indexed in.
    search.rebuild()
    what_the_site_shows(whole_site)  # reading marks board threads as read, and takes waiting messages
    before = what_the_site_shows(whole_site)
    assert len(before) > 100 and before[("admin", "/case-studies")][0] == 200
    backup = tmp_path / "common-ground.backup"

    made = runner.invoke(args=["kb", "backup", str(backup)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(args=["kb", "check-backup", str(backup)])
    assert checked.exit_code == 0 and "The backup is whole" in checked.output, checked.output

    refused = runner.invoke(args=["kb", "restore", str(backup)])
    assert refused.exit_code == 1 and "already holds data" in refused.output and "Nothing was changed" in refused.output

    empty_tables()
    assert (
        whole_site.clients["anonymous"].get("/case-studies").get_data(as_text=True)
        != before[("anonymous", "/case-studies")][1]
    )
    restored = runner.invoke(args=["kb", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert "Every table holds the rows the backup recorded" in restored.output
    assert "Indexed" in restored.output

    after = what_the_site_shows(whole_site)
    changed = [key for key in before if before[key] != after.get(key)]
    assert changed == [], "\n".join(differences(before[key], after.get(key), key) for key in changed)


def test_a_backup_restored_into_a_brand_new_database_gives_back_the_same_site(whole_site, tmp_path):
    clock.freeze(clock.now())
    search.rebuild()
    what_the_site_shows(whole_site)
    before = what_the_site_shows(whole_site)
    backup = tmp_path / "common-ground.backup"
    made = whole_site.app.test_cli_runner().invoke(args=["kb", "backup", str(backup)])
    assert made.exit_code == 0, made.output

    new_search_dir = tmp_path / "new-search"
    ensure_index(new_search_dir)  # `flask kb index init` on the new machine
    with brand_new_database(whole_site.app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) as url:
        new_site = build_test_app(url, new_search_dir)
        # The new machine is set up as the old one was (the harness raised the API's limit, for one).
        new_site.config.update(
            {
                key: value
                for key, value in whole_site.app.config.items()
                if key.startswith("KB_") and key != "KB_SEARCH_DIR"
            }
        )
        with new_site.app_context():
            try:
                restored = new_site.test_cli_runner().invoke(args=["kb", "restore", str(backup)])
                assert restored.exit_code == 0, restored.output
                assert "Every table holds the rows the backup recorded" in restored.output
                # The same visitors, with the same cookies, now asking the new site.
                for client in whole_site.clients.values():
                    client.application = new_site
                after = what_the_site_shows(whole_site)
            finally:
                for client in whole_site.clients.values():
                    client.application = whole_site.app
                db.session.remove()
                db.engine.dispose()
                close_search_backends(new_site)
    changed = [key for key in before if before[key] != after.get(key)]
    assert changed == [], "\n".join(differences(before[key], after.get(key), key) for key in changed)


def differences(before, after, key) -> str:
    """What a changed page lost and gained, so that a failure says what moved."""
    lines = [str(part) for part in (before if isinstance(before, tuple) else (before,))]
    later = [str(part) for part in (after if isinstance(after, tuple) else (after,))]
    changed = difflib.unified_diff("\n".join(lines).splitlines(), "\n".join(later).splitlines(), lineterm="", n=1)
    return f"{key}:\n" + "\n".join(list(changed)[2:40])
