"""Migration 0029: each member's three "how often" columns become rows, one per kind, with nothing
chosen lost; and back again."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from kb import create_app
from kb.auth.models import User
from kb.platform.extensions import db
from kb.platform.notifications import Frequency, Kind
from kb.platform.notifications.telling import settings_of
from tests.factories import make_user


def test_choices_made_before_the_migration_are_kept_kind_by_kind(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade()
        chooser, silent = make_user(email="chooser@example.org"), make_user(email="silent@example.org")
        chooser_id, silent_id = chooser.id, silent.id
        db.session.remove()
        downgrade(revision="0028")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO notification_settings (user_id, replies, decisions, case_studies, updated_at) "
                    "VALUES (:id, 'immediate', 'off', 'daily', '2026-11-30 10:00:00')"
                ),
                {"id": chooser_id},
            )
        upgrade()
        chooser, silent = db.session.get(User, chooser_id), db.session.get(User, silent_id)
        chosen = settings_of(chooser)
        assert [chosen.frequency(kind) for kind in Kind.chosen_by_members()] == [
            Frequency.IMMEDIATE,
            Frequency.OFF,
            Frequency.DAILY,
            Kind.INVITATIONS.default,  # kinds declared since: their defaults
            Kind.HEALTH_CHECKS.default,
            Kind.MODERATION.default,
        ]
        defaults = settings_of(silent)
        assert [defaults.frequency(kind) for kind in Kind.chosen_by_members()] == [
            kind.default for kind in Kind.chosen_by_members()
        ]
        db.session.remove()

        downgrade(revision="0028")
        with db.engine.connect() as connection:
            row = connection.execute(
                text("SELECT replies, decisions, case_studies FROM notification_settings WHERE user_id = :id"),
                {"id": chooser_id},
            ).one()
        assert tuple(row) == ("immediate", "off", "daily")
        upgrade()
        db.session.remove()
        db.engine.dispose()
