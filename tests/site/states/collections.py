"""A collection holding a published item later archived, a members-only thread and an outside link."""

from __future__ import annotations

from kb.collections import service as collections
from kb.library import service as library
from kb.library.models import Kind
from tests.site.harness import PUBLIC, Site, registers_states
from tests.site.states.library import write


@registers_states("collections")
def collection_states(site: Site) -> None:
    moderator = site.people["moderator"]
    kept = write(site, Kind.CASE_STUDY, "archived", title="Archived case study kept in a collection")
    library.submit_for_review(kept, by=site.people["author"])
    library.publish(kept, by=moderator)
    collection = collections.save(None, "Starting a partnership", "Where to begin.", None, by=moderator)
    collections.add_entry(collection, f"/case-studies/{kept.id}", "Still worth reading.", by=moderator)
    collections.add_entry(collection, f"/board/t/{site.refs['members_thread'].id}", "A good discussion.", by=moderator)
    collections.add_entry(
        collection, "https://example.org/guide", "Outside guidance.", by=moderator, title="A guide from elsewhere"
    )
    library.archive(kept, by=moderator, reason="Out of date.")
    site.ids.update({"collection_id": collection.id, "entry_id@collections": collection.entries[0].id})
    site.page("/collections")
    site.page(f"/collections/{collection.id}-{collection.slug}")
    site.page(f"/collections/{collection.id}", {role: 301 for role in PUBLIC})
    # Its pack names the members-only thread to members only, as the collection's page does.
    site.page(f"/collections/{collection.id}/pack")
    site.page(f"/case-studies/{kept.id}-{kept.slug}")
    site.page("/collections/new")
    site.page(f"/collections/{collection.id}/edit")
    site.form("/collections/new", "moderator")
    site.form(
        f"/collections/{collection.id}-{collection.slug}", "moderator", action=f"/collections/{collection.id}/entries"
    )
