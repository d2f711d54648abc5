"""No withheld health-check figure can be worked out from what is shown: not by taking a theme's
figure apart into its items, not by taking the sectors shown from the whole, not from the figures of
earlier rounds beside a later one. The outside checks' cases first, then partnerships of every shape
that Hypothesis makes up, each checked by tests/partnerships/disclosure_check.py across the results
page, its charts, the CSV and the print report of every round."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.partnerships.models import Rating
from kb.partnerships.results.service import round_results
from kb.partnerships.results.trends import round_trends
from tests.partnerships.conftest import PUBLIC, VOLUNTARY
from tests.partnerships.disclosure_check import OTHER, Cell, Plan, build, determined, without_witness

C, M, S, D, K = (Rating.CONSISTENTLY, Rating.MOSTLY, Rating.SOMETIMES_DONT, Rating.CONSISTENTLY_DONT, Rating.DONT_KNOW)


@pytest.fixture
def viewer(browser_of, coordinator):
    return browser_of(coordinator)


def answers(**by_item: list) -> dict:
    """{(person, item): rating} from one list of ratings per item ("item0", "item1"...), a person's
    place in each list being theirs; None: not answered."""
    return {
        (person, int(name.removeprefix("item"))): rating
        for name, ratings in by_item.items()
        for person, rating in enumerate(ratings)
        if rating is not None
    }


TEN = [PUBLIC] * 5 + [VOLUNTARY] * 5
# Item 3 (item2 here) has four answers on the scale, one of them positive: 25%, withheld, beside
# six "don't know"s. Items 1 and 2 are shown: 7 of 10 and 9 of 10 positive.
THREE_ITEMS = answers(
    item0=[C, C, C, C, C, M, M, S, S, S], item1=[M, M, M, M, D, M, M, M, M, M], item2=[K, K, K, K, K, M, S, S, S, K]
)


def test_theme_minus_shown_items_does_not_give_a_withheld_item(coordinator, viewer):
    plan = Plan(5, TEN, [(0, 0), (0, 1), (0, 2)], [THREE_ITEMS])
    built = build(plan, coordinator, viewer)
    assert determined(built) == []
    theme = round_results(built.rounds[0], 5).themes[0]
    assert [item.figures.share for item in sorted(theme.items, key=lambda item: item.number)][:3] == [70, 90, None]
    # The theme pools only the items it shows: 16 of 20, not 17 of 24 with the withheld one in it.
    assert theme.figures.share == 80.0
    assert (theme.figures.public_share, theme.figures.voluntary_share) == (90.0, 70.0)  # not 8 of 14
    assert theme.figures.dont_know_rate == 20.0  # every item's rate is shown: 6 of 30


def test_a_lone_member_of_another_sector_cannot_be_read_by_subtraction(coordinator, viewer):
    # Public bodies all positive, the voluntary sector 2 of 5, and one member from another sector:
    # overall minus public minus voluntary would be that one person's answer.
    plan = Plan(
        5,
        [*TEN, OTHER],
        [(0, 0), (0, 1)],
        [answers(item0=[C, C, C, C, C, M, M, S, S, S, D], item1=[M, M, M, S, S, M, M, M, D, D, C])],
    )
    built = build(plan, coordinator, viewer)
    assert determined(built) == []
    results = round_results(built.rounds[0], 5)
    assert not results.sectors_shown
    assert all(
        figures.public_share is None and figures.voluntary_share is None
        for theme in results.themes
        for figures in (theme.figures, *(item.figures for item in theme.items))
    )
    page = viewer.get(f"/partnerships/rounds/{built.rounds[0].id}").get_data(as_text=True)
    assert "are not shown side by side" in page and "chart-sector-gap" not in page


def test_the_trend_tables_pooled_share_does_not_give_a_withheld_item(coordinator, viewer):
    # The earlier round is the one with the withheld item; the later round's trend table shows the
    # theme's share in both.
    later = answers(
        item0=[C, C, C, C, C, M, M, S, S, S], item1=[M, M, M, M, D, M, M, M, M, M], item2=[M, M, M, M, M, M, M, S, S, S]
    )
    plan = Plan(5, TEN, [(0, 0), (0, 1), (0, 2)], [THREE_ITEMS, later])
    built = build(plan, coordinator, viewer)
    assert determined(built) == []
    trends = round_trends(built.rounds[1], 5)
    theme = trends.themes[built.pairs[0].theme.id]
    # The earlier round pools items 1 and 2 only (16 of 20); the change counts the items shown in
    # both rounds, so item 3 is not in it either: 16 of 20, then 16 of 20.
    assert [point.share for point in theme.points] == [80.0, pytest.approx(100 * 23 / 30)]
    assert theme.latest.change == 0.0


def test_only_a_unanimous_group_of_the_minimum_says_something_of_each_of_its_members(coordinator, viewer):
    # Everyone positive on the item: so is the one member from another sector, and the item's 100%
    # (a figure about four people) says so. The check finds no witness, and accepts it for that alone.
    plan = Plan(3, [PUBLIC] * 3 + [OTHER], [(0, 0)], [answers(item0=[C, C, M, C])])
    built = build(plan, coordinator, viewer)
    assert without_witness(built) == [Cell("share", 0, 0, OTHER)] and determined(built) == []
    # One "sometimes the Don't" among the public bodies, and a witness swaps it with the other's answer.
    built = build(Plan(3, [PUBLIC] * 3 + [OTHER], [(0, 0)], [answers(item0=[C, C, S, C])]), coordinator, viewer)
    assert without_witness(built) == []


# ---- every shape of partnership -----------------------------------------------------------------

RATINGS = st.sampled_from([C, M, S, D, C, M, S, D, K, None])  # mostly on the scale; some don't know or skip


@st.composite
def plans(draw) -> Plan:
    """A partnership of up to 15 (public and voluntary up to six each, up to three others),
    a theme or two of two to four items, and one or two rounds of answers."""
    minimum = draw(st.integers(3, 5))
    # Public bodies and the voluntary sector often both have the minimum: only then is there a split.
    sizes = [draw(st.one_of(st.integers(minimum, 6), st.integers(0, 6))) for _sector in (PUBLIC, VOLUNTARY)]
    sectors = [PUBLIC] * sizes[0] + [VOLUNTARY] * sizes[1] + [OTHER] * draw(st.sampled_from([1, 0, 2, 3]))
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=2))
    items = [(theme, item) for theme, size in enumerate(sizes) for item in range(size)]
    rounds = []
    for _round in range(draw(st.integers(1, 2))):
        given = draw(st.lists(RATINGS, min_size=len(sectors) * len(items), max_size=len(sectors) * len(items)))
        rounds.append(
            {
                (person, item): rating
                for (person, item), rating in zip(
                    ((p, i) for p in range(len(sectors)) for i in range(len(items))), given, strict=True
                )
                if rating is not None
            }
        )
    return Plan(minimum, sectors, items, rounds)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=plans())
def test_no_withheld_figure_can_be_worked_out_from_everything_shown(coordinator, viewer, plan):
    built = build(plan, coordinator, viewer)
    assert determined(built) == [], plan
