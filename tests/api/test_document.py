"""The OpenAPI document is a valid OpenAPI 3.1 document, says what the code does, and its readable
page is drawn from it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from openapi_spec_validator import validate

from kb.api.document import openapi_document, resolve
from kb.library.models import TAG_MAX, Outcome
from kb.platform.http import LARGEST_PAGE
from kb.platform.vocabulary import REGIONS, SECTOR_LABELS
from kb.search import service as search_service
from kb.themes.models import THEME_SLUGS


def test_the_document_is_valid_openapi_3_1():
    document = openapi_document()
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_the_document_is_served_as_json(app, api):
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == openapi_document()


def test_every_route_is_in_the_document_and_every_path_has_a_route(app):
    routes = {
        re.sub(r"<(?:\w+:)?\w*?(id|slug)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == set(openapi_document()["paths"])


def test_the_documents_choices_are_the_sites(app):
    parameters = openapi_document()["components"]["parameters"]
    assert parameters["theme"]["schema"]["enum"] == list(THEME_SLUGS)
    assert parameters["region"]["schema"]["enum"] == list(REGIONS)
    assert parameters["sector"]["schema"]["enum"] == [str(sector) for sector in SECTOR_LABELS]
    assert parameters["outcome"]["schema"]["enum"] == [outcome.value for outcome in Outcome]
    assert parameters["tag"]["schema"]["maxLength"] == TAG_MAX
    assert parameters["page"]["schema"]["maximum"] == LARGEST_PAGE
    search_type = next(
        parameter
        for parameter in openapi_document()["paths"]["/search"]["get"]["parameters"]
        if parameter.get("name") == "type"
    )
    assert search_type["schema"]["enum"] == list(search_service.facet_labels()["type"])


def test_the_index_links_every_resource(seeded, api):
    index = api.get("/api/v1/").get_json()
    assert set(index["resources"]) == {"case_studies", "lessons", "themes", "collections", "tags", "search"}
    for address in [*index["resources"].values(), index["openapi"], index["documentation"]]:
        assert api.get(address).status_code == 200, address


class PageOutline(HTMLParser):
    """The headings, tables and scripts of a page, for the accessibility checks."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.tables = self.header_cells = self.scripts = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self.tables += tag == "table"
        self.header_cells += tag == "th" and dict(attrs).get("scope") in ("col", "row")
        self.scripts += tag == "script"

    def handle_data(self, data):
        self.text.append(data)


def test_the_readable_page_shows_every_path_from_the_document(seeded, api):
    response = api.get("/api/v1/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    outline = PageOutline()
    outline.feed(response.get_data(as_text=True))
    text = " ".join(outline.text)
    document = openapi_document()
    for path, item in document["paths"].items():
        assert f"GET /api/v1{path}" in text
        for parameter in item["get"].get("parameters", []):
            assert resolve(parameter, document)["name"] in text
    for name in document["components"]["schemas"]:
        assert name in text
    assert "Retry-After" in text and "If-None-Match" in text


def test_the_readable_page_is_ordered_for_screen_readers_and_needs_no_script(seeded, api):
    outline = PageOutline()
    outline.feed(api.get("/api/v1/docs").get_data(as_text=True))
    headings = [level for level in outline.headings if level >= 1]
    assert headings.count(1) == 1 and headings[0] == 1
    # Each heading is at most one level below the one before it (none skipped).
    assert all(later <= earlier + 1 for earlier, later in zip(headings, headings[1:], strict=False))
    assert outline.tables > 10 and outline.header_cells > outline.tables * 3
    assert outline.scripts == 0
