"""One whole site per test module and database: every feature's states at once, and a client per role."""

from __future__ import annotations

import pytest

from kb.app.seeding import load_seed
from kb.platform import clock
from kb.platform.http import CleanArguments, CleanRequest
from kb.search.backends.whoosh.store import ensure_index
from tests.conftest import SEED_DIR, build_test_app, sign_in, tear_down
from tests.site.harness import ROLES, Site, build_site

# The query arguments the last request read: the walker sends odd values to exactly these.
ARGUMENTS_READ: set[str] = set()
# (what, requests, seconds) for each walk, reported at the end of the run.
WALKS: list[tuple[str, int, float]] = []


def pytest_terminal_summary(terminalreporter):
    if not WALKS:
        return
    requests, seconds = sum(walk[1] for walk in WALKS), sum(walk[2] for walk in WALKS)
    terminalreporter.write_sep("-", "whole-site harness")
    for what, count, taken in WALKS:
        terminalreporter.write_line(f"{what}: {count} requests in {taken:.1f} s")
    terminalreporter.write_line(f"in all: {requests} requests in {seconds:.1f} s ({requests / seconds:.0f} a second)")


class RecordingArguments(CleanArguments):
    def __getitem__(self, key):
        ARGUMENTS_READ.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's own signature)
        ARGUMENTS_READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        ARGUMENTS_READ.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        ARGUMENTS_READ.add(key)
        return super().__contains__(key)


class RecordingRequest(CleanRequest):
    parameter_storage_class = RecordingArguments


class WholeSite:
    def __init__(self, app, site: Site):
        self.app, self.site = app, site
        self.backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
        self.clients = {}
        for role in ROLES:
            client = app.test_client()
            if role != "anonymous":
                sign_in(client, site.people[role])
            self.clients[role] = client


@pytest.fixture(scope="module")
def whole_site(database_url, tmp_path_factory):
    search_dir = tmp_path_factory.mktemp("site-search")
    ensure_index(search_dir)
    app = build_test_app(database_url, search_dir)
    app.request_class = RecordingRequest
    context = app.app_context()
    context.push()
    try:
        load_seed(SEED_DIR)
        yield WholeSite(app, build_site(app))
    finally:
        tear_down(app)
        context.pop()
        clock.freeze(None)
