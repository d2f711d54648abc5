"""The schema comes from the migrations, and the migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from kb import create_app, mail
from kb.auth.models import User
from kb.extensions import db
from kb.ops.health import migration_heads
from kb.search.backends.postgres_backend import TABLES as POSTGRES_SEARCH_TABLES
from tests.factories import make_user


def _not_search_tables(_object, name, type_, reflected, _compare_to):
    # The PostgreSQL search backend's tables have no models: plain SQL reads them.
    return not (type_ == "table" and reflected and name in POSTGRES_SEARCH_TABLES)


def test_models_and_migrations_do_not_drift(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "include_object": _not_search_tables})
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


def test_titles_and_names_saved_with_line_breaks_are_put_on_one_line(tmp_path):
    """Rows saved before every one-line field went through kb.common.text.one_line."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0024")
        user_id = make_user(email="sam@example.org").id
        message = mail.queue("sam@example.org", "reset_password", "Reset", name="Sam", link="x", minutes=60)
        db.session.commit()
        message_id = message.id
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE users SET display_name = :name, organisation = :organisation"),
                               {"name": "Sam\r\nOkafor", "organisation": "Forum\u2028North"})
            connection.execute(text("UPDATE mail_outbox SET subject = :subject"),
                               {"subject": "New case study: “Joint\ntraining”"})
        db.session.remove()
        upgrade()
        user = db.session.get(User, user_id)
        assert (user.display_name, user.organisation) == ("Sam Okafor", "Forum North")
        assert db.session.get(mail.MailOutbox, message_id).subject == "New case study: “Joint training”"
        db.session.remove()
        db.engine.dispose()
