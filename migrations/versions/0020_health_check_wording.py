"""health-check answers record the wording they answered, so rounds are compared only where an
item's wording stayed the same

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28 13:10:00

"""
import hashlib

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def wording_key(do_text, dont_text):
    # A copy of kb.partnerships.models.wording_key as it is today: a migration must not change
    # when the application's code does.
    words = "\n".join(" ".join(text.split()) for text in (do_text, dont_text))
    return hashlib.sha256(words.encode()).hexdigest()[:16]


def upgrade():
    with op.batch_alter_table('healthcheck_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wording', sa.String(length=16), server_default='', nullable=False))
    # Answers given before today were given to the wording the pairs have now (the best there is to know).
    pairs = sa.table('checklist_pairs', sa.column('id', sa.Integer), sa.column('do_text', sa.Text),
                     sa.column('dont_text', sa.Text))
    answers = sa.table('healthcheck_answers', sa.column('pair_id', sa.Integer), sa.column('wording', sa.String))
    connection = op.get_bind()
    for pair in connection.execute(sa.select(pairs.c.id, pairs.c.do_text, pairs.c.dont_text)).all():
        connection.execute(answers.update().where(answers.c.pair_id == pair.id)
                           .values(wording=wording_key(pair.do_text, pair.dont_text)))


def downgrade():
    with op.batch_alter_table('healthcheck_answers', schema=None) as batch_op:
        batch_op.drop_column('wording')
