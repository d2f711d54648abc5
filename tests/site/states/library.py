"""Case studies and lessons in every workflow state, with their pages and forms."""

from __future__ import annotations

from sqlalchemy import select

from kb.library import curation, featuring
from kb.library import service as library
from kb.library.models import FeaturedItem, Kind, LibraryItem, Tag
from kb.platform.extensions import db
from kb.search import service as search
from tests.site.harness import EVERYONE, MODERATORS, SIGNED_IN, Site, registers_states

WRITER_AND_MODERATORS = {"author", *MODERATORS}
# What a visitor who may not see an item gets: no hint that it exists.
HIDDEN_ITEM = {"anonymous": 404, "member": 404, "author": 200, "moderator": 200, "admin": 200}
HISTORY = {"anonymous": 302, "member": 403, "author": 200, "moderator": 200, "admin": 200}
HIDDEN_HISTORY = {**HISTORY, "member": 404}
EDIT_OWN = {"anonymous": 302, "member": 403, "author": 200, "moderator": 200, "admin": 200}
PREFIX = {Kind.CASE_STUDY: "case-studies", Kind.LESSON: "lessons"}


def address(item: LibraryItem, action: str = "") -> str:
    return (
        f"/{PREFIX[Kind(item.kind)]}/{item.id}-{item.slug}"
        if not action
        else f"/{PREFIX[Kind(item.kind)]}/{item.id}/{action}"
    )


def write(site: Site, kind: Kind, what: str, *, secret_for=None, title: str = "") -> LibraryItem:
    """A complete draft by the author; its title holds a secret when only `secret_for` may see it."""
    word = site.secret(what, secret_for) if secret_for else ""
    fields = library.ItemFields(
        title=title or f"{what.capitalize()} {word}".strip(),
        body=f"What happened in the {what}.",
        theme_slugs=["sharing-good-practice"],
        summary=f"A {what} worth reading." if kind == Kind.CASE_STUDY else "",
        tags=["harness"],
        region="North West",
        sectors=["public body"],
        outcome="worked well" if kind == Kind.LESSON else None,
    )
    return library.start_item(kind, fields, by=site.people["author"])


@registers_states("library")
def library_states(site: Site) -> None:
    author, moderator = site.people["author"], site.people["moderator"]
    for kind in Kind:
        name = "case study" if kind == Kind.CASE_STUDY else "lesson"
        draft = write(site, kind, f"draft {name}", secret_for={"author", *MODERATORS})
        submitted = write(site, kind, f"submitted {name}", secret_for=WRITER_AND_MODERATORS)
        library.submit_for_review(submitted, by=author)
        changes = write(site, kind, f"changes {name}", secret_for=WRITER_AND_MODERATORS)
        library.submit_for_review(changes, by=author)
        library.request_changes(
            changes, by=moderator, note=f"Please expand {site.secret('change note', WRITER_AND_MODERATORS)}"
        )
        resubmitted = write(site, kind, f"resubmitted {name}", secret_for=WRITER_AND_MODERATORS)
        library.submit_for_review(resubmitted, by=author)
        library.request_changes(resubmitted, by=moderator, note="Say more about the outcome.")
        library.submit_for_review(resubmitted, by=author)
        site.refs[f"resubmitted {name}"] = resubmitted
        rejected = write(site, kind, f"rejected {name}", secret_for=WRITER_AND_MODERATORS)
        library.submit_for_review(rejected, by=author)
        # The reason reaches the author's notifications: no other member may read it there.
        reason = f"Off topic {site.secret('reject reason', WRITER_AND_MODERATORS)}"
        library.reject(rejected, by=moderator, reason=reason)

        published = write(site, kind, f"published {name}", title=f"Published {name} for everyone")
        library.submit_for_review(published, by=author)
        library.publish(published, by=moderator)
        newer = write(site, kind, f"newer {name}", title=f"Newer {name} that replaces another")
        library.submit_for_review(newer, by=author)
        library.publish(newer, by=moderator)
        curation.supersede(published, by=moderator, replacement_address=address(newer))
        featuring.feature(newer, None, by=moderator)
        site.refs[f"published {name}"] = newer

        pending = write(site, kind, f"edited {name}", title=f"Edited {name} with an edit waiting")
        library.submit_for_review(pending, by=author)
        library.publish(pending, by=moderator)
        waiting = library.fields_of(pending)
        waiting.body = f"A proposed change {site.secret('pending edit', WRITER_AND_MODERATORS)}"
        library.save_item(pending, waiting, by=author, opened_at_revision=pending.revision_number)
        site.ids[f"item_id@{'case_study' if kind == Kind.CASE_STUDY else 'lesson'}"] = pending.id
        site.ids["number"] = 1
        if kind == Kind.CASE_STUDY:
            curation.verify(newer, by=moderator, note="Checked with the council.")
            site.refs["case_study"] = newer

        for item in (draft, submitted, changes, resubmitted, rejected):
            site.page(address(item), HIDDEN_ITEM)
            site.page(address(item, "history"), HIDDEN_HISTORY)
        for item in (published, newer, pending):
            site.page(address(item))
            site.page(address(item, "history"), HISTORY)
        site.page(address(pending, "history/compare") + "?from=1&to=2", HISTORY)
        site.page(f"/{PREFIX[kind]}/{newer.id}", {role: 301 for role in EVERYONE})
        site.page(address(draft, "edit"), {**EDIT_OWN, "member": 404})
        site.page(address(changes, "edit"), {**EDIT_OWN, "member": 404})
        site.page(address(pending, "edit"), EDIT_OWN)
        site.page(f"/{PREFIX[kind]}/new", {**dict.fromkeys(SIGNED_IN, 200), "anonymous": 302})
        # The downloads hold the public list only: every unpublished title above is a secret in them.
        site.page(f"/{PREFIX[kind]}.csv?tag=harness&region=North+West")
        site.page(f"/{PREFIX[kind]}.csv")
        site.form(f"/{PREFIX[kind]}/new", "author")
        site.form(address(draft, "edit"), "author")
        site.form(address(submitted), "moderator", action=address(submitted, "decide"))
        site.form(address(pending), "moderator", action=address(pending, "decide"))
        site.form(address(newer), "moderator", action=address(newer, "supersede"))
    site.ids["entry_id@library"] = db.session.scalar(select(FeaturedItem.id))
    site.ids["tag_id"] = db.session.scalar(select(Tag.id).where(Tag.name == "harness"))
    search.drain()
