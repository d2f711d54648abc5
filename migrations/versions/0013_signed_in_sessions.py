"""signed-in sessions: one row per browser signed in, so logging out ends it on the server

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 07:00:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signed_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('device', sa.String(length=100), nullable=False),
    sa.Column('remembered', sa.Boolean(), nullable=False),
    sa.Column('signed_in_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_signed_in_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_in_sessions')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_signed_in_sessions_secret_hash'))
    )
    with op.batch_alter_table('signed_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_in_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signed_in_sessions_user_id'), ['user_id'], unique=False)

    # The sessions table replaces the per-account token that signed every browser out at once.
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a batch copy: copying `users` would
    # drop the original table, and its foreign keys would cascade the drop into members' content.
    # Everyone signed in before this revision is signed out by it (their cookies hold the old ids).
    op.drop_column('users', 'session_token')


def downgrade():
    op.add_column('users', sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))
    # The old code refuses an empty token: give every account a fresh one, as it did at registration.
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('session_token', sa.String()))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(users.c.id)).all():
        connection.execute(users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(24)))

    with op.batch_alter_table('signed_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_in_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_signed_in_sessions_expires_at'))

    op.drop_table('signed_in_sessions')
