"""The index never silently falls out of step with the data: visibility, the outbox, crashes,
concurrent writers and rebuilds."""

import contextlib
import multiprocessing
import os
import re
import threading

import pytest
from sqlalchemy import select, text
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema

from kb import create_app
from kb.library import service as library
from kb.library.models import LibraryItem
from kb.platform.extensions import db
from kb.search import outbox
from kb.search import service as search
from kb.search.backends.postgres.backend import WRITE_LOCK
from kb.search.backends.whoosh.store import INDEX_NAME, make_current
from tests.conftest import csrf_token_from, sign_in
from tests.search.conftest import results, titles


def test_only_published_items_are_found_even_in_facet_counts(client, app, publish, people, themes_only):
    publish("Published compact story", region="London")
    publish("Draft compact story", status="draft", region="Wales")
    publish("Submitted compact story", status="submitted", region="Scotland")
    data = results(client, "q=compact")
    assert [hit["title"] for hit in data["results"]] == ["Published compact story"]
    assert {facet["value"] for facet in data["facets"]["region"]} == {"London"}
    assert data["total"] == 1


def test_moderators_may_ask_for_unpublished_items_and_members_may_not(app, publish, people, themes_only):
    publish("Draft compact story", status="draft")
    moderator, member = app.test_client(), app.test_client()
    sign_in(moderator, people["moderator"])
    sign_in(member, people["author"])
    assert titles(moderator, "q=compact") == []
    assert titles(moderator, "q=compact&unpublished=1") == ["Draft compact story"]
    assert titles(member, "q=compact&unpublished=1") == []  # even the author, through search


def test_a_change_made_through_the_site_is_findable_after_the_response(app, publish, people, themes_only):
    item = publish("Old title about grants")
    moderator = app.test_client()
    sign_in(moderator, people["moderator"])
    page = moderator.get(f"/case-studies/{item.id}/edit").get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    response = moderator.post(
        f"/case-studies/{item.id}/edit",
        data={
            "title": "New title about grants",
            "summary": "s",
            "body": "grants",
            "themes": ["funding-it-better"],
            "revision": revision,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 302
    response.close()  # the server closes the response after sending it; the drain runs then
    assert titles(app.test_client(), "q=grants") == ["New title about grants"]
    assert outbox.backlog()["rows"] == 0


def test_archived_items_are_found_and_marked_and_rejected_ones_vanish(client, publish, people, themes_only):
    archived = publish("Archived compact story")
    library.archive(archived, by=people["moderator"], reason="Old")
    rejected = publish("Rejected compact story", status="submitted")
    library.reject(rejected, by=people["moderator"], reason="Spam")
    search.drain()
    hits = results(client, "q=compact")["results"]
    assert [(hit["title"], hit["status"]) for hit in hits] == [("Archived compact story", "archived")]


def test_a_crash_between_commit_and_index_write_loses_nothing(client, publish, people, themes_only):
    # The data commits with its outbox row; the process "dies" before draining.
    item = library.start_item(
        library.Kind.CASE_STUDY,
        library.ItemFields(
            title="Survives the crash", summary="A summary", body="crash", theme_slugs=["funding-it-better"]
        ),
        by=people["moderator"],
    )
    library.publish(item, by=people["moderator"])
    assert titles(client, "q=crash") == []
    assert outbox.backlog()["rows"] >= 1
    search.drain()  # the next drain, from any process
    assert titles(client, "q=crash") == ["Survives the crash"]


def test_a_rolled_back_change_never_reaches_the_index(client, publish, people, themes_only):
    item = publish("Stable title")
    item.title = "Rolled back title"
    db.session.flush()  # the outbox row is written in the transaction...
    db.session.rollback()  # ...and rolled back with it
    assert outbox.backlog()["rows"] == 0
    search.drain()
    assert titles(client, "q=rolled") == []


@contextlib.contextmanager
def another_writer(search_backend):
    """Another process holds the index's write lock: Whoosh's file lock, or PostgreSQL's advisory lock."""
    if search_backend == "whoosh":
        from kb.search.backends.whoosh.store import open_index

        writer = open_index(search.search_dir()).writer()
        try:
            yield
        finally:
            writer.cancel()
        return
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": WRITE_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": WRITE_LOCK})


def test_a_busy_index_leaves_the_work_in_the_outbox(client, app, publish, people, themes_only, search_backend):
    with another_writer(search_backend):
        item = publish("Waiting for the lock")
        result = search.drain()
        assert result.busy and result.remaining >= 1
        assert titles(client, "q=lock") == []
    search.drain()
    assert titles(client, "q=lock") == [item.title]


def _edit_many(database_url, search_dir, search_backend, worker, ids, rounds):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "KB_SEARCH_DIR": search_dir, "KB_SEARCH_BACKEND": search_backend}
    )
    with app.app_context():
        for round_number in range(rounds):
            for item_id in ids:
                item = db.session.get(LibraryItem, item_id)
                db.session.refresh(item)
                # Another worker may save it at the same moment: as a person would, move on.
                with contextlib.suppress(library.StaleEdit):
                    library.save_item(
                        item,
                        library.ItemFields(
                            title=f"Item {item_id} edited by {worker} round {round_number}",
                            body="concurrent",
                            theme_slugs=["funding-it-better"],
                        ),
                        by=item.author,
                        opened_at_revision=item.revision_number,
                    )
                search.drain_quietly(0.2)
        db.session.remove()
        db.engine.dispose()


def test_concurrent_writers_leave_the_index_matching_the_database(
    client, app, publish, people, themes_only, database_url, search_dir, search_backend
):
    items = [publish(f"Item {number}", body="concurrent") for number in range(6)]
    ids = [item.id for item in items]
    # Moderators edit published items directly, so each save is live and queued for the index.
    for item in items:
        item.author = people["moderator"]
    db.session.commit()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_edit_many, args=(database_url, str(search_dir), search_backend, worker, ids, 3))
        for worker in range(3)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    search.drain()
    db.session.expire_all()
    expected = sorted(db.session.scalars(select(LibraryItem.title).where(LibraryItem.id.in_(ids))))
    assert sorted(titles(client, "q=concurrent&sort=newest")) == expected
    assert search.status()["types"]["case study"] == {"index": 6, "database": 6}


def test_searching_keeps_working_during_a_rebuild(client, app, publish, themes_only, search_backend):
    for number in range(40):
        publish(f"Rebuild story {number}", body="rebuild")
    failures, stop = [], threading.Event()

    def keep_searching():
        with app.app_context():
            while not stop.is_set():
                try:
                    found = search.search(search.SearchRequest(parsed=search.parse("rebuild"), visibilities={"public"}))
                    if found.total != 40:
                        failures.append(found.total)
                except Exception as error:  # any error at all is a failure here
                    failures.append(repr(error))
                finally:
                    db.session.rollback()  # a fresh snapshot for the next search

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        assert search.rebuild() == 40
    finally:
        stop.set()
        searcher.join(timeout=30)
    assert failures == []
    if search_backend == "whoosh":
        assert len(list(search.search_dir().glob("index-*"))) == 1  # the old index was cleared away


def test_status_compares_the_index_with_the_database(runner, publish, themes_only):
    publish("One case study")
    result = runner.invoke(args=["kb", "index", "status"])
    assert result.exit_code == 0
    assert "case study" in result.output and "outbox: 0 waiting" in result.output
    assert "differs" not in result.output


def test_rebuild_command_shows_progress_and_swaps_in_a_new_index(client, runner, publish, themes_only, search_backend):
    publish("Rebuilt case study")
    before = {path.name for path in search.search_dir().glob("index-*")}
    result = runner.invoke(args=["kb", "index", "rebuild"])
    assert result.exit_code == 0 and "Indexing" in result.output and "Indexed 1 documents." in result.output
    assert titles(client, "q=rebuilt") == ["Rebuilt case study"]
    if search_backend == "whoosh":
        assert {path.name for path in search.search_dir().glob("index-*")}.isdisjoint(before)


def test_a_rebuild_brings_back_what_the_index_lost(client, runner, publish, themes_only):
    publish("Lost then found")
    found = search.search(search.SearchRequest(parsed=search.parse("found"), visibilities={"public"}))
    search.remove_document(found.hits[0].fields["doc_id"])
    assert titles(client, "q=found") == []
    status = runner.invoke(args=["kb", "index", "status"])
    assert "differs: run `flask kb index rebuild`" in status.output
    assert runner.invoke(args=["kb", "index", "rebuild"]).exit_code == 0
    assert titles(client, "q=found") == ["Lost then found"]
    assert "differs" not in runner.invoke(args=["kb", "index", "status"]).output


def test_init_rebuilds_an_index_made_by_an_older_schema(client, runner, publish, themes_only, search_backend):
    if search_backend == "postgres":
        pytest.skip("Whoosh only: the PostgreSQL table's shape comes from the migrations, never from an old index")
    publish("Outlasts the old index")
    folder = search.search_dir()
    old = folder / "index-from-an-older-version"
    old.mkdir()
    whoosh_index.create_in(str(old), Schema(doc_id=ID(stored=True, unique=True), text=TEXT()), indexname=INDEX_NAME)
    make_current(folder, old)
    result = runner.invoke(args=["kb", "index", "init"])
    assert result.exit_code == 0 and "built by an older version; rebuilding it" in result.output
    assert titles(client, "q=outlasts") == ["Outlasts the old index"]
    again = runner.invoke(args=["kb", "index", "init"])
    assert "Kept the existing search index" in again.output


def test_init_fills_an_empty_index_and_then_keeps_it(client, runner, publish, themes_only, search_backend):
    publish("Filled by init")
    search.rebuild()
    result = runner.invoke(args=["kb", "index", "init"])
    assert result.exit_code == 0 and "Kept the existing search index" in result.output
    check = runner.invoke(args=["kb", "index", "check"])
    assert check.exit_code == 0 and "1 documents" in check.output


assert os.name == "posix"  # the outbox relies on Whoosh's file lock, as on the servers
