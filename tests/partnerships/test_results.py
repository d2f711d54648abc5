"""Results: worked examples of the arithmetic (shares, spread, don't know, the sector gap), and
confidentiality: nothing while open, nothing under the minimum, no sector figures unless each sector
has the minimum, and a withheld figure reaches no page."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from kb.auth import deletion
from kb.partnerships import service
from kb.partnerships.models import Answer, Membership, Rating
from kb.partnerships.results.service import round_results
from kb.partnerships.results.tally import Tally
from kb.platform.extensions import db
from tests.conftest import PASSWORD
from tests.factories import make_item, make_user
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, answer_pair, join_as, post, themes


def tally(**counts) -> Tally:
    return Tally(Counter({Rating(name.replace("_", "-")): count for name, count in counts.items()}))


def test_worked_example_a_split_partnership():
    # 10 on the scale: 3 + 2 positive; 3 at each end; 2 don't know, who count in no share.
    split = tally(consistently=3, mostly=2, sometimes_dont=2, consistently_dont=3, dont_know=2)
    assert split.on_scale == 10 and split.answered == 12
    assert split.share() == 50.0
    assert split.dont_know_rate() == pytest.approx(100 * 2 / 12)  # 16.7%: no awareness gap
    # Scores 4,4,4,3,3,2,2,1,1,1: mean 2.5, squared deviations 14.5 / 10.
    assert split.spread() == pytest.approx(1.2042, abs=1e-4)
    assert split.strongly_disagree()  # 30% at each end: the average hides a split


def test_worked_example_dont_know_is_left_out_of_the_share():
    aware = tally(mostly=4, sometimes_dont=1, dont_know=2)
    assert aware.share() == 80.0  # 4 of the 5 who answered on the scale, not 4 of 7
    assert aware.dont_know_rate() == pytest.approx(28.571, abs=1e-3)  # 25% or more: an awareness gap
    assert not aware.strongly_disagree()
    assert not tally(consistently=9, consistently_dont=1).strongly_disagree()  # one voice at the end: 10%
    assert tally(consistently=4, consistently_dont=1).strongly_disagree()  # 20% at each end


@pytest.fixture
def sectors(partnership, coordinator):
    """The coordinator and four more answer for public bodies, five for the voluntary sector."""
    public = [coordinator] + [join_as(partnership, PUBLIC, coordinator) for _ in range(4)]
    voluntary = [join_as(partnership, VOLUNTARY, coordinator, display_name=f"Vera Voluntary{n}") for n in range(5)]
    return public, voluntary


def run_round(partnership, coordinator, public, voluntary):
    """Item A: every public body says "consistently"; the voluntary sector: 2 mostly, 3 sometimes the
    Don't (100% against 40%: a gap of 60 points). Item B: only four answers (3 of 4 positive, 75%,
    withheld). Item C: five "consistently" and five "don't know"."""
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    first = themes()[0].checklist
    a, b, c = first[0], first[1], first[2]
    for person in public:
        answer_pair(round_, person, a, "consistently")
        answer_pair(round_, person, c, "consistently")
    for number, person in enumerate(voluntary):
        answer_pair(
            round_,
            person,
            a,
            "mostly" if number < 2 else "sometimes-dont",
            comment="qzsecretcomment we never meet" if number == 0 else "",
        )
        answer_pair(round_, person, c, "dont-know")
    for number, person in enumerate(voluntary[:4]):
        answer_pair(round_, person, b, "sometimes-dont" if number == 0 else "mostly")
    return round_, a, b, c


def figures_of(results, pair):
    return next(item.figures for theme in results.themes for item in theme.items if item.pair.id == pair.id)


def test_worked_example_of_a_round_with_the_sector_gap(browser_of, partnership, coordinator, sectors):
    round_, a, b, c = run_round(partnership, coordinator, *sectors)
    assert round_results(round_, 5).withheld.startswith("Results appear when the round closes")
    service.close_round(round_, by=coordinator)
    results = round_results(round_, 5)
    assert results.respondents == 10 and results.sectors_shown
    item_a = figures_of(results, a)
    assert item_a.share == 70.0 and item_a.public_share == 100.0 and item_a.voluntary_share == 40.0
    assert item_a.gap == 60.0 and item_a.gap_highlighted and item_a.dont_know_rate == 0.0
    item_b = figures_of(results, b)
    assert item_b.share is None and item_b.gap is None  # four answers: withheld
    item_c = figures_of(results, c)
    assert item_c.share == 100.0 and item_c.dont_know_rate == 50.0 and item_c.awareness_gap
    assert item_c.voluntary_share is None  # nobody in the voluntary sector answered it on the scale
    theme = results.themes[0]
    assert [item.pair.id for item in theme.items][:2] == [a.id, c.id]  # weakest first; withheld last
    # Theme 1 pools the items it shows: A (7 of 10) + C (5 of 5) = 12 of 15 on the scale. B's four
    # answers stay out, or the theme minus A and C would give B's withheld 3 of 4.
    assert theme.figures.share == 80.0
    assert (theme.figures.public_share, theme.figures.voluntary_share) == (100.0, 40.0)  # A alone: C has no split
    assert theme.figures.dont_know_rate == pytest.approx(100 * 5 / 20)  # A and C: B's 4 answers are too few

    page = browser_of(coordinator).get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "+60 points" in page and "Gap of 20 or more" in page and "Awareness gap" in page
    assert "qzsecretcomment we never meet" in page and "Vera Voluntary0" not in page  # comments without names
    assert "75%" not in page  # item B's withheld share
    assert '<svg class="chart" role="img"' in page and '<title id="chart-improving-understanding-title">' in page
    assert "each item, weakest first</caption>" in page


def test_four_voluntary_respondents_show_no_sector_gap_anywhere(browser_of, partnership, coordinator, sectors):
    public, voluntary = sectors
    round_, a, _b, _c = run_round(partnership, coordinator, public, voluntary[:4])
    service.close_round(round_, by=coordinator)
    results = round_results(round_, 5)
    assert results.respondents == 9 and not results.sectors_shown
    assert all(
        item.figures.public_share is None and item.figures.voluntary_share is None and item.figures.gap is None
        for theme in results.themes
        for item in [*theme.items]
    )
    assert all(theme.figures.gap is None for theme in results.themes)
    page = browser_of(public[1]).get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "points" not in page and "Sector gap" not in page and "Gap of 20" not in page
    assert "are not shown side by side" in page
    assert figures_of(results, a).share == pytest.approx(100 * 7 / 9)


def test_fewer_than_five_respondents_show_nothing(browser_of, partnership, coordinator):
    members = [coordinator] + [join_as(partnership, PUBLIC, coordinator) for _ in range(3)]
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    pair = themes()[0].checklist[0]
    for person in members:
        answer_pair(round_, person, pair, "consistently", comment="qzfewcomment")
    service.close_round(round_, by=coordinator)
    results = round_results(round_, 5)
    assert results.themes == [] and "at least 5 members" in results.withheld
    page = browser_of(coordinator).get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "qzfewcomment" not in page and "100%" not in page and "<svg" not in page
    assert round_results(round_, 3).themes  # a partnership that chose 3 sees them


def test_weak_items_come_with_a_reading_list(browser_of, partnership, coordinator, sectors):
    public, voluntary = sectors
    writer = make_user()
    theme = themes()[0]
    make_item(writer, title="How the county mapped its voluntary sector", theme_slugs=[theme.slug])
    make_item(writer, title="Not this theme", theme_slugs=["funding-it-better"])
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    weak = theme.checklist[0]
    for person in public + voluntary:
        answer_pair(round_, person, weak, "sometimes-dont")
    service.close_round(round_, by=coordinator)
    results = round_results(round_, 5)
    assert [item.pair.id for item in results.weak_items] == [weak.id]
    titles = [entry.title for entry in results.weak_items[0].reading]  # the newest first, the leaflet's after
    assert titles[0] == "How the county mapped its voluntary sector" and "Not this theme" not in titles
    page = browser_of(voluntary[0]).get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "How the county mapped its voluntary sector" in page and "Not this theme" not in page


def test_red_amber_and_green_are_the_partnerships_own_cut_offs(browser_of, partnership, coordinator, sectors):
    round_, a, _b, c = run_round(partnership, coordinator, *sectors)
    service.close_round(round_, by=coordinator)
    coordinating = browser_of(coordinator)
    base = f"/partnerships/{partnership.id}/bands"
    for green, amber in (("50", "60"), ("101", "50"), ("x", "5"), ("80", "")):
        refused = post(coordinating, base, {"green_from": green, "amber_from": amber})
        assert refused.status_code == 422 and "There is a problem" in refused.get_data(as_text=True)
    member = browser_of(sectors[1][0])
    assert post(member, base, {"green_from": "80", "amber_from": "60"}).status_code == 403
    assert partnership.green_from is None and "Band</th>" not in member.get(
        f"/partnerships/rounds/{round_.id}"
    ).get_data(as_text=True)
    post(coordinating, base, {"green_from": "80", "amber_from": "60"})
    assert (
        service.band_of(100.0, partnership),
        service.band_of(70.0, partnership),
        service.band_of(59.9, partnership),
        service.band_of(None, partnership),
    ) == ("green", "amber", "red", "")
    page = member.get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "Bands are the partnership's own cut-offs, not a league table" in page
    assert 'band--amber">Amber' in page and 'band--green">Green' in page  # item A 70%, item C 100%
    post(coordinating, base, {"green_from": "", "amber_from": ""})
    assert "Band</th>" not in member.get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)


def test_a_respondent_who_deletes_their_account_still_counts_with_their_sector(partnership, coordinator, sectors):
    public, voluntary = sectors
    round_, a, _b, _c = run_round(partnership, coordinator, public, voluntary)
    service.close_round(round_, by=coordinator)
    before = round_results(round_, 5)
    leaving_id = voluntary[0].id  # wrote the comment, and answers for the voluntary sector
    deletion.delete_account(voluntary[0], PASSWORD, remove_published=False)
    after = round_results(round_, 5)
    assert after.respondents == before.respondents == 10 and after.sectors_shown
    assert figures_of(after, a) == figures_of(before, a)  # 70%, and 40% for the voluntary sector
    item_a = next(item for item in after.themes[0].items if item.pair.id == a.id)
    assert "qzsecretcomment we never meet" in item_a.comments
    assert service.respondent_count(round_) == 10
    # Nothing leads back to the account: no answer names it, and its membership is gone.
    assert db.session.scalar(select(func.count(Answer.id)).where(Answer.user_id == leaving_id)) == 0
    assert db.session.scalar(select(func.count(Membership.id)).where(Membership.user_id == leaving_id)) == 0
