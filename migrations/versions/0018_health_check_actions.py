"""health-check actions and priority votes: what a partnership resolves to do after a closed
round, and each member's (up to three) priority picks among its checklist items

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28 13:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('healthcheck_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('owner_role', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_healthcheck_actions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_healthcheck_actions_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pair_id'], ['checklist_pairs.id'], name=op.f('fk_healthcheck_actions_pair_id_checklist_pairs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['healthcheck_rounds.id'], name=op.f('fk_healthcheck_actions_round_id_healthcheck_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_healthcheck_actions_theme_id_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_healthcheck_actions'))
    )
    op.create_index(op.f('ix_healthcheck_actions_owner_id'), 'healthcheck_actions', ['owner_id'], unique=False)
    op.create_index(op.f('ix_healthcheck_actions_round_id'), 'healthcheck_actions', ['round_id'], unique=False)
    op.create_table('healthcheck_priority_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('voted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['checklist_pairs.id'], name=op.f('fk_healthcheck_priority_votes_pair_id_checklist_pairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['healthcheck_rounds.id'], name=op.f('fk_healthcheck_priority_votes_round_id_healthcheck_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_healthcheck_priority_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_healthcheck_priority_votes')),
    sa.UniqueConstraint('round_id', 'user_id', 'pair_id', name=op.f('uq_healthcheck_priority_votes_round_id_user_id_pair_id'))
    )
    op.create_index(op.f('ix_healthcheck_priority_votes_round_id'), 'healthcheck_priority_votes', ['round_id'], unique=False)
    op.create_index(op.f('ix_healthcheck_priority_votes_user_id'), 'healthcheck_priority_votes', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_healthcheck_priority_votes_user_id'), table_name='healthcheck_priority_votes')
    op.drop_index(op.f('ix_healthcheck_priority_votes_round_id'), table_name='healthcheck_priority_votes')
    op.drop_table('healthcheck_priority_votes')
    op.drop_index(op.f('ix_healthcheck_actions_round_id'), table_name='healthcheck_actions')
    op.drop_index(op.f('ix_healthcheck_actions_owner_id'), table_name='healthcheck_actions')
    op.drop_table('healthcheck_actions')
