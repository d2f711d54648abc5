"""Migration 0028: a round's vote is closed, its counts frozen, where a later round has opened; the
latest round's vote stays open. Unverified accounts' answers leave the rounds still open, and their
votes the votes still open; what closed rounds counted stays as it was."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from kb import create_app
from kb.partnerships import service
from kb.partnerships.actions.models import PriorityTally, PriorityVote
from kb.partnerships.models import Answer, HealthCheckRound, Membership
from kb.platform.extensions import db
from kb.themes.models import ChecklistPair, Theme
from tests.factories import make_user


def test_votes_close_where_a_later_round_opened_and_unverified_accounts_leave_what_is_open(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"})
    with app.app_context():
        upgrade()
        theme = Theme(
            slug="improving-understanding",
            title="Improving understanding",
            position=1,
            summary="",
            aim="",
            checklist=[
                ChecklistPair(position=1, do_text="Map the sector", dont_text="Guess"),
                ChecklistPair(position=2, do_text="Meet", dont_text="Ignore"),
            ],
        )
        db.session.add(theme)
        db.session.commit()
        first, second = (pair.id for pair in theme.checklist)
        coordinator, unverified = make_user(), make_user(verified=False)
        partnership = service.register_partnership("Scratch Partnership", "Wales", "", "public body", by=coordinator)
        lone = service.register_partnership("Lone Partnership", "Wales", "", "public body", by=coordinator)
        for each in (partnership, lone):  # joined before only verified accounts could
            db.session.add(Membership(partnership_id=each.id, user_id=unverified.id, sector="other"))
        earlier = service.open_round(partnership, "2025", None, by=coordinator)
        lone_round = service.open_round(lone, "2025", None, by=coordinator)
        db.session.add(Answer(round_id=earlier.id, user_id=unverified.id, pair_id=first, rating="mostly"))
        db.session.commit()
        service.close_round(earlier, by=coordinator)
        service.close_round(lone_round, by=coordinator)
        for round_id in (earlier.id, lone_round.id):
            db.session.add_all(
                [
                    PriorityVote(round_id=round_id, user_id=coordinator.id, pair_id=first),
                    PriorityVote(round_id=round_id, user_id=unverified.id, pair_id=first),
                    PriorityVote(round_id=round_id, user_id=unverified.id, pair_id=second),
                ]
            )
        db.session.commit()
        later = service.open_round(partnership, "2026", None, by=coordinator)
        service.save_theme_answers(later, theme, {first: service.ItemAnswer("mostly")}, "", coordinator, by=coordinator)
        db.session.add(Answer(round_id=later.id, user_id=unverified.id, pair_id=first, rating="consistently-dont"))
        db.session.commit()
        ids = earlier.id, later.id, lone_round.id, unverified.id, coordinator.id
        db.session.remove()

        downgrade(revision="0024")
        upgrade()
        earlier_id, later_id, lone_id, unverified_id, coordinator_id = ids
        earlier, later = db.session.get(HealthCheckRound, earlier_id), db.session.get(HealthCheckRound, later_id)
        assert earlier.voting_closed_at == later.opened_at and earlier.priority_voters == 2
        assert sorted(
            db.session.execute(
                select(PriorityTally.pair_id, PriorityTally.votes).where(PriorityTally.round_id == earlier_id)
            ).all()
        ) == [(first, 2), (second, 1)]
        lone_round = db.session.get(HealthCheckRound, lone_id)
        assert lone_round.voting_closed_at is None  # the latest round's vote is still open...
        assert db.session.scalars(
            select(PriorityVote.user_id).where(  # ...without the unverified account's votes
                PriorityVote.round_id == lone_id
            )
        ).all() == [coordinator_id]
        answers = db.session.execute(select(Answer.round_id, Answer.user_id)).all()
        assert sorted(answers) == sorted([(earlier_id, unverified_id), (later_id, coordinator_id)])
        db.session.remove()
        db.engine.dispose()
