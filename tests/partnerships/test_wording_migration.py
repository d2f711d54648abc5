"""Migration 0020 gives the answers already given the wording their pair has, so the rounds before
it are compared with the ones after it as long as nobody rewords the item."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from kb import create_app
from kb.partnerships import service
from kb.partnerships.models import Answer, wording_key
from kb.platform.extensions import db
from kb.themes.models import ChecklistPair, Theme
from tests.factories import make_user


def test_answers_given_before_the_migration_get_their_pairs_wording(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade()
        theme = Theme(
            slug="improving-understanding",
            title="Improving understanding",
            position=1,
            summary="",
            aim="",
            checklist=[ChecklistPair(position=1, do_text="Map  the sector", dont_text="Guess")],
        )
        db.session.add(theme)
        db.session.commit()
        person = make_user()
        partnership = service.register_partnership("Scratch Partnership", "Wales", "", "public body", by=person)
        health_check = service.open_round(partnership, "2026", None, by=person)
        service.save_theme_answers(
            health_check, theme, {theme.checklist[0].id: service.ItemAnswer("mostly")}, "", member=person, by=person
        )
        assert db.session.scalar(select(Answer.wording)) == wording_key("Map the sector", "Guess")
        db.session.remove()

        downgrade(revision="0019")
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE checklist_pairs SET do_text = 'Map the whole sector'"))
        upgrade()
        assert db.session.scalar(select(Answer.wording)) == wording_key("Map the whole sector", "Guess")
        assert wording_key("Map the whole sector", "Guess") != wording_key("Map the sector", "Guess")
        db.session.remove()
        db.engine.dispose()
