"""notification choices as rows: one per member and kind, so a new kind of notification is one
declaration (kb/platform/notifications/kinds.py) and no new column

- notification_choices(user_id, kind, frequency) takes each member's three columns
  (replies, decisions, case_studies) from notification_settings, which keeps the digest times.
- A kind without a row has its declared default, as a member without settings had before.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 17:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

KINDS = ("replies", "decisions", "case_studies")
DEFAULTS = {"replies": "daily", "decisions": "daily", "case_studies": "weekly"}


def upgrade():
    op.create_table(
        'notification_choices',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        # On the member, not on their settings row: SQLite rebuilds notification_settings below to
        # drop its columns, and dropping the old table would cascade to every choice just copied.
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_notification_choices_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_choices')),
    )
    for kind in KINDS:
        op.execute(
            f"INSERT INTO notification_choices (user_id, kind, frequency) "
            f"SELECT user_id, '{kind}', {kind} FROM notification_settings"
        )
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        for kind in KINDS:
            batch_op.drop_column(kind)


def downgrade():
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        for kind in KINDS:
            batch_op.add_column(sa.Column(kind, sa.String(length=10), nullable=False, server_default=DEFAULTS[kind]))
    for kind in KINDS:
        op.execute(
            f"UPDATE notification_settings SET {kind} = (SELECT frequency FROM notification_choices "
            f"WHERE notification_choices.user_id = notification_settings.user_id "
            f"AND notification_choices.kind = '{kind}') "
            f"WHERE EXISTS (SELECT 1 FROM notification_choices WHERE notification_choices.user_id = "
            f"notification_settings.user_id AND notification_choices.kind = '{kind}')"
        )
    op.drop_table('notification_choices')
