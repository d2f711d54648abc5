"""ids never reused: every table numbered by SQLite's AUTOINCREMENT

SQLite without AUTOINCREMENT gives a new row the highest id in the table plus one, so the id of the
last row deleted goes to the next row. Ids are held outside their rows (addresses, signed links in
mail, the audit log, search documents), so a deleted member's unsubscribe link changed the next
member's settings, and moderation history about a deleted member's posts showed on the next
member's. With AUTOINCREMENT SQLite keeps the highest id ever handed out (in sqlite_sequence) and
never goes below it. The models ask for it on every table (kb/platform/extensions.py).

On SQLite each table is rebuilt from its own definition with the keyword added (SQLite cannot add it
in place): created under another name, rows copied with their ids, the old table dropped, the new
one renamed, and the table's indexes and triggers (the audit log's, migrations 0014 and 0021) made
again from their own definitions. Foreign keys are off while the tables are swapped, as SQLite asks
(otherwise dropping a table would run its ON DELETE actions on every row that refers to it), and
any broken reference the rebuild made would stop the migration. Each table's sequence then starts
above every id known to have been handed out: those still in the table, and those of deleted rows
that the audit log or the search documents' keys still name.

Switching foreign keys off and on again has to happen outside a transaction, so the rebuild is
committed before Alembic records this revision: should that fail, running the upgrade again finds
the tables rebuilt and only seeds the sequences.

PostgreSQL's sequences never hand out an id twice: nothing to do there.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 10:00:00

"""
import re

from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

# Every table numbered by a single integer id at revision 0024 (the others are keyed by what they
# join, or by a text key: they hand out no numbers).
TABLES = (
    'audit_log', 'board_categories', 'board_post_flags', 'board_post_revisions', 'board_posts', 'board_threads',
    'board_versions', 'board_watched_words', 'checklist_pairs', 'collection_entries', 'collections', 'facts',
    'featured_items', 'healthcheck_actions', 'healthcheck_answers', 'healthcheck_former_respondents',
    'healthcheck_priority_votes', 'healthcheck_rounds', 'healthcheck_theme_trends', 'library_item_revisions',
    'library_items', 'login_attempts', 'mail_digest_entries', 'mail_outbox', 'mail_requests', 'notifications',
    'partnership_invitations', 'partnership_memberships', 'partnership_organisations', 'partnerships',
    'saved_reasons', 'search_outbox', 'signed_in_sessions', 'site_texts', 'supporting_actions', 'tag_aliases',
    'tags', 'taskforce_organisations', 'theme_resources', 'themes', 'users',
)

# Ids of rows that may be gone, as the audit log names them (its target_type, kb.platform.audit.record's callers)...
AUDIT_TARGETS = {
    'member': 'users', 'board post': 'board_posts', 'board thread': 'board_threads',
    'board category': 'board_categories', 'watched word': 'board_watched_words', 'saved reason': 'saved_reasons',
    'case study': 'library_items', 'lesson': 'library_items', 'tag': 'tags', 'resource': 'theme_resources',
    'collection': 'collections',
}
# ... and as search documents' keys name them ("library_item:12"), kept for removed documents too.
DOCUMENT_KEYS = {
    'board_thread': 'board_threads', 'library_item': 'library_items', 'theme_aim': 'themes',
    'checklist_pair': 'checklist_pairs', 'supporting_action': 'supporting_actions',
    'theme_resource': 'theme_resources',
}
KEY_TABLES = ('document_vectors', 'search_outbox')


def _set_foreign_keys(on: bool) -> None:
    # SQLite ignores this pragma inside a transaction: the block commits what came before it.
    with op.get_context().autocommit_block():
        op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _with_autoincrement(table: str, sql: str, new_name: str) -> str:
    """The table's CREATE TABLE, as the migrations wrote it, with the keyword on its id and a new name."""
    sql, named = re.subn(rf'^CREATE TABLE "?{table}"? \(', f'CREATE TABLE "{new_name}" (', sql)
    sql, keyed = re.subn(r'(\n\s*)id INTEGER NOT NULL,',
                         rf'\1id INTEGER NOT NULL CONSTRAINT pk_{table} PRIMARY KEY AUTOINCREMENT,', sql)
    sql, dropped = re.subn(rf',\s*CONSTRAINT pk_{table} PRIMARY KEY \(id\)', '', sql)
    if (named, keyed, dropped) != (1, 1, 1):
        raise RuntimeError(f'the table {table} is not as the migrations made it; not rebuilding it')
    return sql


def _rebuild(bind, table: str) -> None:
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (table,)).scalar_one()
    if 'AUTOINCREMENT' in sql.upper():
        return
    dependents = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL "
        "ORDER BY type, name", (table,)).scalars().all()
    new_name = f'_0025_{table}'
    # SQLite's driver opens its transaction at the first INSERT, so a run stopped before that left this behind.
    bind.exec_driver_sql(f'DROP TABLE IF EXISTS "{new_name}"')
    bind.exec_driver_sql(_with_autoincrement(table, sql, new_name))
    bind.exec_driver_sql(f'INSERT INTO "{new_name}" SELECT * FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    bind.exec_driver_sql(f'ALTER TABLE "{new_name}" RENAME TO "{table}"')
    for statement in dependents:
        bind.exec_driver_sql(statement)


def _highest_ids_handed_out(bind) -> dict[str, int]:
    highest = {table: bind.exec_driver_sql(f'SELECT coalesce(max(id), 0) FROM "{table}"').scalar()
               for table in TABLES}
    for target_type, table in AUDIT_TARGETS.items():
        named = bind.exec_driver_sql('SELECT coalesce(max(target_id), 0) FROM audit_log WHERE target_type = ?',
                                     (target_type,)).scalar()
        highest[table] = max(highest[table], named)
    for prefix, table in DOCUMENT_KEYS.items():
        for key_table in KEY_TABLES:
            named = bind.exec_driver_sql(
                f'SELECT coalesce(max(CAST(substr(doc_key, ?) AS INTEGER)), 0) FROM {key_table} WHERE doc_key LIKE ?',
                (len(prefix) + 2, f'{prefix}:%')).scalar()
            highest[table] = max(highest[table], named)
    return highest


def _seed_sequences(bind) -> None:
    for table, highest in _highest_ids_handed_out(bind).items():
        if not highest:
            continue
        updated = bind.exec_driver_sql('UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?',
                                       (highest, table)).rowcount
        if not updated:
            bind.exec_driver_sql('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', (table, highest))


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    foreign_keys_were_on = bool(bind.exec_driver_sql('PRAGMA foreign_keys').scalar())
    _set_foreign_keys(False)
    if bind.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError('foreign keys could not be switched off (a transaction was open): not rebuilding '
                           'tables, which would run their ON DELETE actions')
    broken_before = set(bind.exec_driver_sql('PRAGMA foreign_key_check').all())
    for table in TABLES:
        _rebuild(bind, table)
    broken = set(bind.exec_driver_sql('PRAGMA foreign_key_check').all()) - broken_before
    if broken:
        raise RuntimeError(f'rebuilding the tables broke references: {sorted(broken)[:5]}')
    _seed_sequences(bind)
    if foreign_keys_were_on:
        _set_foreign_keys(True)


def downgrade():
    # Nothing to undo: revision 0024's code works the same on tables with AUTOINCREMENT, and taking
    # the keyword away would let ids be handed out twice again.
    pass
