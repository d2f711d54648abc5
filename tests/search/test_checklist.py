"""The leaflet's own advice is findable: each theme's aim, Do/Don't pair, supporting action and
reading-list resource is a search result of the type "The checklist", linking to its place on the
theme page; a practitioner's plain question finds the checklist item that answers it."""

import re

import pytest

from kb.auth.models import Role
from kb.platform.extensions import db
from kb.search import service as search
from kb.themes.models import ThemeResource
from tests.conftest import sign_in
from tests.factories import make_user
from tests.library.conftest import post
from tests.search.conftest import results

# A practitioner's question, and the start of the title of the checklist item that answers it.
QUESTIONS = [
    ("how do we avoid reinventing the wheel", "Do: Collect and signpost useful material"),
    ("involve the sector early", "The aim of “Joining-up policy”"),
    ("should we pay grants in advance or in arrears", "Do: Aim for payments in advance"),
    ("how much information should funders ask for", "Do: Streamline and reduce bureaucracy"),
    ("can grants cover overhead costs", "Do: Recognise the legitimacy of funding relevant overhead costs"),
    ("one size fits all", "Do: Retain flexibility for different circumstances"),
    (
        "who represents the voluntary sector on the local strategic partnership",
        "Do: Ensure proper reflection of public and third sector organisations",
    ),
    ("decisions based on evidence", "Do: Make and base decisions on clear evidence and impact"),
    ("annual health check of the partnership", "Local Strategic Partnerships to consider using this checklist"),
    ("not enough time to respond to a consultation", "Do: Allow sufficient time for meaningful response"),
    ("short-term grants and continual bidding", "Do: Consider longer-term and clearer funding agreements"),
    ("tender opportunities for charities", "Do: Ensure procurement processes are fully open to the third sector"),
]


@pytest.fixture
def indexed(seeded):
    search.drain()
    return seeded


@pytest.mark.parametrize(("question", "answer"), QUESTIONS, ids=[question for question, _ in QUESTIONS])
def test_a_practitioners_question_finds_the_checklist_item_that_answers_it(indexed, client, question, answer):
    first_five = results(client, f"q={question}")["results"][:5]
    assert any(hit["title"].startswith(answer) for hit in first_five), [hit["title"] for hit in first_five]


def test_the_leaflets_own_words_find_their_checklist_item(indexed, client):
    for words, expected in (
        ("reinventing the wheel", "Do: Collect and signpost useful material"),
        ("wild claims", "Do: Make and base decisions on clear evidence"),
        ("full cost recovery", "Full Cost Recovery: a guide and toolkit"),
    ):
        hit = results(client, f"q={words}")["results"][0]
        assert hit["title"].startswith(expected), (words, hit["title"])
        assert hit["type"] == "checklist"


def test_each_checklist_result_links_to_its_own_place_on_the_theme_page(indexed, client):
    hits = results(client, "q=reinventing the wheel")["results"]
    address, anchor = hits[0]["url"].split("#")
    assert address == "/themes/sharing-good-practice"
    page = client.get(address).get_data(as_text=True)
    assert f'id="{anchor}"' in page
    row = re.search(rf'<tr id="{anchor}">(.*?)</tr>', page, re.S).group(1)
    assert "reinventing the wheel" in row


def test_the_results_page_names_the_checklist_and_filters_by_it(indexed, client):
    page = client.get("/search?q=funding").get_data(as_text=True)
    assert "The checklist" in page
    only_checklist = results(client, "q=funding&type=checklist")
    assert only_checklist["total"] > 0
    assert {hit["type"] for hit in only_checklist["results"]} == {"checklist"}
    by_theme = results(client, "q=funding&type=checklist&theme=funding-it-better")["results"]
    assert by_theme and all(hit["url"].startswith("/themes/funding-it-better#") for hit in by_theme)


def test_a_reading_list_change_reaches_search(indexed, client):
    browser = sign_in(indexed.test_client(), make_user(role=Role.MODERATOR))
    resource = db.session.query(ThemeResource).filter(ThemeResource.title.startswith("Full Cost Recovery")).one()
    post(browser, f"/moderation/resources/{resource.id}/retire")
    search.drain()
    assert not any(
        hit["title"].startswith("Full Cost Recovery") for hit in results(client, "q=full cost recovery")["results"]
    )
