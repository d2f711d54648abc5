"""The relevance set: practitioners' situations in their own words (none in the leaflet's wording),
each with the items they would want first. Prints the share whose best answer is in the top three
by the words alone, by meaning alone and by both fused; the fused ranking must beat both."""

import pytest
from flask_login import AnonymousUserMixin

from kb.meaning import service as meaning
from kb.search import service as search
from kb.search.documents import document_for_key

# (situation, titles any of which is the best answer: the start of each title)
SITUATIONS = [
    (
        "our council keeps giving one-year grants and the charities spend all their time bidding",
        ["Do: Consider longer-term and clearer funding agreements"],
    ),
    ("the funder wants pages and pages of forms for a tiny sum of money", ["Do: Streamline and reduce bureaucracy"]),
    (
        "the money only arrives months after we have already spent it on the project",
        ["Do: Aim for payments in advance"],
    ),
    (
        "they will pay for the project worker but not for rent, the accounts or the manager's time",
        ["Do: Recognise the legitimacy of funding relevant overhead costs", "Full Cost Recovery"],
    ),
    (
        "contracts always go to big private companies and small charities never hear about them",
        ["Do: Ensure procurement processes are fully open to the third sector"],
    ),
    (
        "every department runs its own small grants scheme with different rules",
        ["One grants gateway with shared criteria", "Effective funding arrangements"],
    ),
    (
        "the council sends out a plan for comments and wants replies within a week",
        ["Do: Allow sufficient time for meaningful response"],
    ),
    (
        "we are only asked what we think once the strategy has already been decided",
        [
            "Do: Engage on policy and programme design at the earliest possible stage",
            "Consulting the sector on a council strategy",
        ],
    ),
    (
        "nobody at the town hall knows which community groups exist in the area or what they do",
        ["Do: Attempt to map and understand the local third sector"],
    ),
    (
        "councillors do not understand what local charities actually contribute",
        [
            "Using the Compact to join-up policy",
            "Consulting the sector on a council strategy",
            "Develop a clearer rationale for working in partnership",
        ],
    ),
    (
        "people who use the services had no say in how the contract was written",
        ["Providers and service users helped write the contract specifications"],
    ),
    (
        "black and minority ethnic groups feel shut out of decisions",
        ["Letting the sector write the Best Value Review brought BME groups"],
    ),
    (
        "we keep solving the same problems other areas solved years ago",
        [
            "Do: Collect and signpost useful material",
            "Do: Draw-out key lessons and experiences",
            "Learning from others",
        ],
    ),
    (
        "practitioners in different towns have no way of talking to each other",
        ["A registered discussion board put practitioners in touch", "Do: Learn from others with experience"],
    ),
    (
        "there is no written agreement setting out how the council and the voluntary sector should treat each other",
        [
            "Developing local compacts",
            "Do: Build a mature, two-way relationship",
            "Practical guide to negotiating Compacts",
        ],
    ),
    (
        "the voluntary sector has one seat at the partnership table and it is never the right person",
        ["Do: Ensure proper reflection of public and third sector organisations"],
    ),
    (
        "small groups lack the support, training and umbrella bodies to take part properly",
        ["Do: Support and build local third sector capacity", "ChangeUp: Capacity Building"],
    ),
    ("the funder pushes every risk onto us and panics at the first problem", ["Do: Manage risk effectively"]),
    (
        "charities complain loudly whenever a grant decision does not go their way",
        ["Do: Respect the funder's right to choose and decide"],
    ),
    (
        "claims about what works are made without any figures to back them up",
        ["Do: Make and base decisions on clear evidence and impact"],
    ),
    (
        "the same rigid approach is forced on every district whatever its size",
        ["Do: Retain flexibility for different circumstances"],
    ),
    (
        "we want a yearly review of how well our partnership is doing",
        ["Local Strategic Partnerships to consider using this checklist"],
    ),
    (
        "campaigning charities are punished for criticising the council that funds them",
        ["Do: Respect both independence and challenge of the third sector"],
    ),
    (
        "nobody knows who is responsible for what between the county, the region and Whitehall",
        ["Do: Ensure clear lines of communication and responsibilities"],
    ),
]
HOW = ("words", "meaning", "hybrid")


@pytest.fixture
def indexed(seeded):
    search.drain()
    return seeded


def top_titles(situation: str, how: str, count: int = 3) -> list[str]:
    visibilities = search.visibilities_for(AnonymousUserMixin())
    return [document_for_key(key).title for key in meaning.rank(situation, visibilities, how)[:count]]


def answered(situation: str, wanted: list[str], how: str) -> bool:
    return any(title.startswith(start) for title in top_titles(situation, how) for start in wanted)


def test_the_fused_ranking_answers_more_situations_than_words_or_meaning_alone(indexed):
    shares = {
        how: sum(answered(situation, wanted, how) for situation, wanted in SITUATIONS) / len(SITUATIONS) for how in HOW
    }
    print(
        "\nbest answer in the top 3 of",
        len(SITUATIONS),
        "situations:",
        ", ".join(f"{how} {share:.0%}" for how, share in shares.items()),
    )
    assert len(SITUATIONS) >= 20
    assert shares["hybrid"] > shares["words"] and shares["hybrid"] > shares["meaning"], shares


def test_the_one_year_grants_situation_gets_the_leaflets_funding_advice_first(indexed, client):
    page = client.get(
        "/describe",
        query_string={
            "situation": "our council keeps giving one-year grants and the charities spend all their time bidding"
        },
    )
    assert page.status_code == 200
    titles = [title.strip() for title in page.get_data(as_text=True).split('class="item-card__title">')[1:4]]
    assert any("Consider longer-term and clearer funding agreements" in title for title in titles), titles
