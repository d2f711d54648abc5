"""Real-browser fixtures: Debian's Chromium driven by Playwright, the real app on a live server,
and axe-core run on every page a test visits, whose HTML the W3C Nu checker reads at the end."""

from __future__ import annotations

import os
import shutil
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.html_checker import SavedPages, checker_command

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
# Each page's documents as the server sent them, latest last (see html_as_sent).
_documents: dict = {}


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
        yield KeepingDocuments(chromium)
        chromium.close()
        _documents.clear()


class KeepingDocuments:
    """The browser, but each context it makes keeps its pages' documents as the server sent them."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.on("response", keep_document)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()


def keep_document(response) -> None:
    if response.request.resource_type == "document" and response.frame.parent_frame is None:
        _documents.setdefault(response.frame.page, []).append(response)


@pytest.fixture
def live_server(seeded):
    """The real app, seeded, served on 127.0.0.1 on a free port for the length of one test."""
    server = make_server("127.0.0.1", 0, seeded, threaded=True)
    # Track the request threads so that closing the server waits for them: a request still running
    # when the test's database is emptied and its engine disposed would leak a connection.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_port}"
    seeded.config["KB_SITE_URL"] = address  # its links (an invitation's, say) lead back to it
    yield address
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
# Where assert_accessible saves each page for the Nu checker; None when the checker cannot run.
_for_nu_checker: dict[str, SavedPages | None] = {"pages": None}


@pytest.fixture(scope="session", autouse=True)
def nu_checked_pages(tmp_path_factory):
    """The HTML of every page the journeys check with axe-core, through the Nu checker once, at the
    end of the session (Java is slow to start): its errors fail the last test, page by page."""
    command = checker_command()
    if command is None:
        yield
        return
    saved = _for_nu_checker["pages"] = SavedPages(tmp_path_factory.mktemp("nu-checked-pages"))
    yield
    _for_nu_checker["pages"] = None
    errors = saved.errors(command)
    if errors:
        pytest.fail(f"the Nu HTML checker found {len(errors)} errors in the journeys' pages:\n" + "\n".join(errors))


def html_as_sent(page) -> str:
    """The page's HTML as the server sent it: page.content() is the browser's own serialisation,
    in which a parse error (a form inside a paragraph, an end tag too many) is already repaired.
    The site has no scripts, so the two differ in nothing else."""
    sent = next(
        (response for response in reversed(_documents.get(page, [])) if response.url == page.url.split("#")[0]), None
    )
    if sent is not None and not 300 <= sent.status < 400:  # a redirect has no body
        try:
            return sent.text()
        except PlaywrightError:  # Chromium no longer holds the body
            pass
    return page.content()


def assert_accessible(page) -> None:
    """No WCAG 2.x A or AA violation that axe-core can find on the page as it is now (and its HTML
    kept for the Nu checker)."""
    page.wait_for_load_state("load")
    if _for_nu_checker["pages"] is not None:
        _for_nu_checker["pages"].save(page.url, html_as_sent(page))
    violations = _axe.run(page, options=WCAG).response["violations"]
    assert not violations, [(v["id"], v["help"], [node["target"] for node in v["nodes"]]) for v in violations]
