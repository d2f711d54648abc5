"""board versions: a token that changes with every write to the board, for the listing cache

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 16:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    board_versions = op.create_table('board_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_versions'))
    )
    # The one row that every board write updates (kb.board.cache).
    op.bulk_insert(board_versions, [{'id': 1, 'token': 'initial'}])


def downgrade():
    op.drop_table('board_versions')
