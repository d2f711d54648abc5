"""api_rate_limits: the API's requests per address and minute, shared by every worker and machine

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28 13:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_rate_limits',
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('window_minute', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('address', 'window_minute', name=op.f('pk_api_rate_limits'))
    )
    with op.batch_alter_table('api_rate_limits', schema=None) as batch_op:
        batch_op.create_index('ix_api_rate_limits_window_minute', ['window_minute'], unique=False)


def downgrade():
    with op.batch_alter_table('api_rate_limits', schema=None) as batch_op:
        batch_op.drop_index('ix_api_rate_limits_window_minute')

    op.drop_table('api_rate_limits')
