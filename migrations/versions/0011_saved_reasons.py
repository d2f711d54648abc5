"""saved reasons

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 16:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('used_for', sa.String(length=20), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_reasons'))
    )


def downgrade():
    op.drop_table('saved_reasons')
