"""mail outbox and email verification: mail is queued in the database and sent after the request;
accounts record when their address was verified

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('unsubscribe_url', sa.String(length=500), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('failed_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox'))
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_due', ['sent_at', 'failed_at', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_mail_outbox_to_kind_at', ['to_address', 'kind', 'created_at'], unique=False)

    # Plain ALTER TABLE ... ADD COLUMN, not a batch copy: copying `users` would drop the original
    # table, and its foreign keys would cascade the drop into members' content (see 0013).
    op.add_column('users', sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    # Everyone who already has an account counts as verified: nothing they could do stops.
    users = sa.table('users', sa.column('created_at', sa.DateTime()), sa.column('email_verified_at', sa.DateTime()))
    op.execute(users.update().values(email_verified_at=users.c.created_at))


def downgrade():
    op.drop_column('users', 'email_verified_at')
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_to_kind_at')
        batch_op.drop_index('ix_mail_outbox_due')
    op.drop_table('mail_outbox')
