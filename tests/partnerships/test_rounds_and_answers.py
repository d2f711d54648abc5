"""Health-check rounds: coordinators open and close them; members answer each theme's pairs on the
scale, saving as they go and changing answers until the round closes. Bad answers change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from markupsafe import escape

from kb.partnerships import service
from kb.partnerships.models import Answer, HealthCheckRound, ThemeTrend
from kb.platform import clock
from kb.platform.extensions import db
from tests.factories import make_user
from tests.partnerships.conftest import PUBLIC, join_as, post, themes


@pytest.fixture
def member(partnership, coordinator):
    return join_as(partnership, PUBLIC, coordinator, display_name="Mina Member")


@pytest.fixture
def open_round(partnership, coordinator):
    return service.open_round(partnership, "2026", None, by=coordinator)


def test_a_coordinator_opens_and_closes_a_round(browser_of, coordinator, partnership):
    browser = browser_of(coordinator)
    refused = post(browser, f"/partnerships/{partnership.id}/rounds", {"name": "2026", "closes_on": "2026-02-30"})
    assert refused.status_code == 422 and "for example 2026-12-31" in refused.get_data(as_text=True)
    refused = post(browser, f"/partnerships/{partnership.id}/rounds", {"name": "2026", "closes_on": "2020-01-01"})
    assert refused.status_code == 422 and "today or later" in refused.get_data(as_text=True)
    response = post(browser, f"/partnerships/{partnership.id}/rounds", {"name": "2026"})
    round_ = db.session.query(HealthCheckRound).one()
    assert response.headers["Location"] == f"/partnerships/rounds/{round_.id}"
    again = post(browser, f"/partnerships/{partnership.id}/rounds", {"name": "2027"})
    assert again.status_code == 422 and "Close the round 2026 before opening another" in again.get_data(as_text=True)
    page = browser.get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "Results appear when the round closes" in page and "Close the round" in page
    post(browser, f"/partnerships/rounds/{round_.id}/close")
    assert not db.session.get(HealthCheckRound, round_.id).is_open(clock.now())
    assert post(browser, f"/partnerships/rounds/{round_.id}/close").status_code == 422
    same_name = post(browser, f"/partnerships/{partnership.id}/rounds", {"name": "2026"})
    assert same_name.status_code == 422 and "already has a round called 2026" in same_name.get_data(as_text=True)


def test_a_round_closes_itself_after_its_closing_date(coordinator, partnership):
    round_ = service.open_round(partnership, "2026", clock.now().date(), by=coordinator)
    assert round_.is_open(clock.now())
    assert not round_.is_open(clock.now() + timedelta(days=1))
    assert round_.closes_on == clock.now().date() and isinstance(round_.closes_on, date)


def test_answers_save_theme_by_theme_and_can_be_changed(browser_of, member, open_round):
    browser = browser_of(member)
    first, second = themes()[0], themes()[1]
    pairs = first.checklist
    url = f"/partnerships/rounds/{open_round.id}/themes/{first.slug}"
    page = browser.get(url).get_data(as_text=True)
    assert escape(pairs[0].do_text) in page and escape(pairs[0].dont_text) in page
    assert "We consistently fall into the Don&#39;t" in page and "Don&#39;t know (I haven&#39;t enough" in page
    response = post(
        browser,
        url,
        {
            f"rating-{pairs[0].id}": "mostly",
            f"comment-{pairs[0].id}": "Good start",
            f"rating-{pairs[1].id}": "dont-know",
            "trend": "better",
        },
    )
    assert response.headers["Location"] == f"/partnerships/rounds/{open_round.id}/themes/{second.slug}"
    saved = service.answers_of(open_round, member)
    assert {pair_id: answer.rating for pair_id, answer in saved.items()} == {
        pairs[0].id: "mostly",
        pairs[1].id: "dont-know",
    }
    assert saved[pairs[0].id].comment == "Good start"
    assert service.trends_of(open_round, member) == {first.id: "better"}
    # Back later: the form shows what was saved; a change replaces it.
    page = browser.get(url).get_data(as_text=True)
    assert 'value="mostly" checked' in page and "Good start" in page
    post(browser, url, {f"rating-{pairs[0].id}": "sometimes-dont", "trend": "worse"})
    assert service.answers_of(open_round, member)[pairs[0].id].rating == "sometimes-dont"
    assert service.trends_of(open_round, member) == {first.id: "worse"}
    assert db.session.query(Answer).count() == 2 and db.session.query(ThemeTrend).count() == 1
    page = browser.get(f"/partnerships/rounds/{open_round.id}").get_data(as_text=True)
    assert "2 of " in page  # the member's own progress on the first theme


@pytest.mark.parametrize("odd", ["5", "neutral", "", "mostly\x00", "x" * 500])
def test_an_answer_outside_the_scale_is_refused_and_changes_nothing(browser_of, member, open_round, odd):
    browser = browser_of(member)
    theme = themes()[0]
    pairs = theme.checklist
    url = f"/partnerships/rounds/{open_round.id}/themes/{theme.slug}"
    post(browser, url, {f"rating-{pairs[0].id}": "mostly"})
    data = {f"rating-{pairs[0].id}": "consistently", f"rating-{pairs[1].id}": odd}
    if odd == "":
        data[f"comment-{pairs[1].id}"] = "A comment without an answer"
    response = post(browser, url, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in page and "Item 2:" in page
    assert {pair_id: a.rating for pair_id, a in service.answers_of(open_round, member).items()} == {
        pairs[0].id: "mostly"
    }


def test_a_long_comment_or_an_odd_trend_is_refused(browser_of, member, open_round):
    browser = browser_of(member)
    theme = themes()[0]
    pair = theme.checklist[0]
    url = f"/partnerships/rounds/{open_round.id}/themes/{theme.slug}"
    long = post(browser, url, {f"rating-{pair.id}": "mostly", f"comment-{pair.id}": "x" * 1001})
    assert long.status_code == 422 and "1000 characters or fewer" in long.get_data(as_text=True)
    odd = post(browser, url, {f"rating-{pair.id}": "mostly", "trend": "sideways"})
    assert odd.status_code == 422 and "better, the same or worse" in odd.get_data(as_text=True)
    assert db.session.query(Answer).count() == 0 and db.session.query(ThemeTrend).count() == 0


def test_answers_on_a_closed_round_or_for_someone_else_are_refused(browser_of, coordinator, member, open_round):
    theme = themes()[0]
    pair = theme.checklist[0]
    with pytest.raises(service.NotAllowed, match="only answer for yourself"):
        service.save_theme_answers(
            open_round, theme, {pair.id: service.ItemAnswer("mostly")}, "", member=member, by=coordinator
        )
    outsider = make_user()
    with pytest.raises(service.NotAllowed):
        service.save_theme_answers(
            open_round, theme, {pair.id: service.ItemAnswer("mostly")}, "", member=outsider, by=outsider
        )
    other_theme_pair = themes()[1].checklist[0]
    with pytest.raises(service.PartnershipError, match="only the items of this theme"):
        service.save_theme_answers(
            open_round, theme, {other_theme_pair.id: service.ItemAnswer("mostly")}, "", member=member, by=member
        )
    service.close_round(open_round, by=coordinator)
    url = f"/partnerships/rounds/{open_round.id}/themes/{theme.slug}"
    browser = browser_of(member)
    response = post(browser, url, {f"rating-{pair.id}": "mostly"})
    assert response.status_code == 422 and "This round is closed" in response.get_data(as_text=True)
    assert "answers can no longer be changed" in browser.get(url).get_data(as_text=True)
    assert db.session.query(Answer).count() == 0
