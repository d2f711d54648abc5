"""health-check priority votes close, and show counts frozen at the close; unverified accounts'
answers and votes taken out of what is still open

- healthcheck_rounds.voting_closed_at and .priority_voters, and healthcheck_priority_tallies: a
  round's vote closes when a coordinator closes it or the next round opens, and its counts are
  kept as they stood then. Counts shown while voting was open changed with each vote by exactly
  that member's picks.
- Rounds already followed by another round: their vote closed when that round opened, with the
  votes as they are now. The latest closed round's vote stays open: its counts, shown until today,
  are hidden until it closes.
- Accounts whose email address is not verified may no longer join, answer or vote (a few made-up
  accounts next to one real member made up the minimum of respondents). Their memberships stay:
  they read the partnership, and take part once verified. Their answers and theme trends in rounds
  still open, and their votes in votes still open, are removed: nothing has been shown from them
  yet, and counted they would let made-up answers make up the numbers. In rounds already closed
  they stay counted, as a former member's do (kb.partnerships.erasure): figures already shown, and
  perhaps acted on, must not change, and a change would show what those accounts answered.

Revision ID: 0028
Revises: 0024
Create Date: 2026-11-30 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0026'
branch_labels = None
depends_on = None

rounds = sa.table('healthcheck_rounds', sa.column('id', sa.Integer), sa.column('partnership_id', sa.Integer),
                  sa.column('opened_at', sa.DateTime), sa.column('closes_on', sa.Date),
                  sa.column('closed_at', sa.DateTime), sa.column('voting_closed_at', sa.DateTime),
                  sa.column('priority_voters', sa.Integer))
votes = sa.table('healthcheck_priority_votes', sa.column('round_id', sa.Integer), sa.column('user_id', sa.Integer),
                 sa.column('pair_id', sa.Integer))
tallies = sa.table('healthcheck_priority_tallies', sa.column('round_id', sa.Integer),
                   sa.column('pair_id', sa.Integer), sa.column('votes', sa.Integer))
users = sa.table('users', sa.column('id', sa.Integer), sa.column('email_verified_at', sa.DateTime))


def upgrade():
    # Plain ALTER TABLE (DROP COLUMN needs SQLite 3.35+), never a batch copy: copying the rounds
    # would drop the original table, and its foreign keys would cascade into every answer and vote.
    op.add_column('healthcheck_rounds', sa.Column('voting_closed_at', sa.DateTime(), nullable=True))
    op.add_column('healthcheck_rounds', sa.Column('priority_voters', sa.Integer(), nullable=True))
    op.create_table('healthcheck_priority_tallies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['checklist_pairs.id'], name=op.f('fk_healthcheck_priority_tallies_pair_id_checklist_pairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['healthcheck_rounds.id'], name=op.f('fk_healthcheck_priority_tallies_round_id_healthcheck_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_healthcheck_priority_tallies')),
    sa.UniqueConstraint('round_id', 'pair_id', name=op.f('uq_healthcheck_priority_tallies_round_id_pair_id')),
    sqlite_autoincrement=True,  # 0025: ids are never handed out twice
    )
    op.create_index(op.f('ix_healthcheck_priority_tallies_round_id'), 'healthcheck_priority_tallies', ['round_id'],
                    unique=False)

    connection = op.get_bind()
    unverified = sa.select(users.c.id).where(users.c.email_verified_at.is_(None))
    # A round is still open as kb.partnerships.models.HealthCheckRound.is_open says today.
    still_open = sa.select(rounds.c.id).where(rounds.c.closed_at.is_(None), sa.or_(
        rounds.c.closes_on.is_(None), rounds.c.closes_on >= sa.func.current_date()))
    for table in ('healthcheck_answers', 'healthcheck_theme_trends'):
        given = sa.table(table, sa.column('round_id', sa.Integer), sa.column('user_id', sa.Integer))
        connection.execute(given.delete().where(given.c.user_id.in_(unverified), given.c.round_id.in_(still_open)))

    later = rounds.alias('later')
    for round_ in connection.execute(sa.select(rounds.c.id, rounds.c.partnership_id)).all():
        next_opened = connection.scalar(sa.select(sa.func.min(later.c.opened_at)).where(
            later.c.partnership_id == round_.partnership_id, later.c.id > round_.id))
        if next_opened is None:
            continue  # the partnership's latest round: its vote, if it has begun, stays open
        counts = connection.execute(sa.select(votes.c.pair_id, sa.func.count()).where(votes.c.round_id == round_.id)
                                    .group_by(votes.c.pair_id)).all()
        voters = connection.scalar(sa.select(sa.func.count(sa.distinct(votes.c.user_id)))
                                   .where(votes.c.round_id == round_.id))
        connection.execute(rounds.update().where(rounds.c.id == round_.id)
                           .values(voting_closed_at=next_opened, priority_voters=voters))
        if counts:
            connection.execute(tallies.insert(), [{"round_id": round_.id, "pair_id": pair_id, "votes": number}
                                                  for pair_id, number in counts])
    open_votes = sa.select(rounds.c.id).where(rounds.c.voting_closed_at.is_(None))
    connection.execute(votes.delete().where(votes.c.user_id.in_(unverified), votes.c.round_id.in_(open_votes)))


def downgrade():
    op.drop_index(op.f('ix_healthcheck_priority_tallies_round_id'), table_name='healthcheck_priority_tallies')
    op.drop_table('healthcheck_priority_tallies')
    op.drop_column('healthcheck_rounds', 'priority_voters')
    op.drop_column('healthcheck_rounds', 'voting_closed_at')
