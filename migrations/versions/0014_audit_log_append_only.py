"""audit log append-only in the database: triggers refuse UPDATE and DELETE on audit_log

The application already refuses to flush a change to an audit entry (kb.platform.audit); these triggers make
the database refuse it too, whoever connects. One change is let through: an entry's actor_id
becoming NULL and nothing else, which is what the foreign key's ON DELETE SET NULL does when an
account is removed (actor_name keeps who it was).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

MESSAGE = 'audit log entries can be added, never changed or removed'
# Every column but actor_id, compared old to new (SQLite's IS compares NULLs as equal).
UNCHANGED = ' AND '.join(f'NEW.{column} IS OLD.{column}' for column in (
    'id', 'actor_name', 'action', 'target_type', 'target_id', 'target_label', 'reason', 'created_at'))

SQLITE_UPGRADE = [
    f"""CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
        WHEN NOT (NEW.actor_id IS NULL AND {UNCHANGED})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_log_refuse_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRESQL_UPGRADE = [
    f"""CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL THEN
                NEW.actor_id := OLD.actor_id;
                IF NEW IS NOT DISTINCT FROM OLD THEN
                    NEW.actor_id := NULL;
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END
        $$""",
    """CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()""",
    """CREATE TRIGGER audit_log_refuse_delete BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()""",
]


def upgrade():
    statements = POSTGRESQL_UPGRADE if op.get_bind().dialect.name == 'postgresql' else SQLITE_UPGRADE
    for statement in statements:
        op.execute(statement)


def downgrade():
    op.execute('DROP TRIGGER IF EXISTS audit_log_refuse_delete' + _on_table())
    op.execute('DROP TRIGGER IF EXISTS audit_log_refuse_update' + _on_table())
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS audit_log_refuse_change()')


def _on_table() -> str:
    # PostgreSQL names a trigger within its table; SQLite's trigger names are schema-wide.
    return ' ON audit_log' if op.get_bind().dialect.name == 'postgresql' else ''
