"""The operators' page: /healthz answers everyone (load balancers ask it by address) and names no
member, draft or address of the states the other features made."""

from __future__ import annotations

from tests.site.harness import Site, registers_states


@registers_states("ops")
def ops_states(site: Site) -> None:
    site.page("/healthz")
