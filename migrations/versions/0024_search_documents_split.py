"""PostgreSQL search split in two: a narrow search_documents table holding only what matching,
counting and ordering read (the tsvectors, visibility, date and facet fields), and
search_document_texts holding what only the page shown reads (title, summary, body, link...).

A search for a common word reads tens of thousands of matching rows to count facets and choose
ranking candidates; with the texts in the same rows it read three times the pages. The tsvectors
are now computed by search_vectors() in the statement that writes the row (the texts live in the
other table, so a trigger on this one could not see them). Facet counts group by the fields
themselves (postgres_query.py), so the "field=value" keys column goes.

The rows are carried over, so search keeps working through the upgrade. Nothing on SQLite.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 18:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

# The weights: A title, B summary, C tags, D body. A separator word between the parts keeps a quoted
# phrase from matching across two of them (the Whoosh index does the same). head is the same without
# the body: small enough to stay in the row, it ranks the candidates of a broad search cheaply.
SEARCH_VECTORS = """
    CREATE FUNCTION search_vectors(title text, summary text, tags text[], body text,
                                   OUT head tsvector, OUT whole tsvector)
    LANGUAGE sql STABLE AS $$
        SELECT h, h || to_tsvector('simple'::regconfig, 'xxpartxx')
                    || setweight(to_tsvector('english'::regconfig, body), 'D')
        FROM (SELECT setweight(to_tsvector('english'::regconfig, title), 'A')
                     || to_tsvector('simple'::regconfig, 'xxpartxx')
                     || setweight(to_tsvector('english'::regconfig, summary), 'B')
                     || to_tsvector('simple'::regconfig, 'xxpartxx')
                     || setweight(to_tsvector('english'::regconfig, array_to_string(tags, ' ')), 'C') AS h) AS parts
    $$"""


def _key(column: str) -> str:
    return (f"array_to_string(ARRAY(SELECT DISTINCT value FROM unnest({column}) AS value WHERE value <> '' "
            f"ORDER BY value), E'\\x1f')")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_documents RENAME TO search_documents_0022")
    for index in ("searched", "vocabulary", "newest"):
        op.execute(f"DROP INDEX ix_search_documents_{index}")
    op.execute(SEARCH_VECTORS)
    # The multi-valued facets twice: as arrays, which filters test, and as keys (the sorted values
    # without repeats, joined by the unit separator, U+001F), which facet counts group by: hashing
    # text is cheaper than hashing an array, and the same set in any order must be one group.
    op.execute("""
        CREATE TABLE search_documents (
            doc_id varchar(80) PRIMARY KEY,
            content_type varchar(40) NOT NULL,
            visibility varchar(20) NOT NULL,
            region varchar(80) NOT NULL DEFAULT '',
            published_year varchar(4) NOT NULL DEFAULT '',
            published_at timestamp,
            themes text[] NOT NULL DEFAULT '{}',
            sectors text[] NOT NULL DEFAULT '{}',
            tags text[] NOT NULL DEFAULT '{}',
            themes_key text NOT NULL DEFAULT '',
            sectors_key text NOT NULL DEFAULT '',
            tags_key text NOT NULL DEFAULT '',
            searched tsvector NOT NULL,
            searched_head tsvector NOT NULL
        )""")
    # The whole tsvector out of line, uncompressed: the GIN index answers a plain word without it,
    # and ranking the few hundred candidates reads it without decompressing. The head in the row.
    op.execute("ALTER TABLE search_documents ALTER COLUMN searched SET STORAGE EXTERNAL, "
               "ALTER COLUMN searched_head SET STORAGE MAIN")
    op.execute("""
        CREATE TABLE search_document_texts (
            doc_id varchar(80) PRIMARY KEY REFERENCES search_documents (doc_id) ON DELETE CASCADE,
            title text NOT NULL DEFAULT '',
            summary text NOT NULL DEFAULT '',
            body text NOT NULL DEFAULT '',
            tags text[] NOT NULL DEFAULT '{}',
            themes text[] NOT NULL DEFAULT '{}',
            sectors text[] NOT NULL DEFAULT '{}',
            status varchar(40) NOT NULL DEFAULT '',
            outcome varchar(80) NOT NULL DEFAULT '',
            verified boolean NOT NULL DEFAULT false,
            featured boolean NOT NULL DEFAULT false,
            url text NOT NULL DEFAULT '',
            updated_at timestamp,
            vocabulary text[] NOT NULL DEFAULT '{}'
        )""")
    op.execute("ALTER TABLE search_document_texts ALTER COLUMN body SET STORAGE EXTERNAL")
    op.execute(f"""
        INSERT INTO search_documents (doc_id, content_type, visibility, region, published_year, published_at,
                                      themes, sectors, tags, themes_key, sectors_key, tags_key, searched,
                                      searched_head)
        SELECT doc_id, content_type, visibility, region, published_year, published_at, themes, sectors, tags,
               {_key('themes')}, {_key('sectors')}, {_key('tags')}, searched, searched_head
        FROM search_documents_0022""")
    op.execute("""
        INSERT INTO search_document_texts (doc_id, title, summary, body, tags, themes, sectors, status, outcome,
                                           verified, featured, url, updated_at, vocabulary)
        SELECT doc_id, title, summary, body, tags, themes, sectors, status, outcome, verified, featured, url,
               updated_at, vocabulary
        FROM search_documents_0022""")
    op.execute("DROP TABLE search_documents_0022")
    op.execute("DROP FUNCTION search_documents_searched()")
    op.execute("CREATE INDEX ix_search_documents_searched ON search_documents USING gin (searched)")
    op.execute("CREATE INDEX ix_search_documents_head ON search_documents USING gin (searched_head)")
    # In the order newest-first pages ask for (0022's put undated documents first, so it went unused).
    op.execute("CREATE INDEX ix_search_documents_newest ON search_documents "
               "(published_at DESC NULLS LAST, doc_id DESC)")
    op.execute("CREATE INDEX ix_search_document_texts_vocabulary ON search_document_texts USING gin (vocabulary)")
    op.execute("ANALYZE search_documents")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_documents RENAME TO search_documents_0024")
    for index in ("searched", "head", "newest"):
        op.execute(f"DROP INDEX ix_search_documents_{index}")
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
    op.execute("ALTER TABLE search_documents ALTER COLUMN body SET STORAGE EXTERNAL, "
               "ALTER COLUMN searched SET STORAGE EXTERNAL, ALTER COLUMN facets SET STORAGE MAIN, "
               "ALTER COLUMN searched_head SET STORAGE MAIN")
    # 0022's facet keys, "field=value", rebuilt from the fields.
    keys = " || ".join(
        [f"ARRAY(SELECT '{name}=' || d.{name} WHERE d.{name} <> '')" for name in ("content_type", "region")]
        + [f"ARRAY(SELECT '{name}=' || value FROM unnest(d.{name}) AS value)" for name in ("themes", "sectors", "tags")]
        + ["ARRAY(SELECT 'published_year=' || d.published_year WHERE d.published_year <> '')"])
    op.execute(f"""
        INSERT INTO search_documents (doc_id, content_type, title, summary, body, tags, themes, region, sectors,
                                      visibility, status, outcome, verified, featured, url, published_year,
                                      published_at, updated_at, vocabulary, facets, searched, searched_head)
        SELECT d.doc_id, d.content_type, t.title, t.summary, t.body, t.tags, t.themes, d.region, t.sectors,
               d.visibility, t.status, t.outcome, t.verified, t.featured, t.url, d.published_year, d.published_at,
               t.updated_at, t.vocabulary, {keys}, d.searched, d.searched_head
        FROM search_documents_0024 d JOIN search_document_texts t USING (doc_id)""")
    op.execute("DROP TABLE search_document_texts")
    op.execute("DROP TABLE search_documents_0024")
    op.execute("DROP FUNCTION search_vectors(text, text, text[], text)")
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
