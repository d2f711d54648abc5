"""Every feed, read over a site holding drafts, held posts and members-only threads: the harness
checks that none of their secrets reaches a feed, whoever asks (feeds are written for visitors)."""

from __future__ import annotations

from kb.library import service as library
from kb.library.models import Kind
from tests.site.harness import MODERATORS, ROLES, Site, registers_states

NOT_FOUND = dict.fromkeys(ROLES, 404)


@registers_states("feeds")
def feed_states(site: Site) -> None:
    collection_id = site.ids["collection_id"]
    for page in (
        "/feeds/latest.atom",
        "/feeds/themes/sharing-good-practice.atom",
        "/feeds/tags/harness.atom",
        f"/feeds/collections/{collection_id}.atom",
        "/feeds/search.atom",
        "/feeds/search.atom?q=draft",
        "/feeds/search.atom?q=thread&theme=sharing-good-practice",
        "/feeds/search.atom?tag=harness",
    ):
        site.page(page)
    # The board is for members here (KB_BOARD_PUBLIC is off): its categories have no feeds, even for them.
    for page in (
        "/feeds/board/general.atom",
        "/feeds/themes/no-such-theme.atom",
        "/feeds/tags/no-such-tag.atom",
        "/feeds/collections/999999.atom",
    ):
        site.page(page, NOT_FOUND)
    # A tag on drafts alone is no tag yet, for anyone: its feed answers as an unknown tag's does.
    draft_tag = site.secret("draft tag", {"author", *MODERATORS})
    library.start_item(
        Kind.CASE_STUDY,
        library.ItemFields(
            title="A draft with a tag of its own",
            body="Not yet published.",
            theme_slugs=["sharing-good-practice"],
            summary="A draft.",
            tags=[draft_tag],
        ),
        by=site.people["author"],
    )
    site.page(f"/feeds/tags/{draft_tag}.atom", NOT_FOUND)
    site.hidden_like_unknown(f"/feeds/tags/{draft_tag}.atom", "/feeds/tags/no-such-tag.atom", ROLES)
    site.hidden_like_unknown(f"/case-studies?tag={draft_tag}", "/case-studies?tag=no-such-tag", ROLES)
