"""The priority vote: each member picks up to three checklist items of a closed round. Nobody's picks
can be worked out, not even by comparing the page before and after one member votes: there are no
counts while voting is open; the counts are frozen when a coordinator closes the vote or the next
round opens, and shown only if enough members voted."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from kb.auth import deletion
from kb.partnerships import service
from kb.partnerships.actions import service as actions
from kb.partnerships.actions.models import PriorityVote
from kb.partnerships.personal_data import partnerships as personal_data
from kb.platform import clock
from kb.platform.extensions import db
from tests.conftest import form_token
from tests.factories import PASSWORD, make_user
from tests.partnerships.conftest import PUBLIC, join_as, post, themes


def vote(browser, round_, pairs):
    return browser.post(
        f"/partnerships/rounds/{round_.id}/priorities",
        data={"pair": [str(pair.id) for pair in pairs], "csrf_token": form_token(browser)},
    )


def all_pairs():
    return [pair for theme in themes() for pair in theme.checklist]


def ranked(page: str) -> list[tuple[str, str]]:
    """The counts table's rows as (item, votes), or [] when the page has none."""
    if "priorities-table" not in page:
        return []
    table = page[page.index("priorities-table") : page.index("</table>", page.index("priorities-table"))]
    return re.findall(r'<th scope="row">([^<]*)</th><td class="numeric">(\d+)</td>', table)


def test_members_vote_for_up_to_three_items_and_may_change_their_minds(browser_of, member, closed_round):
    browser = browser_of(member)
    pairs = all_pairs()
    assert vote(browser, closed_round, pairs[:3]).status_code == 302
    assert actions.picks_of(closed_round, member) == {pair.id for pair in pairs[:3]}

    fourth = vote(browser, closed_round, pairs[:4])
    page = fourth.get_data(as_text=True)
    assert fourth.status_code == 422
    assert str(escape("Choose up to 3 items: you chose 4. Your vote has not changed.")) in page
    assert actions.picks_of(closed_round, member) == {pair.id for pair in pairs[:3]}
    assert page.count("checked") >= 4  # the four ticks are still there to untick one

    assert vote(browser, closed_round, [pairs[5], pairs[6]]).status_code == 302
    assert actions.picks_of(closed_round, member) == {pairs[5].id, pairs[6].id}
    assert vote(browser, closed_round, []).status_code == 302
    assert actions.picks_of(closed_round, member) == set()
    nonsense = browser.post(
        f"/partnerships/rounds/{closed_round.id}/priorities", data={"pair": ["x1"], "csrf_token": form_token(browser)}
    )
    assert nonsense.status_code == 422 and "Choose items from the checklist" in nonsense.get_data(as_text=True)


def test_voting_waits_for_the_round_to_close_and_is_for_members_only(browser_of, coordinator, partnership, member):
    still_open = service.open_round(partnership, "2026", None, by=coordinator)
    pair = themes()[0].checklist[0]
    refused = vote(browser_of(member), still_open, [pair])
    assert refused.status_code == 422 and "Voting on priorities opens once the round has closed" in refused.get_data(
        as_text=True
    )
    service.close_round(still_open, by=coordinator)
    assert vote(browser_of(make_user()), still_open, [pair]).status_code == 404
    with pytest.raises(service.NotAllowed):
        actions.vote_for_priorities(still_open, [str(pair.id)], member=member, by=coordinator)
    assert db.session.scalar(select(func.count()).select_from(PriorityVote)) == 0


def test_comparing_the_page_before_and_after_a_vote_shows_nobodys_picks(
    app, browser_of, coordinator, partnership, closed_round
):
    minimum = app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]
    pairs = all_pairs()
    # More than enough members have voted already, each for a different pair of items.
    earlier = [join_as(partnership, PUBLIC, coordinator) for _ in range(minimum + 1)]
    for number, voter in enumerate(earlier):
        actions.vote_for_priorities(
            closed_round, [str(pairs[number].id), str(pairs[number + 1].id)], member=voter, by=voter
        )
    watched = [
        f"/partnerships/rounds/{closed_round.id}/actions",
        f"/partnerships/rounds/{closed_round.id}",
        f"/partnerships/{partnership.id}",
        f"/partnerships/rounds/{closed_round.id}/report",
    ]
    watcher = browser_of(coordinator)
    watcher.get("/partnerships")  # where "You are logged in" is shown, once

    def snapshot() -> dict[str, str]:
        # Everything but the form tokens (fresh on each page) and the number who voted, which moves
        # by one whatever the new vote is.
        return {
            url: re.sub(
                r'<input[^>]*name="[\w-]*csrf_token"[^>]*>|\d+ members? voted so far',  # a prefixed form's too
                "",
                watcher.get(url).get_data(as_text=True),
            )
            for url in watched
        }

    latest = join_as(partnership, PUBLIC, coordinator)
    before = snapshot()
    assert vote(browser_of(latest), closed_round, pairs[-3:]).status_code == 302
    after = snapshot()
    for url in watched:
        assert after[url] == before[url], f"{url} changed with one member's vote"
    page = watcher.get(watched[0]).get_data(as_text=True)
    assert f"{minimum + 2} members voted so far" in page and ranked(page) == []
    assert "The counts are shown when voting closes" in page
    # Nor through the data downloads: each member's holds their own picks, nobody else's.
    assert {row["do"] for row in personal_data(latest)["health_check_priority_votes"]} == {
        pair.do_text for pair in pairs[-3:]
    }
    assert personal_data(coordinator)["health_check_priority_votes"] == []


def test_a_coordinator_closes_the_vote_and_its_counts_stay_as_they_were(
    app, browser_of, coordinator, member, partnership, closed_round
):
    minimum = app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]
    first, second, third = themes()[0].checklist[:3]
    voters = [join_as(partnership, PUBLIC, coordinator) for _ in range(minimum)]
    for voter in voters[:-1]:
        actions.vote_for_priorities(closed_round, [str(first.id), str(second.id)], member=voter, by=voter)
    actions.vote_for_priorities(closed_round, [str(third.id), str(first.id)], member=voters[-1], by=voters[-1])
    url = f"/partnerships/rounds/{closed_round.id}/actions"
    close = f"/partnerships/rounds/{closed_round.id}/priorities/close"

    # Only coordinators close it, with the form's token; members do not even see the button.
    assert "Close the vote" not in browser_of(member).get(url).get_data(as_text=True)
    assert post(browser_of(member), close).status_code == 403
    assert post(browser_of(make_user()), close).status_code == 404
    assert browser_of(coordinator).post(close).status_code == 400
    assert actions.voting_is_open(closed_round)
    coordinator_browser = browser_of(coordinator)
    assert "Close the vote" in coordinator_browser.get(url).get_data(as_text=True)
    assert post(coordinator_browser, close).status_code == 302
    db.session.refresh(closed_round)
    assert not actions.voting_is_open(closed_round)

    page = browser_of(voters[0]).get(url).get_data(as_text=True)
    shown = [
        (str(escape(first.do_text)), str(minimum)),
        (str(escape(second.do_text)), str(minimum - 1)),
        (str(escape(third.do_text)), "1"),
    ]
    assert [(item.split(": ", 1)[1], votes) for item, votes in ranked(page)] == shown
    assert "Your picks:" in page and 'name="pair"' not in page  # their own picks, and no form to change them
    refused = vote(browser_of(voters[0]), closed_round, [third])
    assert refused.status_code == 422 and "closed on" in refused.get_data(as_text=True)
    assert post(coordinator_browser, close).status_code == 422  # closed for good: it never opens again

    # A voter who deletes their account afterwards takes their votes with them, not their share of
    # the counts: a count that dropped would show what they had picked.
    deletion.delete_account(voters[-1], PASSWORD, remove_published=False)
    page = browser_of(voters[0]).get(url).get_data(as_text=True)
    assert [(item.split(": ", 1)[1], votes) for item, votes in ranked(page)] == shown


def test_a_vote_closed_with_too_few_voters_never_shows_counts(app, browser_of, coordinator, partnership, closed_round):
    minimum = app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]
    pair = themes()[0].checklist[0]
    for voter in [join_as(partnership, PUBLIC, coordinator) for _ in range(minimum - 1)]:
        actions.vote_for_priorities(closed_round, [str(pair.id)], member=voter, by=voter)
    url = f"/partnerships/rounds/{closed_round.id}/actions"
    before = browser_of(coordinator).get(url).get_data(as_text=True)
    assert "closed now, the counts would never be shown" in before
    actions.close_voting(closed_round, by=coordinator)
    page = browser_of(coordinator).get(url).get_data(as_text=True)
    assert ranked(page) == [] and f"Fewer than {minimum} members voted, so the counts are not shown" in page


def test_the_next_round_opening_closes_the_vote(app, browser_of, coordinator, member, partnership, closed_round):
    minimum = app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]
    pair = themes()[0].checklist[0]
    for voter in [join_as(partnership, PUBLIC, coordinator) for _ in range(minimum)]:
        actions.vote_for_priorities(closed_round, [str(pair.id)], member=voter, by=voter)
    assert post(browser_of(coordinator), f"/partnerships/{partnership.id}/rounds", {"name": "2026"}).status_code == 302
    db.session.refresh(closed_round)
    assert not actions.voting_is_open(closed_round)
    page = browser_of(member).get(f"/partnerships/rounds/{closed_round.id}/actions").get_data(as_text=True)
    assert [votes for _item, votes in ranked(page)] == [str(minimum)]
    with pytest.raises(service.PartnershipError, match="closed on"):
        actions.vote_for_priorities(closed_round, [str(pair.id)], member=member, by=member)


def test_the_data_download_holds_a_members_votes_and_the_actions_they_own(coordinator, member, closed_round):
    pair = themes()[0].checklist[0]
    actions.vote_for_priorities(closed_round, [str(pair.id)], member=member, by=member)
    actions.record_action(
        closed_round,
        actions.ActionFields(
            "Map the small groups", f"item-{pair.id}", str(member.id), "", clock.now().date(), note="Start in May"
        ),
        by=coordinator,
    )
    data = personal_data(member)
    assert data["health_check_priority_votes"] == [
        {
            "partnership": closed_round.partnership.name,
            "round": "2025",
            "do": pair.do_text,
            "voted_at": data["health_check_priority_votes"][0]["voted_at"],
        }
    ]
    assert [(row["action"], row["note"], row["status"]) for row in data["health_check_actions_owned"]] == [
        ("Map the small groups", "Start in May", "not-started")
    ]
    assert personal_data(coordinator)["health_check_priority_votes"] == []
