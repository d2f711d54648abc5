"""account deletion: per-address mail request counts, former health-check respondents, and the audit
log's one erasure exception

- mail_requests: registrations and forgotten-password requests per network address (kb.auth.ip_limits).
- healthcheck_former_respondents, and healthcheck answers and trends whose user_id may be NULL: a
  member who deletes their account leaves their answers counted but no longer tied to them.
- The audit log's triggers let through one more change, and only this one: an entry's actor becoming
  "a former member" (actor_id NULL and actor_name 'a former member') and, on entries about that
  member, the target becoming 'a former member' (target_id NULL too: SQLite may give a new account
  the same id, which must not inherit the old one's record). Nothing else in an entry can change, so what was
  done, to what, why and when all stay; only the name of someone who has asked to be forgotten goes
  (UK GDPR article 17). Deleting rows is still refused.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28 13:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

MESSAGE = 'audit log entries can be added, never changed or removed'
FORMER = 'a former member'
KEPT = ('id', 'action', 'target_type', 'reason', 'created_at')


def _allowed(null_is: str) -> str:
    """The changes an UPDATE may make, as SQL over NEW and OLD (`null_is`: how the dialect
    compares with NULLs as equal)."""
    unchanged = ' AND '.join(f'NEW.{column} {null_is} OLD.{column}' for column in KEPT)
    return (f"({unchanged})"
            f" AND (NEW.actor_id {null_is} OLD.actor_id OR NEW.actor_id IS NULL)"
            f" AND (NEW.actor_name {null_is} OLD.actor_name OR (NEW.actor_id IS NULL AND NEW.actor_name = '{FORMER}'))"
            f" AND ((NEW.target_label {null_is} OLD.target_label AND NEW.target_id {null_is} OLD.target_id)"
            f" OR (NEW.target_type = 'member' AND NEW.target_label = '{FORMER}' AND NEW.target_id IS NULL))")


SQLITE_TRIGGER = f"""CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
    WHEN NOT ({_allowed('IS')})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""

POSTGRESQL_FUNCTION = f"""CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND {_allowed('IS NOT DISTINCT FROM')} THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END
    $$"""

# 0014's, put back on the way down.
OLD_UNCHANGED = ' AND '.join(f'NEW.{column} IS OLD.{column}' for column in (
    'id', 'actor_name', 'action', 'target_type', 'target_id', 'target_label', 'reason', 'created_at'))
OLD_SQLITE_TRIGGER = f"""CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
    WHEN NOT (NEW.actor_id IS NULL AND {OLD_UNCHANGED})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"""
OLD_POSTGRESQL_FUNCTION = f"""CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
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
    $$"""


def _replace_audit_trigger(sqlite_trigger: str, postgresql_function: str) -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(postgresql_function)
    else:
        op.execute('DROP TRIGGER IF EXISTS audit_log_refuse_update')
        op.execute(sqlite_trigger)


def upgrade():
    op.create_table('mail_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ip_address', sa.String(length=45), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_requests'))
    )
    op.create_index('ix_mail_requests_ip_purpose_at', 'mail_requests', ['ip_address', 'purpose', 'requested_at'],
                    unique=False)
    op.create_index(op.f('ix_mail_requests_requested_at'), 'mail_requests', ['requested_at'], unique=False)
    op.create_table('healthcheck_former_respondents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('sector', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['healthcheck_rounds.id'],
                            name=op.f('fk_healthcheck_former_respondents_round_id_healthcheck_rounds'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_healthcheck_former_respondents'))
    )
    op.create_index(op.f('ix_healthcheck_former_respondents_round_id'), 'healthcheck_former_respondents',
                    ['round_id'], unique=False)
    with op.batch_alter_table('healthcheck_answers') as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('former_respondent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_healthcheck_answers_former_respondent_id'), ['former_respondent_id'],
                              unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_healthcheck_answers_former_respondent_id_healthcheck_former_respondents'),
            'healthcheck_former_respondents', ['former_respondent_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('healthcheck_theme_trends') as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
    _replace_audit_trigger(SQLITE_TRIGGER, POSTGRESQL_FUNCTION)


def downgrade():
    _replace_audit_trigger(OLD_SQLITE_TRIGGER, OLD_POSTGRESQL_FUNCTION)
    # Answers and trends of former members have nobody to belong to in the older schema.
    op.execute('DELETE FROM healthcheck_theme_trends WHERE user_id IS NULL')
    op.execute('DELETE FROM healthcheck_answers WHERE user_id IS NULL')
    with op.batch_alter_table('healthcheck_theme_trends') as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('healthcheck_answers') as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_healthcheck_answers_former_respondent_id_healthcheck_former_respondents'),
            type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_healthcheck_answers_former_respondent_id'))
        batch_op.drop_column('former_respondent_id')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
    op.drop_index(op.f('ix_healthcheck_former_respondents_round_id'), table_name='healthcheck_former_respondents')
    op.drop_table('healthcheck_former_respondents')
    op.drop_index(op.f('ix_mail_requests_requested_at'), table_name='mail_requests')
    op.drop_index('ix_mail_requests_ip_purpose_at', table_name='mail_requests')
    op.drop_table('mail_requests')
