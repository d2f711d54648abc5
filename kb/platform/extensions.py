"""Flask extensions, created unbound and bound to the app in create_app."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Table, event
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@event.listens_for(Table, "after_parent_attach")
def _ids_never_reused(table: Table, parent: object) -> None:
    """Every table of the site's, now and future, numbers its rows with SQLite's AUTOINCREMENT.
    Without it SQLite hands a deleted row's id, when it was the highest, to the next row, and ids are
    held outside their rows (addresses, signed links, the audit log, search documents): a deleted
    member's links and history would pass to the next member. PostgreSQL's sequences never hand an
    id out twice. SQLite takes the keyword only on a single integer key with no foreign key; other
    tables compile as before. Migration 0025 rebuilt the tables made earlier; a migration that
    rebuilds a table (Alembic's batch mode) must pass table_kwargs={"sqlite_autoincrement": True},
    which tests/test_migrations.py checks."""
    if parent is Base.metadata:
        table.dialect_options["sqlite"]["autoincrement"] = True


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
