"""Issue 13's journey from results to action, in a real browser: a coordinator registers a
partnership; five public-sector and five voluntary-sector members join by the invitation link and
answer (one of them in the browser, the others by posting the same forms with a request client, to
keep the test short); the coordinator closes the round and sees the charts, the sector gap and the
reading list, records two actions and updates one; members vote for their top three, and the
counts appear when the coordinator closes the vote; the next round opens showing how the actions
stand (one overdue), is answered and closed, and its results show the change. Then: with only four
voluntary-sector respondents, the gap is shown nowhere. axe-core runs on every page visited, the
charts and the forms with errors included."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from kb.partnerships import service
from kb.partnerships.models import HealthCheckRound, Partnership
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import Theme
from tests.browser.conftest import assert_accessible
from tests.conftest import form_token, sign_in
from tests.factories import make_user
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, join_as

from .test_case_study_journey import log_in

# Late in the evening, so that moving the clock two hours on makes "today" tomorrow (an action due
# today becomes overdue) without anyone's session going idle for a day.
EVENING = datetime(2026, 11, 28, 22, 0)
NAME = "Stratford Local Strategic Partnership"


def themes() -> list[Theme]:
    return list(db.session.scalars(select(Theme).order_by(Theme.position)))


def client_of(app, person):
    return sign_in(app.test_client(), person)


def join_by_link(client, link: str, sector: str) -> None:
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    response = client.post(path, data={"sector": sector, "csrf_token": form_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)


def answer_by_form(client, round_id: int, rating: str, only=None) -> None:
    """Post every theme's answer form (or only the themes given), each item at `rating`."""
    for theme in only or themes():
        data = {f"rating-{pair.id}": rating for pair in theme.checklist}
        response = client.post(
            f"/partnerships/rounds/{round_id}/themes/{theme.slug}", data={**data, "csrf_token": form_token(client)}
        )
        assert response.status_code == 302, response.get_data(as_text=True)


def vote_by_form(client, round_id: int, pairs) -> None:
    response = client.post(
        f"/partnerships/rounds/{round_id}/priorities",
        data={"pair": [str(pair.id) for pair in pairs], "csrf_token": form_token(client)},
    )
    assert response.status_code == 302


def test_from_results_to_action_and_the_next_round(app, browser, page, live_server):
    clock.freeze(EVENING)
    make_user(email="coordinator@example.org", display_name="Cora Coordinator", sector=PUBLIC)
    val = make_user(email="val@example.org", display_name="Val Voluntary", sector=VOLUNTARY)
    public = [make_user(display_name=f"Pat Public{n}", sector=PUBLIC) for n in range(5)]
    voluntary = [make_user(display_name=f"Vic Voluntary{n}", sector=VOLUNTARY) for n in range(4)]

    # The coordinator registers the partnership, makes an invitation link and opens the first round.
    log_in(page, live_server, "coordinator@example.org")
    page.goto(f"{live_server}/partnerships/new")
    page.get_by_label("Name of the partnership").fill(NAME)
    page.get_by_label("Region").select_option("West Midlands")
    page.get_by_label("Public body").check()
    page.get_by_role("button", name="Register the partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_role("heading", name="Actions from the health-check")).to_have_count(0)
    page.get_by_role("button", name="Create an invitation link").click()
    link = page.locator("#invitations-heading ~ ul code").first.inner_text()
    assert_accessible(page)
    page.get_by_label("Name of the round").fill("2026")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health-check 2026")
    assert_accessible(page)
    first_round = db.session.scalar(select(HealthCheckRound))
    first_theme = themes()[0]
    item_1, item_2, item_3 = first_theme.checklist[:3]

    # One voluntary-sector member joins by the link and answers the first theme in the browser.
    member_context = browser.new_context(viewport={"width": 1280, "height": 900})
    member = member_context.new_page()
    member.set_default_timeout(10_000)
    log_in(member, live_server, "val@example.org")
    member.goto(link)
    assert_accessible(member)
    member.get_by_label("Voluntary or community organisation").check()
    member.get_by_role("button", name="Join the partnership").click()
    expect(member.get_by_role("status")).to_contain_text("You have joined")
    member.goto(f"{live_server}/partnerships/rounds/{first_round.id}/themes/{first_theme.slug}")
    assert_accessible(member)
    for pair in first_theme.checklist:
        member.locator(f"#rating-{pair.id}-1").check()  # "Mostly"
    member.get_by_role("button", name="Save and continue").click()
    expect(member.get_by_role("status")).to_contain_text("Your answers on improving understanding are saved")

    # The others join by the same link and post the same forms: on every item, public bodies give
    # 3 "consistently" and 2 "sometimes the Don't" (60%), the voluntary sector 4 "consistently the
    # Don't" besides Val's "mostly" (20%): 40% in all, a gap of 40 points.
    clients = {}
    for number, person in enumerate(public):
        clients[person.id] = client_of(app, person)
        join_by_link(clients[person.id], link, PUBLIC)
        answer_by_form(clients[person.id], first_round.id, "consistently" if number < 3 else "sometimes-dont")
    for person in voluntary:
        clients[person.id] = client_of(app, person)
        join_by_link(clients[person.id], link, VOLUNTARY)
        answer_by_form(clients[person.id], first_round.id, "consistently-dont")
    assert service.respondent_count(first_round) == 10

    # The coordinator closes the round: the charts, the sector gap, and the reading list.
    page.reload()
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("status")).to_contain_text("The round 2026 is closed")
    # One chart per theme, and the sector gap's (no trend yet: this is the first round).
    expect(page.locator("svg.chart")).to_have_count(len(themes()) + 1)
    expect(page.locator("#chart-sector-gap-title")).to_contain_text("The sector gap for each theme")
    expect(page.locator("#chart-trend-title")).to_have_count(0)
    expect(page.locator("svg.chart title").filter(has_text="Improving understanding").first).to_be_attached()
    row = page.locator(f"#result-{item_1.id}")
    expect(row).to_contain_text("40%")
    expect(row).to_contain_text("+40 points")
    expect(row).to_contain_text("Gap of 20 or more")
    expect(page.locator(".weak-items li").first.get_by_role("link").first).to_be_visible()
    assert_accessible(page)

    # Two actions: a first try with nothing filled in shows every problem at once.
    page.get_by_role("link", name="Actions and priorities").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actions and priorities")
    assert_accessible(page)
    page.get_by_role("button", name="Record the action").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Say what will be done")
    expect(alert).to_contain_text("Enter the due date")
    assert_accessible(page)
    page.get_by_label("What will be done").fill("Meet the small groups' forum each quarter")
    page.get_by_label("The checklist item or theme it addresses").select_option(f"item-{item_1.id}")
    page.get_by_label("Owner", exact=True).select_option(label="Val Voluntary")
    page.get_by_label("Due date").fill("2026-11-28")  # today: overdue by the next round
    page.get_by_label("Note (optional)").fill("The forum's chair agreed to host.")
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_role("status")).to_contain_text("is recorded")
    page.get_by_label("What will be done").fill("Agree a refreshed local compact")
    page.get_by_label("The checklist item or theme it addresses").select_option(f"theme-{themes()[1].id}")
    page.get_by_label("Or, if the owner is not a member, their role").fill("CVS chief officer")
    page.get_by_label("Due date").fill("2027-03-31")
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_role("status")).to_contain_text("is recorded")
    actions_table = page.locator("table.actions-table")
    expect(actions_table.locator("tbody tr")).to_have_count(2)
    expect(actions_table).to_contain_text("CVS chief officer")
    page.get_by_role("link", name="Change Agree a refreshed local compact").click()
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_role("status")).to_contain_text("is saved: in progress")
    assert_accessible(page)

    # Members vote for their top three: Val in the browser (a fourth pick refused, nothing changed).
    member.goto(f"{live_server}/partnerships/rounds/{first_round.id}/actions")
    expect(member.get_by_role("button", name="Record the action")).to_have_count(0)
    expect(member.get_by_text("The forum's chair agreed to host.")).to_be_visible()
    for pair in (item_1, item_2, item_3):
        member.locator(f"#pick-{pair.id}").check()
    member.locator(f"#pick-{first_theme.checklist[3].id}").check()
    member.get_by_role("button", name="Save my priorities").click()
    expect(member.get_by_role("alert")).to_contain_text("Choose up to 3 items: you chose 4. Your vote has not changed.")
    assert_accessible(member)
    member.locator(f"#pick-{first_theme.checklist[3].id}").uncheck()
    member.get_by_role("button", name="Save my priorities").click()
    expect(member.get_by_role("status")).to_contain_text("Your vote is saved: 3 of up to 3 items")
    expect(member.get_by_text("1 member voted so far")).to_be_visible()
    for person in public[:4]:
        vote_by_form(clients[person.id], first_round.id, [item_1, item_3])
    # No counts while voting is open, however many have voted: only how many.
    page.goto(f"{live_server}/partnerships/rounds/{first_round.id}/actions")
    expect(page.get_by_text("5 members voted so far")).to_be_visible()
    expect(page.locator("table.priorities-table")).to_have_count(0)
    page.get_by_role("button", name="Close the vote").click()
    expect(page.get_by_role("status")).to_contain_text("Voting is closed")
    ranked = page.locator("table.priorities-table tbody tr")
    expect(ranked).to_have_count(3)
    expect(ranked.nth(0)).to_contain_text(item_1.do_text)
    expect(ranked.nth(0)).to_contain_text("5")
    expect(ranked.nth(1)).to_contain_text(item_3.do_text)
    expect(ranked.nth(2)).to_contain_text(item_2.do_text)
    assert_accessible(page)

    # After midnight the next round opens, showing how last round's actions stand.
    clock.freeze(EVENING + timedelta(hours=2))
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", name="Actions from the health-check 2026")).to_be_visible()
    page.get_by_label("Name of the round").fill("2027")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health-check 2027")
    follow_up = page.locator("section.follow-up")
    expect(follow_up.get_by_role("heading")).to_have_text("Actions from the health-check 2026")
    forum = follow_up.get_by_role("row", name="Meet the small groups' forum")
    expect(forum).to_contain_text("Not started")
    expect(forum).to_contain_text("Overdue")  # said in words, not by colour alone
    expect(forum).to_contain_text("Val Voluntary")
    compact = follow_up.get_by_role("row", name="Agree a refreshed local compact")
    expect(compact).to_contain_text("In progress")
    expect(compact).to_contain_text("31 March 2027")
    expect(compact).not_to_contain_text("Overdue")
    assert_accessible(page)
    second_round = db.session.scalar(select(HealthCheckRound).where(HealthCheckRound.name == "2027"))
    member.goto(f"{live_server}/partnerships/rounds/{second_round.id}/themes/{first_theme.slug}")
    expect(member.locator("section.follow-up")).to_contain_text("Overdue")
    assert_accessible(member)
    member_context.close()

    # Everyone answers the second round, better than before: 100% on every item.
    answer_by_form(client_of(app, val), second_round.id, "mostly")
    for person in public:
        answer_by_form(clients[person.id], second_round.id, "consistently")
    for person in voluntary:
        answer_by_form(clients[person.id], second_round.id, "mostly")
    page.reload()
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("status")).to_contain_text("The round 2027 is closed")
    expect(page.locator(f"#result-{item_1.id}")).to_contain_text("100%")
    # The change from round one: item 1 went from 40% in 2026 to 100% now, and the trend over the
    # rounds is drawn with a title of its own (this page's axe check below covers the chart too).
    expect(page.locator(f"#result-{item_1.id}")).to_contain_text("+60 points on 2026")
    expect(page.locator(f"#result-{item_1.id}")).to_contain_text("Before: 2026 40%")
    expect(page.get_by_role("heading", name="Over the rounds 2026, 2027")).to_be_visible()
    expect(page.locator("#chart-trend-title")).to_have_text(
        "Each theme over the rounds 2026, 2027: share of positive answers"
    )
    assert_accessible(page)
    page.goto(f"{live_server}/partnerships/rounds/{first_round.id}")
    expect(page.locator(f"#result-{item_1.id}")).to_contain_text("40%")


def test_with_four_voluntary_respondents_the_gap_is_shown_nowhere(app, page, live_server):
    coordinator = make_user(email="coordinator@example.org", display_name="Cora Coordinator", sector=PUBLIC)
    partnership = service.register_partnership(NAME, "West Midlands", "", PUBLIC, by=coordinator)
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    first_theme = themes()[0]
    answers = [(join_as(partnership, PUBLIC, coordinator), "consistently") for _ in range(5)]
    answers += [(join_as(partnership, VOLUNTARY, coordinator), "consistently-dont") for _ in range(4)]
    for person, rating in answers:
        service.save_theme_answers(
            round_,
            first_theme,
            {pair.id: service.ItemAnswer(rating) for pair in first_theme.checklist},
            "",
            person,
            by=person,
        )
    service.close_round(round_, by=coordinator)
    assert db.session.scalar(select(Partnership)).id == partnership.id

    log_in(page, live_server, "coordinator@example.org")
    page.goto(f"{live_server}/partnerships/rounds/{round_.id}")
    # Nine respondents: results are shown, but a 100-point gap between the sectors is not.
    expect(page.locator(f"#result-{first_theme.checklist[0].id}")).to_contain_text("56%")
    expect(page.get_by_text("The public and voluntary sectors' views are not shown side by side")).to_be_visible()
    for page_url in (
        f"/partnerships/rounds/{round_.id}",
        f"/partnerships/rounds/{round_.id}/actions",
        f"/partnerships/{partnership.id}",
    ):
        page.goto(f"{live_server}{page_url}")
        content = page.content()
        for shown_gap in ("Sector gap", "Gap of 20 or more", "points", "Voluntary or community</th>"):
            assert shown_gap not in content, (page_url, shown_gap)
        assert_accessible(page)
    # Nor in the spreadsheet: its sector columns are there, and empty on every row.
    download = page.request.get(f"{live_server}/partnerships/rounds/{round_.id}/results.csv")
    assert download.status == 200
    rows = list(csv.DictReader(io.StringIO(download.text())))
    assert len(rows) == 25
    for row in rows:
        assert (
            row["Public body positive (%)"],
            row["Voluntary or community positive (%)"],
            row["Sector gap (points)"],
            row["Gap of 20 or more"],
        ) == ("", "", "", "")
