"""A shared link to an item, a theme or a collection shows a title and a summary in email and chat."""

from __future__ import annotations

from html.parser import HTMLParser

from kb.auth.models import Role
from kb.collections import service as collections
from kb.library.models import Kind
from tests.factories import make_item, make_user


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        if tag == "link" and attrs.get("rel") == "canonical":
            self.meta["canonical"] = attrs["href"]


def meta_of(client, url: str) -> dict[str, str]:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    parser = MetaTags()
    parser.feed(response.get_data(as_text=True))
    return parser.meta


def test_a_case_study_page_carries_its_title_summary_and_whole_address(client, seeded):
    item = make_item(
        make_user(),
        title="Joint training for councillors & charities",
        summary="Councillors and charity staff trained together, and stopped talking past each other.",
    )
    meta = meta_of(client, f"/case-studies/{item.id}")  # an address without the slug, which redirects
    assert meta["og:title"] == "Joint training for councillors & charities"
    assert meta["og:description"] == meta["description"] == item.summary
    assert meta["og:url"] == meta["canonical"] == f"http://127.0.0.1:5000/case-studies/{item.id}-{item.slug}"
    assert meta["og:type"] == "article"


def test_a_lesson_without_a_summary_is_described_by_the_start_of_its_text(client, seeded):
    lesson = make_item(
        make_user(),
        Kind.LESSON,
        title="Agree the criteria before the money",
        body="**Shared criteria** made joint decisions quick. " + "More words. " * 40,
    )
    meta = meta_of(client, f"/lessons/{lesson.id}-{lesson.slug}")
    assert meta["og:title"] == "Agree the criteria before the money"
    assert meta["og:description"].startswith("Shared criteria made joint decisions quick.")
    assert len(meta["og:description"]) <= 203 and "**" not in meta["og:description"]
    assert meta["description"] == meta["og:description"]
    assert meta["og:url"] == f"http://127.0.0.1:5000/lessons/{lesson.id}-{lesson.slug}"


def test_a_theme_page_and_a_collection_page_are_described_too(client, seeded):
    meta = meta_of(client, "/themes/funding-it-better")
    assert meta["og:title"] == "Funding it better"
    assert meta["og:description"] and meta["og:description"] == meta["description"]
    assert meta["og:url"] == "http://127.0.0.1:5000/themes/funding-it-better" and meta["og:type"] == "website"

    collection = collections.save(
        None, "Starting a partnership", "Where to begin, in five readings.", None, by=make_user(role=Role.MODERATOR)
    )
    meta = meta_of(client, f"/collections/{collection.id}-{collection.slug}")
    assert meta["og:title"] == "Starting a partnership"
    assert meta["og:description"] == "Where to begin, in five readings."
    assert meta["og:url"] == f"http://127.0.0.1:5000/collections/{collection.id}-{collection.slug}"
