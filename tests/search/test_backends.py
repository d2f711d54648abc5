"""KB_SEARCH_BACKEND: the choice is checked at start-up, and whatever anyone types into the search
box gives a page on either backend, never an error, never SQL or tsquery syntax of their own."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text as text_

from kb import create_app
from kb.app.config import ConfigError, load_settings
from kb.search import service as search
from tests.search.conftest import results, titles

PROJECT = Path(__file__).resolve().parents[2]


def test_an_unknown_backend_stops_start_up_naming_the_setting(tmp_path):
    with pytest.raises(ConfigError, match="KB_SEARCH_BACKEND must be one of whoosh, postgres; got 'elastic'"):
        load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_SEARCH_BACKEND": "elastic"})


def test_postgres_search_on_sqlite_stops_start_up(tmp_path):
    with pytest.raises(ConfigError, match="KB_SEARCH_BACKEND=postgres needs a PostgreSQL database"):
        load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_SEARCH_BACKEND": "postgres"})
    # The same when the database is chosen by the app's own configuration.
    with pytest.raises(ConfigError, match="needs a PostgreSQL database"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'kb.sqlite3'}", "KB_SEARCH_BACKEND": "postgres"})


def test_the_default_is_whoosh(tmp_path):
    assert load_settings({"KB_INSTANCE_DIR": str(tmp_path)}).search_backend == "whoosh"


def test_a_wrong_combination_is_one_clear_line_on_the_command_line(tmp_path):
    environment = {
        **os.environ,
        "KB_INSTANCE_DIR": str(tmp_path),
        "KB_SEARCH_BACKEND": "postgres",
        "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        "PYTHONPATH": str(PROJECT),
    }
    finished = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 2
    assert finished.stderr.strip().splitlines() == [
        "Common Ground cannot start: KB_SEARCH_BACKEND=postgres needs a PostgreSQL database in KB_DATABASE_URL; "
        "use KB_SEARCH_BACKEND=whoosh with SQLite"
    ]


@pytest.fixture
def corpus(publish, themes_only):
    publish("Joint training for councillors", "Councillors and charities trained together on the compact.")
    publish("Training the trainers", "Partners trained one another; the joint sessions were short.")


ODD_QUERIES = [
    "!!!",
    "&|!<->:*()",
    '"unbalanced training',
    "\x00training",
    "training\x00",
    "a" * 10_000,
    "training " * 2000,
    "'; DROP TABLE search_documents; --",
    "train:* & !councillor",
    "'training'",
    "\\",
    "train*:*",
    "(training",
    "training | joint",
    "-training",
    "OR OR OR",
    "*",
    "**",
    '""',
    "the of and",
    "ünïcödé*",
    "日本語 training",
    "🙂 training",
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_input_gives_a_page_never_an_error(client, corpus, query):
    page = client.get("/search", query_string={"q": query})
    assert page.status_code == 200
    data = client.get("/search.json", query_string={"q": query})
    assert data.status_code == 200
    assert client.get("/api/v1/search", query_string={"q": query}).status_code in (200, 400)


def test_tsquery_syntax_is_read_as_words_not_operators(client, corpus):
    # "!councillor" would exclude councillors if it reached to_tsquery as typed.
    assert "Joint training for councillors" in titles(client, "q=train:* %26 !councillor")
    assert set(titles(client, "q=training+|+joint")) == {"Joint training for councillors", "Training the trainers"}


def test_an_injection_attempt_is_only_words_and_the_index_survives(client, corpus):
    results(client, "q=%27%3B+DROP+TABLE+search_documents%3B+--")
    assert len(titles(client, "q=training")) == 2


def test_a_long_query_is_cut_and_said_so(client, corpus):
    data = results(client, "q=" + "training+" * 2000)
    assert data["read_as"] and data["total"] == 2


def test_only_punctuation_finds_nothing_and_says_how_it_was_read(client, corpus):
    page = client.get("/search?q=%21%21%21").get_data(as_text=True)
    assert "We searched for:" in page


def test_postgres_builds_the_tsquery_from_the_parts(app, search_backend):
    if search_backend != "postgres":
        pytest.skip("the tsquery is the PostgreSQL backend's")
    from kb.platform.extensions import db
    from kb.search.backends.postgres.query import tsquery_text

    whole, groups = tsquery_text(
        db.session, search.parse('"joint sessions" partn* OR trainers -councillors'), any_words=False
    )
    assert whole == "'joint' <-> 'session' & ( 'partn':* | 'trainer' ) & !'councillor'"
    assert groups == ["'joint' <-> 'session'", "'partn':* | 'trainer'"]
    # Only stop words: nothing to look for, said as an empty query (no error from PostgreSQL).
    assert tsquery_text(db.session, search.parse("the of and"), any_words=False)[0] == ""


def test_the_search_table_is_made_only_on_postgresql(app, database_url):
    from sqlalchemy import inspect

    from kb.platform.extensions import db

    with db.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
    expected = database_url.startswith("postgresql")
    assert ("search_documents" in tables, "search_vocabulary" in tables) == (expected, expected)


def test_the_vocabulary_holds_words_of_public_documents_only(client, publish, themes_only, search_backend):
    if search_backend != "postgres":
        pytest.skip("the vocabulary table is the PostgreSQL backend's")
    from kb.platform.extensions import db

    publish("Zephyrine approach")
    publish("Quixotical draft", status="draft")
    words = set(db.session.execute(text_("SELECT word FROM search_vocabulary")).scalars())
    assert "zephyrine" in words and "quixotical" not in words
    assert results(client, "q=quixoticol")["suggestion"] is None
    assert results(client, "q=zephyrime")["suggestion"] == "zephyrine"
