"""The schema comes from the migrations, and the migrations match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import Integer, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateTable

from kb import create_app
from kb.auth.models import User
from kb.ops.health import migration_heads
from kb.platform import mail
from kb.platform.extensions import db
from kb.search.backends.postgres.backend import TABLES as POSTGRES_SEARCH_TABLES
from tests.factories import make_user


def _not_search_tables(_object, name, type_, reflected, _compare_to):
    # The PostgreSQL search backend's tables have no models: plain SQL reads them.
    return not (type_ == "table" and reflected and name in POSTGRES_SEARCH_TABLES)


def test_models_and_migrations_do_not_drift(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _not_search_tables}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate` and review the new revision"


def test_database_is_at_the_newest_migration(app):
    with db.engine.connect() as connection:
        assert set(MigrationContext.configure(connection).get_current_heads()) == migration_heads()


def test_migrations_go_down_and_up_again(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert db.inspect(connection).get_table_names() == ["alembic_version"]
        upgrade()
        with db.engine.connect() as connection:
            assert "users" in db.inspect(connection).get_table_names()
        db.engine.dispose()


def _numbered_by_id(table) -> bool:
    """A table whose rows get a number of their own (a single integer key that points nowhere)."""
    key = list(table.primary_key.columns)
    return len(key) == 1 and isinstance(key[0].type, Integer) and not key[0].foreign_keys


def test_no_table_hands_out_an_id_twice(app):
    """SQLite gives a deleted row's id to the next row unless its table has AUTOINCREMENT; every
    table the migrations made has it, and so does every model, so tables made later have it too."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's sequences never hand out an id twice")
    with db.engine.connect() as connection:
        made = dict(connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
    numbered = [table for table in db.metadata.sorted_tables if _numbered_by_id(table)]
    assert len(numbered) > 30
    assert [table.name for table in numbered if "AUTOINCREMENT" not in made[table.name]] == []
    assert [
        table.name
        for table in numbered
        if "AUTOINCREMENT" not in str(CreateTable(table).compile(dialect=sqlite.dialect()))
    ] == []


def test_the_upgrade_to_autoincrement_keeps_rows_and_links_and_skips_ids_known_to_be_used(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0024")
        with db.engine.begin() as connection:
            for number in (1, 2, 3):
                connection.execute(
                    text(
                        "INSERT INTO users (id, email, display_name, organisation, sector, role, password_hash, "
                        "created_at) VALUES (:id, :email, 'Someone', '', 'other', 'member', 'x', '2026-01-01')"
                    ),
                    {"id": number, "email": f"person{number}@example.org"},
                )
            connection.execute(
                text(
                    "INSERT INTO notifications (user_id, message, link, created_at) "
                    "VALUES (2, 'Your case study was published', '/', '2026-01-02')"
                )
            )
            connection.execute(text("DELETE FROM users WHERE id = 3"))
            # A post and a case study that are gone, still named by the audit log and a removed search document.
            connection.execute(
                text(
                    "INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, "
                    "target_label, reason, created_at) VALUES (1, 'Someone', 'hide post', "
                    "'board post', 40, 'A thread', '', '2026-01-03')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO document_vectors (doc_key, content_type, visibility, themes, "
                    "fingerprint, vector, revision) VALUES ('library_item:70', 'case_study', "
                    "'removed', '', '', x'', 1)"
                )
            )
        upgrade()
        with db.engine.begin() as connection:
            assert connection.execute(text("SELECT id FROM users ORDER BY id")).scalars().all() == [1, 2]
            # Rebuilding users ran no ON DELETE action: the notification of member 2 is still theirs.
            assert connection.execute(text("SELECT user_id FROM notifications")).scalars().all() == [2]
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            sequences = dict(connection.execute(text("SELECT name, seq FROM sqlite_sequence")).all())
            assert (sequences["users"], sequences["board_posts"], sequences["library_items"]) == (2, 40, 70)
            connection.execute(
                text(
                    "INSERT INTO users (email, display_name, organisation, sector, role, password_hash, created_at) "
                    "VALUES ('new@example.org', 'New', '', 'other', 'member', 'x', '2026-02-01')"
                )
            )
            connection.execute(text("DELETE FROM users WHERE email = 'new@example.org'"))
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (email, display_name, organisation, sector, role, password_hash, created_at) "
                    "VALUES ('newer@example.org', 'Newer', '', 'other', 'member', 'x', '2026-02-02')"
                )
            )
            assert connection.execute(text("SELECT id FROM users WHERE email = 'newer@example.org'")).scalar() == 4
        # The audit log's triggers came back with its table: it still refuses deletions.
        with pytest.raises(DBAPIError, match="never changed or removed"), db.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log"))
        db.engine.dispose()


def test_titles_and_names_saved_with_line_breaks_are_put_on_one_line(tmp_path):
    """Rows saved before every one-line field went through kb.platform.text.one_line."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0024")
        user_id = make_user(email="sam@example.org").id
        message = mail.queue("sam@example.org", "reset_password", "Reset", name="Sam", link="x", minutes=60)
        db.session.commit()
        message_id = message.id
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE users SET display_name = :name, organisation = :organisation"),
                {"name": "Sam\r\nOkafor", "organisation": "Forum\u2028North"},
            )
            connection.execute(
                text("UPDATE mail_outbox SET subject = :subject"), {"subject": "New case study: “Joint\ntraining”"}
            )
        db.session.remove()
        upgrade()
        user = db.session.get(User, user_id)
        assert (user.display_name, user.organisation) == ("Sam Okafor", "Forum North")
        assert db.session.get(mail.MailOutbox, message_id).subject == "New case study: “Joint training”"
        db.session.remove()
        db.engine.dispose()
