"""Each feature's states on the whole site, one module a feature (the harness checks every feature the
app declares has one) and `deletion`, across features. The harness builds them in the features' order
(kb/app/factory.py), then deletion."""

from tests.site.states import (  # noqa: F401  (each module registers its builder)
    api,
    auth,
    board,
    collections,
    deletion,
    feeds,
    library,
    meaning,
    moderation,
    notifications,
    ops,
    packs,
    partnerships,
    search,
    sitemap,
    themes,
)
