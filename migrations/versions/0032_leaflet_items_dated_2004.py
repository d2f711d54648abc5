"""the leaflet's case studies and lessons are dated by the leaflet (2004), not by the day the site
was set up, and lose the internal tags "leaflet case study" and "leaflet lesson"

- library_items seeded from the leaflet (seed_key "leaflet-..."): published_at is 1 January of the
  year the taskforce's text says the leaflet came out (2004 if it says nothing).
- The two internal tags leave those items, and go if nothing else uses them.
- Each changed item is written to the search outbox, so the index follows at the next drain.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05 18:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

INTERNAL_TAGS = ("leaflet case study", "leaflet lesson")


def upgrade():
    bind = op.get_bind()
    year = bind.execute(sa.text("SELECT value FROM site_texts WHERE key = 'taskforce.published'")).scalar()
    published = f"{int(year) if year and str(year).isdecimal() else 2004}-01-01 00:00:00"
    leaflet = "seed_key LIKE 'leaflet-%'"
    bind.execute(sa.text(f"UPDATE library_items SET published_at = :published WHERE {leaflet}"), {"published": published})
    for name in INTERNAL_TAGS:
        bind.execute(
            sa.text(
                "DELETE FROM library_item_tags WHERE tag_id IN (SELECT id FROM tags WHERE name = :name) "
                f"AND item_id IN (SELECT id FROM library_items WHERE {leaflet})"
            ),
            {"name": name},
        )
        bind.execute(
            sa.text(
                "DELETE FROM tags WHERE name = :name AND id NOT IN (SELECT tag_id FROM library_item_tags)"
            ),
            {"name": name},
        )
    bind.execute(
        sa.text(
            "INSERT INTO search_outbox (doc_key, created_at) "
            f"SELECT 'library_item:' || CAST(id AS VARCHAR(20)), CURRENT_TIMESTAMP FROM library_items WHERE {leaflet}"
        )
    )


def downgrade():
    # The day the site was set up is not known any more, nor is it worth knowing: nothing to undo.
    pass
