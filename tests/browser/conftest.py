"""Real-browser fixtures: Debian's Chromium driven by Playwright, the real app on a live server,
and axe-core run on every page a test visits."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("KB_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (KB_REQUIRE_BROWSER=1) but not installed: apt-get install chromium")
        pytest.skip("Chromium not installed: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(seeded):
    """The real app, seeded, served on 127.0.0.1 on a free port for the length of one test."""
    server = make_server("127.0.0.1", 0, seeded, threaded=True)
    # Track the request threads so that closing the server waits for them: a request still running
    # when the test's database is emptied and its engine disposed would leak a connection.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live_server):
    # Depends on live_server so the browser closes its connections before the server stops.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page) -> None:
    """No WCAG 2.x A or AA violation that axe-core can find on the page as it is now."""
    page.wait_for_load_state("load")
    violations = _axe.run(page, options=WCAG).response["violations"]
    assert not violations, [(v["id"], v["help"], [node["target"] for node in v["nodes"]]) for v in violations]
