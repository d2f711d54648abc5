"""Case studies and lessons through the API: only what anonymous visitors may see, with the
filters, facets and pages of the site's lists."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from kb.library import service as library
from kb.library import tags
from kb.library.models import Kind, LibraryItem, Tag
from kb.platform.extensions import db
from tests.conftest import sign_in
from tests.factories import make_item

LIST = "/api/v1/case-studies"


@pytest.fixture
def only_ours(seeded):
    """The themes without the leaflet's items, so each test knows every item there is."""
    for item in db.session.scalars(select(LibraryItem)):
        db.session.delete(item)
    db.session.commit()


def titles(api, url: str) -> list[str]:
    response = api.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.get_json()["items"]]


def test_lists_and_items_hold_only_published_work_even_for_a_moderator(only_ours, api, people):
    author, moderator = people["author"], people["moderator"]
    published = make_item(author, title="Published partnership story", moderator=moderator)
    draft = make_item(author, status="draft", title="Draft partnership story")
    submitted = make_item(author, status="submitted", title="Submitted partnership story")
    archived = make_item(author, title="Archived partnership story", moderator=moderator)
    library.archive(archived, by=moderator, reason="Out of date.")
    assert titles(api, LIST) == ["Published partnership story"]
    for hidden in (draft, submitted):
        response = api.get(f"{LIST}/{hidden.id}")
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
    # An archived item's page stays up on the site, so its address does here too, marked archived.
    assert api.get(f"{LIST}/{archived.id}").get_json()["status"] == "archived"
    sign_in(api.client, moderator)
    assert titles(api, LIST) == ["Published partnership story"]
    assert api.get(f"{LIST}/{draft.id}").status_code == 404
    assert api.get(f"{LIST}/{published.id}").get_json()["title"] == "Published partnership story"


def test_a_published_item_shows_its_approved_text_while_an_edit_waits(only_ours, api, people):
    item = make_item(
        people["author"],
        title="Joint commissioning in Leeds",
        body="The approved words.",
        moderator=people["moderator"],
    )
    proposal = library.fields_of(item)
    proposal.body = "A proposed change nobody approved yet"
    library.save_item(item, proposal, by=people["author"], opened_at_revision=item.revision_number)
    shown = api.get(f"{LIST}/{item.id}").get_json()
    assert shown["body_markdown"] == "The approved words." and "proposed change" not in shown["body_html"]
    assert shown["html_url"] == f"/case-studies/{item.id}-{item.slug}" and shown["url"] == f"{LIST}/{item.id}"


def test_a_case_study_lists_its_lessons_and_a_lesson_names_its_case_study(only_ours, api, people):
    case_study = make_item(people["author"], title="Shared grants gateway", moderator=people["moderator"])
    lesson = make_item(
        people["author"],
        Kind.LESSON,
        title="One gateway cut the paperwork",
        source_case_study_id=case_study.id,
        moderator=people["moderator"],
    )
    assert [each["id"] for each in api.get(f"{LIST}/{case_study.id}").get_json()["lessons"]] == [lesson.id]
    shown = api.get(f"/api/v1/lessons/{lesson.id}").get_json()
    assert shown["source_case_study"]["url"] == f"{LIST}/{case_study.id}" and shown["outcome"] == "worked well"
    # Each kind answers only at its own address.
    assert api.get(f"/api/v1/lessons/{case_study.id}").status_code == 404
    assert api.get(f"{LIST}/{lesson.id}").status_code == 404


def test_filters_and_their_facet_counts_match_the_site(only_ours, api, people):
    author, moderator = people["author"], people["moderator"]
    make_item(
        author,
        title="Compact work in Leeds",
        region="Yorkshire and the Humber",
        tags=["compact"],
        theme_slugs=["improving-understanding"],
        moderator=moderator,
    )
    make_item(
        author,
        title="Funding work in London",
        region="London",
        tags=["funding", "compact"],
        theme_slugs=["funding-it-better"],
        sectors=["social enterprise"],
        moderator=moderator,
    )
    make_item(author, title="A draft about Leeds", region="Yorkshire and the Humber", tags=["compact"], status="draft")
    assert titles(api, f"{LIST}?region=London") == ["Funding work in London"]
    assert titles(api, f"{LIST}?tag=COMPACT&theme=improving-understanding") == ["Compact work in Leeds"]
    assert titles(api, f"{LIST}?sector=social+enterprise") == ["Funding work in London"]
    answer = api.get(f"{LIST}?tag=compact").get_json()
    assert answer["filters"] == {"tag": "compact"} and answer["total"] == 2
    counts = {
        name: {option["value"]: option["count"] for option in options} for name, options in answer["facets"].items()
    }
    assert counts["region"]["London"] == 1 and counts["region"]["Yorkshire and the Humber"] == 1
    assert counts["theme"]["funding-it-better"] == 1 and counts["tag"] == {"compact": 2, "funding": 1}
    assert counts["region"]["Wales"] == 0 and "outcome" not in counts


def test_lessons_filter_by_outcome_and_by_the_region_of_their_case_study(only_ours, api, people):
    author, moderator = people["author"], people["moderator"]
    source = make_item(author, title="Work in Wales", region="Wales", moderator=moderator)
    make_item(
        author, Kind.LESSON, title="Welsh lesson that worked", source_case_study_id=source.id, moderator=moderator
    )
    make_item(author, Kind.LESSON, title="Lesson that did not work", outcome="didn't work", moderator=moderator)
    assert titles(api, "/api/v1/lessons?region=Wales") == ["Welsh lesson that worked"]
    assert titles(api, "/api/v1/lessons?outcome=didn%27t+work") == ["Lesson that did not work"]
    facets = api.get("/api/v1/lessons").get_json()["facets"]
    assert {option["value"]: option["count"] for option in facets["outcome"]} == {"worked well": 1, "didn't work": 1}


def test_an_old_tag_name_finds_the_tag_it_became(only_ours, api, people):
    make_item(people["author"], title="Tagged before the rename", tags=["joint funding"], moderator=people["moderator"])
    tag = db.session.scalar(select(Tag).where(Tag.name == "joint funding"))
    tags.rename_or_merge(tag, "pooled funding", by=people["moderator"])
    answer = api.get(f"{LIST}?tag=joint+funding").get_json()
    assert answer["filters"] == {"tag": "pooled funding"} and answer["total"] == 1
    assert answer["links"]["self"] == f"{LIST}?tag=pooled+funding"


def test_pages_link_to_each_other(only_ours, api, people):
    for number in range(23):
        make_item(people["author"], title=f"Case study number {number:02}", moderator=people["moderator"])
    first = api.get(f"{LIST}?region=London").get_json()
    assert (first["total"], first["pages"], len(first["items"])) == (23, 2, 20)
    assert first["links"] == {
        "self": f"{LIST}?region=London",
        "first": f"{LIST}?region=London",
        "last": f"{LIST}?region=London&page=2",
        "prev": None,
        "next": f"{LIST}?region=London&page=2",
    }
    second = api.get(first["links"]["next"]).get_json()
    assert len(second["items"]) == 3 and second["links"]["next"] is None
    assert second["links"]["prev"] == f"{LIST}?region=London"
    assert {item["id"] for item in first["items"]}.isdisjoint({item["id"] for item in second["items"]})
    past = api.get(f"{LIST}?page=3")
    assert past.status_code == 404 and "past the last" in past.get_json()["detail"]


@pytest.mark.parametrize(
    "query, names",
    [
        ("page=-1", ["page"]),
        ("page=1000000000000000000000", ["page"]),
        ("page=abc", ["page"]),
        ("page=0", ["page"]),
        ("theme=not-a-theme&region=Atlantis", ["theme", "region"]),
        ("sector=%00", ["sector"]),
        ("tag=" + "x" * 41, ["tag"]),
        ("region=London%00", ["region"]),
        # An empty value is a value: the document allows no empty theme or page.
        ("theme=&page=", ["theme", "page"]),
        ("region=London&region=Wales", ["region"]),
    ],
)
def test_odd_parameters_are_refused_with_a_problem_naming_them(seeded, api, query, names):
    response = api.get(f"{LIST}?{query}")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert [each["name"] for each in problem["invalid_params"]] == names
    assert problem["type"] == "/api/v1/docs#invalid-parameters" and problem["instance"] == LIST


def test_an_unknown_parameter_or_an_empty_tag_changes_nothing(seeded, api):
    assert api.get(f"{LIST}?tag=&colour=blue&_external=1").get_json()["total"] == 5
    assert api.get(f"{LIST}?tag=%00").get_json()["total"] == 0


@pytest.mark.parametrize(
    "address",
    [
        f"{LIST}/999999",
        f"{LIST}/2147483648",
        f"{LIST}/10000000000000000000000",
        f"{LIST}/-1",
        "/api/v1/lessons/0",
        "/api/v1/nowhere",
        f"{LIST}/1%00",
    ],
)
def test_addresses_that_hold_nothing_answer_404_problems(seeded, api, address):
    response = api.get(address)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    address=st.sampled_from([LIST, "/api/v1/lessons", "/api/v1/search"]),
    name=st.sampled_from(["page", "theme", "region", "sector", "tag", "outcome", "q", "type", "year", "sort"]),
    value=st.text(max_size=60),
)
def test_any_value_of_any_parameter_gets_an_answer_the_document_describes(seeded, api, address, name, value):
    # The api client fails the test on an answer the document does not describe; a 5xx is never one.
    seeded.config["KB_API_RATE_PER_MINUTE"] = 10_000  # the examples come faster than any visitor may ask
    response = api.get(address, query_string={name: value})
    assert response.status_code in (200, 400, 404)
