"""invitations by email: an invitation mailed by the site to one address remembers it

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 18:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('partnership_invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade():
    # In place, not a batch rebuild (see 0030): SQLite 3.35 and later and PostgreSQL drop a column.
    op.execute("ALTER TABLE partnership_invitations DROP COLUMN email")
