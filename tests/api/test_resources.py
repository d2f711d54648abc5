"""Themes, collections, tags and search through the API: what their pages show anonymous visitors."""

from __future__ import annotations

from kb.collections import service as collections
from kb.library import service as library
from kb.library.models import Kind
from kb.search import service as search
from kb.themes import resources
from kb.themes.service import get_theme
from tests.conftest import sign_in
from tests.factories import make_item, make_thread


def test_the_five_themes_in_the_leaflets_order(seeded, api):
    themes = api.get("/api/v1/themes").get_json()["themes"]
    assert [theme["position"] for theme in themes] == [1, 2, 3, 4, 5]
    assert themes[0]["url"] == "/api/v1/themes/improving-understanding"


def test_a_theme_has_its_aim_checklist_actions_and_current_reading(seeded, api, people):
    theme = get_theme("funding-it-better")
    retired = resources.add(
        theme, resources.ResourceFields(title="Retired guidance", url="https://example.org/old"), by=people["moderator"]
    )
    resources.set_retired(retired, True, by=people["moderator"])
    shown = api.get("/api/v1/themes/funding-it-better").get_json()
    assert shown["aim"] == theme.aim
    assert [pair["do"] for pair in shown["checklist"]] == [pair.do_text for pair in theme.checklist]
    assert [pair["dont"] for pair in shown["checklist"]] == [pair.dont_text for pair in theme.checklist]
    assert len(shown["supporting_actions"]) == len(theme.supporting_actions) > 0
    assert all(isinstance(action["owners"], list) for action in shown["supporting_actions"])
    assert "Retired guidance" not in [resource["title"] for resource in shown["resources"]]
    assert len(shown["resources"]) == len([each for each in theme.resources if not each.retired])
    assert shown["counts"]["case_studies"] >= 1
    assert api.get(shown["links"]["case_studies"]).get_json()["filters"] == {"theme": "funding-it-better"}
    assert api.get("/api/v1/themes/no-such-theme").status_code == 404
    assert api.get("/api/v1/themes/funding%00").status_code == 404


def test_a_collection_shows_what_visitors_may_see_of_its_entries(seeded, api, people, app):
    moderator = people["moderator"]
    kept = make_item(people["author"], title="Case study archived after it was added", moderator=moderator)
    thread = make_thread(moderator, title="A members-only discussion of grants")
    collection = collections.save(None, "Starting out", "Where to begin.", get_theme("funding-it-better"), by=moderator)
    collections.add_entry(collection, f"/case-studies/{kept.id}", "Still useful.", by=moderator)
    collections.add_entry(collection, f"/board/t/{thread.id}", "A good discussion.", by=moderator)
    collections.add_entry(collection, "https://example.org/guide", "", by=moderator, title="A guide")
    library.archive(kept, by=moderator, reason="Out of date.")

    listed = api.get("/api/v1/collections").get_json()["collections"]
    assert [(each["title"], each["entry_count"]) for each in listed] == [("Starting out", 3)]
    shown = api.get(listed[0]["url"]).get_json()
    item, board_thread, web_page = shown["entries"]
    assert (item["type"], item["archived"], item["url"]) == ("case study", True, f"/api/v1/case-studies/{kept.id}")
    assert board_thread == {
        "position": 2,
        "type": "board thread",
        "available": False,
        "archived": False,
        "title": None,
        "url": None,
        "html_url": None,
        "note": "A good discussion.",
    }
    assert (web_page["title"], web_page["html_url"]) == ("A guide", "https://example.org/guide")
    # A signed-in member sees the same: the API serves the public view.
    sign_in(api.client, people["author"])
    assert "members-only" not in api.get(listed[0]["url"]).get_data(as_text=True)
    # Where the board is open to visitors, the thread is named.
    app.config["KB_BOARD_PUBLIC"] = True
    board_thread = api.get(listed[0]["url"]).get_json()["entries"][1]
    assert board_thread["title"] == "A members-only discussion of grants" and board_thread["available"]
    assert "Starting out" in [
        each["title"] for each in api.get("/api/v1/themes/funding-it-better").get_json()["collections"]
    ]
    assert api.get("/api/v1/collections/999999").status_code == 404


def test_tags_count_only_published_items(seeded, api, people):
    make_item(people["author"], title="Published with a tag", tags=["pooled budgets"], moderator=people["moderator"])
    make_item(
        people["author"],
        Kind.LESSON,
        title="Lesson with the tag",
        tags=["pooled budgets"],
        moderator=people["moderator"],
    )
    make_item(people["author"], title="Draft with its own tag", tags=["qzdrafttagzq"], status="draft")
    tags = {tag["name"]: tag for tag in api.get("/api/v1/tags").get_json()["tags"]}
    assert (tags["pooled budgets"]["case_studies"], tags["pooled budgets"]["lessons"]) == (1, 1)
    assert "qzdrafttagzq" not in tags
    assert api.get(tags["pooled budgets"]["links"]["lessons"]).get_json()["total"] == 1


def test_search_finds_published_work_only_with_facets_and_links(seeded, api, people):
    author, moderator = people["author"], people["moderator"]
    make_item(
        author, title="Hospital discharge partnership", body="Volunteers help patients home.", moderator=moderator
    )
    make_item(author, Kind.LESSON, title="Hospital volunteers need training", moderator=moderator)
    make_item(author, title="Hospital draft qzsecretzq", status="submitted")
    search.drain()
    sign_in(api.client, moderator)  # a moderator asking the API still finds only published work
    found = api.get("/api/v1/search?q=hospital").get_json()
    assert sorted(result["title"] for result in found["results"]) == [
        "Hospital discharge partnership",
        "Hospital volunteers need training",
    ]
    assert api.get("/api/v1/search?q=qzsecretzq").get_json()["results"] == []
    types = {option["value"]: option["count"] for option in found["facets"]["type"]}
    assert types == {"case study": 1, "lesson": 1}
    lessons = api.get("/api/v1/search?q=hospital&type=lesson").get_json()
    assert [result["type"] for result in lessons["results"]] == ["lesson"]
    assert lessons["results"][0]["url"].startswith("/api/v1/lessons/")
    assert api.get(lessons["results"][0]["url"]).status_code == 200
    assert lessons["links"]["self"] == "/api/v1/search?q=hospital&type=lesson"
    fallback = api.get("/api/v1/search?q=hospital+zebra").get_json()
    assert fallback["total"] == 2 and fallback["notice"]


def test_search_refuses_odd_parameters_and_pages_past_the_last(seeded, api):
    refused = api.get("/api/v1/search?sort=oldest&type=poem&year=20x6&page=-1")
    assert refused.status_code == 400
    assert {each["name"] for each in refused.get_json()["invalid_params"]} == {"sort", "type", "year", "page"}
    assert api.get("/api/v1/search?q=" + "x" * 501).status_code == 400
    # The document's pattern for a year is four digits: nothing else, not even nothing.
    for year in ("", "2026%0A", "%D9%A2%D9%A0%D9%A2%D9%A6", "02026"):
        refused = api.get(f"/api/v1/search?year={year}")
        assert refused.status_code == 400, year
        assert [each["name"] for each in refused.get_json()["invalid_params"]] == ["year"]
    assert api.get("/api/v1/search?year=2026&q=").status_code == 200
    assert api.get("/api/v1/search?q=partnership&page=50").status_code == 404
    assert api.get("/api/v1/search?q=%00%22unclosed").status_code == 200


def test_search_finds_board_threads_only_where_the_board_is_open_to_visitors(seeded, api, people, app):
    make_thread(people["moderator"], title="Open discussion about compacts")
    search.drain()
    sign_in(api.client, people["author"])  # a member reads the board on the site, but not through the API
    assert api.get("/api/v1/search?q=compacts&type=board+thread").get_json()["results"] == []
    app.config["KB_BOARD_PUBLIC"] = True
    found = api.get("/api/v1/search?q=compacts&type=board+thread").get_json()
    assert [result["title"] for result in found["results"]] == ["Open discussion about compacts"]
    assert found["results"][0]["url"] is None and found["results"][0]["html_url"].startswith("/board/t/")


def test_search_finds_the_leaflets_checklist_and_points_at_its_theme(seeded, api):
    search.drain()
    found = api.get("/api/v1/search?q=compact&type=checklist").get_json()
    assert found["total"] > 0 and {result["type"] for result in found["results"]} == {"checklist"}
    first = found["results"][0]
    assert first["url"].startswith("/api/v1/themes/") and first["html_url"].startswith("/themes/")
    assert api.get(first["url"]).status_code == 200
    assert {option["value"]: option["label"] for option in found["facets"]["type"]}["checklist"] == "The checklist"
