"""health-checks told: when the members were told a round's results are ready, and who was
reminded that a round closes soon

- healthcheck_rounds.results_told_at: rounds already closed (by a coordinator or by their closing
  date) count as told, so the first run after this change does not tell members of old rounds.
- healthcheck_reminders(round_id, user_id, sent_at): one reminder per member and round.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('healthcheck_rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_told_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE healthcheck_rounds SET results_told_at = COALESCE(closed_at, CURRENT_TIMESTAMP) "
        "WHERE closed_at IS NOT NULL OR closes_on < CURRENT_DATE"
    )
    op.create_table(
        'healthcheck_reminders',
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['round_id'], ['healthcheck_rounds.id'], name=op.f('fk_healthcheck_reminders_round_id_healthcheck_rounds'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_healthcheck_reminders_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('round_id', 'user_id', name=op.f('pk_healthcheck_reminders')),
    )
    with op.batch_alter_table('healthcheck_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_healthcheck_reminders_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('healthcheck_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_healthcheck_reminders_user_id'))
    op.drop_table('healthcheck_reminders')
    # Not a batch rebuild: on SQLite, dropping the rebuilt table would cascade to every answer and
    # vote of every round. SQLite (3.35 and later) and PostgreSQL drop a column in place.
    op.execute("ALTER TABLE healthcheck_rounds DROP COLUMN results_told_at")
