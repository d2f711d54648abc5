"""PostgreSQL full-text search: the search_documents table with a weighted tsvector (GIN), and the
vocabulary "Did you mean" reads (pg_trgm). Nothing on SQLite, where search is Whoosh's.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-28 13:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    # In public, whatever the search_path: an extension is one per database, and one created in a
    # schema that is later dropped would go with it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    trgm_schema = op.get_bind().exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'").scalar()
    op.execute("""
        CREATE TABLE search_documents (
            doc_id varchar(80) PRIMARY KEY,
            content_type varchar(40) NOT NULL,
            title text NOT NULL DEFAULT '',
            summary text NOT NULL DEFAULT '',
            body text NOT NULL DEFAULT '',
            tags text[] NOT NULL DEFAULT '{}',
            themes text[] NOT NULL DEFAULT '{}',
            region varchar(80) NOT NULL DEFAULT '',
            sectors text[] NOT NULL DEFAULT '{}',
            visibility varchar(20) NOT NULL,
            status varchar(40) NOT NULL DEFAULT '',
            outcome varchar(80) NOT NULL DEFAULT '',
            verified boolean NOT NULL DEFAULT false,
            featured boolean NOT NULL DEFAULT false,
            url text NOT NULL DEFAULT '',
            published_year varchar(4) NOT NULL DEFAULT '',
            published_at timestamp,
            updated_at timestamp,
            vocabulary text[] NOT NULL DEFAULT '{}',
            facets text[] NOT NULL DEFAULT '{}',
            searched tsvector NOT NULL DEFAULT ''::tsvector,
            searched_head tsvector NOT NULL DEFAULT ''::tsvector
        )""")
    # The body and the whole tsvector out of line, uncompressed (ranking and highlighting read them
    # without decompressing); the facet keys and the small tsvector in the row, where counting
    # facets and ranking candidates read them for every match.
    op.execute("ALTER TABLE search_documents ALTER COLUMN body SET STORAGE EXTERNAL, "
               "ALTER COLUMN searched SET STORAGE EXTERNAL, ALTER COLUMN facets SET STORAGE MAIN, "
               "ALTER COLUMN searched_head SET STORAGE MAIN")
    # A trigger rather than a generated column: array_to_string (for the tags) is not immutable.
    # The weights: A title, B summary, C tags, D body. A separator word between the parts keeps a
    # quoted phrase from matching across two of them (the Whoosh index does the same).
    # searched_head is the same without the body: small enough to stay in the row, it ranks the
    # candidates of a search that matches thousands of documents cheaply (postgres_query.py).
    op.execute("""
        CREATE FUNCTION search_documents_searched() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.searched_head :=
                setweight(to_tsvector('english'::regconfig, NEW.title), 'A')
                || to_tsvector('simple'::regconfig, 'xxpartxx')
                || setweight(to_tsvector('english'::regconfig, NEW.summary), 'B')
                || to_tsvector('simple'::regconfig, 'xxpartxx')
                || setweight(to_tsvector('english'::regconfig, array_to_string(NEW.tags, ' ')), 'C');
            NEW.searched := NEW.searched_head
                || to_tsvector('simple'::regconfig, 'xxpartxx')
                || setweight(to_tsvector('english'::regconfig, NEW.body), 'D');
            RETURN NEW;
        END $$""")
    op.execute("""
        CREATE TRIGGER search_documents_searched BEFORE INSERT OR UPDATE ON search_documents
        FOR EACH ROW EXECUTE FUNCTION search_documents_searched()""")
    op.execute("CREATE INDEX ix_search_documents_searched ON search_documents USING gin (searched)")
    op.execute("CREATE INDEX ix_search_documents_vocabulary ON search_documents USING gin (vocabulary)")
    op.execute("CREATE INDEX ix_search_documents_newest ON search_documents (published_at DESC, doc_id DESC)")
    # The words of public documents' titles, summaries and tags: what "Did you mean" suggests from.
    op.execute("CREATE TABLE search_vocabulary (word text PRIMARY KEY)")
    op.execute(f'CREATE INDEX ix_search_vocabulary_trigrams ON search_vocabulary '
               f'USING gin (word "{trgm_schema}".gin_trgm_ops)')


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE search_vocabulary")
    op.execute("DROP TABLE search_documents")
    op.execute("DROP FUNCTION search_documents_searched()")
    # pg_trgm stays: other things in the database may use it.
