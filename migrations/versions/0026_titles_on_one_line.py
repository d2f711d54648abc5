"""Titles and names stored on one line

Until now a case study's or lesson's title, a member's name and a few other one-line fields were
only trimmed at their ends, so a line break sent in one was stored. A title with a line break in a
mail's Subject made the message impossible to build. Every such field now goes through one
normaliser (kb.platform.text.one_line) before it is stored; this puts the rows saved before on one
line too. Library items and board threads whose title changed are queued for the search index.

Nothing to undo on the way down: the values stay on one line.

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-05 11:00:00

"""
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

# A copy of kb.platform.text.one_line as it is today: a migration must not change when the
# application's code does.
BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(value):
    return " ".join(BREAKS_AND_CONTROLS.sub(" ", value).split()) if isinstance(value, str) else value


# (table, one-line columns, the search document its rows are indexed as)
ONE_LINE_COLUMNS = [
    ('library_items', ('title', 'locality'), 'library_item'),
    ('library_item_revisions', ('note',), None),
    ('board_threads', ('title',), 'board_thread'),
    ('board_categories', ('title',), None),
    ('users', ('display_name', 'organisation'), None),
    ('collections', ('title',), None),
    ('collection_entries', ('external_title',), None),
    ('partnerships', ('name',), None),
    ('healthcheck_rounds', ('name',), None),
    ('healthcheck_actions', ('title', 'owner_role'), None),
    ('partnership_organisations', ('name', 'area', 'contact_role'), None),
    ('theme_resources', ('title', 'publisher'), None),
    ('mail_digest_entries', ('title',), None),
    ('mail_outbox', ('subject',), None),
]


def upgrade():
    connection = op.get_bind()
    outbox = sa.table('search_outbox', sa.column('doc_key', sa.String), sa.column('created_at', sa.DateTime))
    reindex = []
    for name, columns, key_prefix in ONE_LINE_COLUMNS:
        table = sa.table(name, sa.column('id', sa.Integer), *(sa.column(column, sa.String) for column in columns))
        for row in connection.execute(sa.select(table.c.id, *(table.c[column] for column in columns))).all():
            changed = {column: one_line(value) for column, value in zip(columns, row[1:], strict=True)
                       if one_line(value) != value}
            if changed:
                connection.execute(table.update().where(table.c.id == row.id).values(**changed))
                if key_prefix:
                    reindex.append(f"{key_prefix}:{row.id}")
    if reindex:
        now = datetime.now(UTC).replace(tzinfo=None)
        connection.execute(outbox.insert(), [{'doc_key': key, 'created_at': now} for key in reindex])


def downgrade():
    pass
