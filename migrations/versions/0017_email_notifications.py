"""email notifications: each member's choice of what to be emailed and how often, the themes they
follow for new case studies, and the items waiting for their next digest

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-28 13:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('replies', sa.String(length=10), nullable=False),
    sa.Column('decisions', sa.String(length=10), nullable=False),
    sa.Column('case_studies', sa.String(length=10), nullable=False),
    sa.Column('last_daily_digest_at', sa.DateTime(), nullable=True),
    sa.Column('last_weekly_digest_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings'))
    )
    op.create_table('notification_themes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_notification_themes_theme_id_themes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_themes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'theme_id', name=op.f('pk_notification_themes'))
    )
    with op.batch_alter_table('notification_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_themes_theme_id'), ['theme_id'], unique=False)

    op.create_table('mail_digest_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('themes', sa.String(length=300), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_digest_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_digest_entries'))
    )
    with op.batch_alter_table('mail_digest_entries', schema=None) as batch_op:
        batch_op.create_index('ix_mail_digest_entries_user_sent', ['user_id', 'sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('mail_digest_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_digest_entries_user_sent')
    op.drop_table('mail_digest_entries')
    with op.batch_alter_table('notification_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_themes_theme_id'))
    op.drop_table('notification_themes')
    op.drop_table('notification_settings')
