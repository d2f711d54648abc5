"""Search and the lists, over everything the other features made (drafts and held posts included)."""

from __future__ import annotations

from tests.site.harness import Site, registers_states


@registers_states("search")
def search_states(site: Site) -> None:
    for page in (
        "/search",
        "/search?q=partnership",
        "/search?q=thread&sort=newest",
        "/search?sort=newest",
        "/search.json?q=partnership",
        "/search.json?q=&sort=newest",
        "/case-studies",
        "/lessons",
        "/case-studies?tag=harness",
        "/lessons?outcome=worked+well&theme=sharing-good-practice",
    ):
        site.page(page)
