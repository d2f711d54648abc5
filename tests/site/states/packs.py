"""Meeting packs to print: a theme's pack lists what a visitor may read on that theme, so the
library's drafts and submissions on it (made by the library's states) are secrets in it. A
collection's pack is walked with the collection (tests/site/states/collections.py)."""

from __future__ import annotations

from tests.site.harness import Site, registers_states


@registers_states("packs")
def packs_states(site: Site) -> None:
    site.page("/themes/sharing-good-practice/pack")
    site.page("/themes/funding-it-better/pack")
