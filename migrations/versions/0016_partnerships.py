"""partnerships and their health-check rounds

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-28 10:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('directory_public', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('green_from', sa.Integer(), nullable=True),
    sa.Column('amber_from', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partnerships_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    op.create_table('partnership_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.Column('is_coordinator', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_memberships_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_partnership_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_memberships')),
    sa.UniqueConstraint('partnership_id', 'user_id', name=op.f('uq_partnership_memberships_partnership_id_user_id'))
    )
    op.create_index(op.f('ix_partnership_memberships_user_id'), 'partnership_memberships', ['user_id'], unique=False)
    op.create_table('partnership_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partnership_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_invitations_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_invitations')),
    sa.UniqueConstraint('token', name=op.f('uq_partnership_invitations_token'))
    )
    op.create_index(op.f('ix_partnership_invitations_partnership_id'), 'partnership_invitations', ['partnership_id'], unique=False)
    op.create_table('healthcheck_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_healthcheck_rounds_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_healthcheck_rounds')),
    sa.UniqueConstraint('partnership_id', 'name', name=op.f('uq_healthcheck_rounds_partnership_id_name'))
    )
    op.create_index(op.f('ix_healthcheck_rounds_partnership_id'), 'healthcheck_rounds', ['partnership_id'], unique=False)
    op.create_table('healthcheck_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['pair_id'], ['checklist_pairs.id'], name=op.f('fk_healthcheck_answers_pair_id_checklist_pairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['healthcheck_rounds.id'], name=op.f('fk_healthcheck_answers_round_id_healthcheck_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_healthcheck_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_healthcheck_answers')),
    sa.UniqueConstraint('round_id', 'user_id', 'pair_id', name=op.f('uq_healthcheck_answers_round_id_user_id_pair_id'))
    )
    op.create_index(op.f('ix_healthcheck_answers_round_id'), 'healthcheck_answers', ['round_id'], unique=False)
    op.create_table('healthcheck_theme_trends',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('trend', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['healthcheck_rounds.id'], name=op.f('fk_healthcheck_theme_trends_round_id_healthcheck_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_healthcheck_theme_trends_theme_id_themes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_healthcheck_theme_trends_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_healthcheck_theme_trends')),
    sa.UniqueConstraint('round_id', 'user_id', 'theme_id', name=op.f('uq_healthcheck_theme_trends_round_id_user_id_theme_id'))
    )
    op.create_index(op.f('ix_healthcheck_theme_trends_round_id'), 'healthcheck_theme_trends', ['round_id'], unique=False)
    op.create_table('partnership_organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('activity', sa.Text(), nullable=False),
    sa.Column('contact_role', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_organisations_partnership_id_partnerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_organisations'))
    )
    op.create_index(op.f('ix_partnership_organisations_partnership_id'), 'partnership_organisations', ['partnership_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_partnership_organisations_partnership_id'), table_name='partnership_organisations')
    op.drop_table('partnership_organisations')
    op.drop_index(op.f('ix_healthcheck_theme_trends_round_id'), table_name='healthcheck_theme_trends')
    op.drop_table('healthcheck_theme_trends')
    op.drop_index(op.f('ix_healthcheck_answers_round_id'), table_name='healthcheck_answers')
    op.drop_table('healthcheck_answers')
    op.drop_index(op.f('ix_healthcheck_rounds_partnership_id'), table_name='healthcheck_rounds')
    op.drop_table('healthcheck_rounds')
    op.drop_index(op.f('ix_partnership_invitations_partnership_id'), table_name='partnership_invitations')
    op.drop_table('partnership_invitations')
    op.drop_index(op.f('ix_partnership_memberships_user_id'), table_name='partnership_memberships')
    op.drop_table('partnership_memberships')
    op.drop_table('partnerships')
