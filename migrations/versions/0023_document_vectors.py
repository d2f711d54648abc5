"""one embedding vector per search document, for finding items by meaning

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-28 14:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_vectors',
        sa.Column('doc_key', sa.String(length=80), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('visibility', sa.String(length=20), nullable=False),
        sa.Column('themes', sa.String(length=400), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('vector', sa.LargeBinary(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('doc_key'),
    )
    with op.batch_alter_table('document_vectors', schema=None) as batch_op:
        batch_op.create_index('ix_document_vectors_revision', ['revision'], unique=False)


def downgrade():
    with op.batch_alter_table('document_vectors', schema=None) as batch_op:
        batch_op.drop_index('ix_document_vectors_revision')
    op.drop_table('document_vectors')
