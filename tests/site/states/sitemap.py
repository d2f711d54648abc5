"""The sitemap and robots.txt: read by crawlers, so they hold only what a visitor may read. Every
draft, held post and members-only thread the other features made is a secret in them."""

from __future__ import annotations

from tests.site.harness import Site, registers_states


@registers_states("sitemap")
def sitemap_states(site: Site) -> None:
    site.page("/sitemap.xml")
    site.page("/robots.txt")
