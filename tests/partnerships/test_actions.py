"""From results to action: coordinators record actions on a closed round's results and update them;
members read them, and see last round's actions when the next round opens. Refusals say why and
change nothing. (The members' priority vote is in test_priority_votes.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from kb.partnerships import service
from kb.partnerships.actions import service as actions
from kb.partnerships.actions.models import HealthCheckAction
from kb.platform import clock
from kb.platform.extensions import db
from tests.factories import make_user
from tests.partnerships.conftest import post, themes


def action_form(**changes) -> dict:
    pair = themes()[0].checklist[0]
    return {
        "title": "Meet the small groups' forum each quarter",
        "addresses": f"item-{pair.id}",
        "owner": "",
        "owner_role": "CVS chief officer",
        "due_on": (clock.now().date() + timedelta(days=90)).isoformat(),
        "status": "not-started",
        "note": "",
        **changes,
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_coordinator_records_an_action_that_members_read(browser_of, coordinator, member, closed_round):
    browser = browser_of(coordinator)
    url = f"/partnerships/rounds/{closed_round.id}/actions"
    refused = post(browser, url, {"title": "Qz typed and kept", "owner_role": "", "due_on": "2027-02-30"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and count(HealthCheckAction) == 0
    assert "Choose the checklist item or theme the action addresses" in page
    assert "Enter the due date as a real date, for example 2027-03-31" in page
    assert 'value="Qz typed and kept"' in page  # nothing typed is lost
    neither = post(browser, url, action_form(owner_role=""))
    assert neither.status_code == 422 and count(HealthCheckAction) == 0
    page = neither.get_data(as_text=True)
    # The rule's refusal sits beside its field, linked from the summary, like the form's own.
    assert 'id="owner-error"' in page and 'href="#owner"' in page
    assert "Choose who owns the action: a member, or type a role" in page

    response = post(browser, url, action_form(owner=str(member.id), owner_role="", note="Qzbudgetnote agreed"))
    assert response.status_code == 302 and count(HealthCheckAction) == 1
    action = db.session.scalar(select(HealthCheckAction))
    assert action.owner_id == member.id and action.status == "not-started" and action.pair_id is not None

    seen = browser_of(member).get(url).get_data(as_text=True)
    assert "Meet the small groups" in seen and "Mina Member" in seen and "Qzbudgetnote agreed" in seen
    assert "Record the action" not in seen and f"/partnerships/actions/{action.id}/edit" not in seen
    outsider = browser_of(make_user())
    assert outsider.get(url).status_code == 404
    assert post(outsider, url, action_form()).status_code == 404
    assert post(browser_of(member), url, action_form()).status_code == 403
    assert count(HealthCheckAction) == 1


def test_actions_come_only_from_a_closed_round(browser_of, coordinator, partnership):
    still_open = service.open_round(partnership, "2026", None, by=coordinator)
    refused = post(browser_of(coordinator), f"/partnerships/rounds/{still_open.id}/actions", action_form())
    assert refused.status_code == 422 and count(HealthCheckAction) == 0
    assert "Actions can be recorded once the round has closed" in refused.get_data(as_text=True)


def test_an_owner_is_a_member_or_a_role_never_both_nor_an_outsider(coordinator, member, closed_round):
    outsider = make_user()
    for fields, problem in [
        (actions.ActionFields(**action_form(owner=str(outsider.id), owner_role="")), "owner"),
        (actions.ActionFields(**action_form(owner=str(member.id))), "owner_role"),
        (actions.ActionFields(**action_form(owner="99999999999", owner_role="")), "owner"),
        (actions.ActionFields(**action_form(addresses="item-abc")), "addresses"),
        (actions.ActionFields(**action_form(status="finished")), "status"),
    ]:
        fields.due_on = clock.now().date()
        with pytest.raises(actions.ActionInvalid) as refusal:
            actions.record_action(closed_round, fields, by=coordinator)
        assert problem in dict(refusal.value.problems)
    assert count(HealthCheckAction) == 0
    theme = themes()[1]
    action = actions.record_action(
        closed_round,
        actions.ActionFields(
            "Agree a compact refresh", f"theme-{theme.id}", "", "Council policy lead", clock.now().date()
        ),
        by=coordinator,
    )
    assert action.theme_id == theme.id and action.pair_id is None and action.owner_role == "Council policy lead"


def test_a_past_due_date_is_refused_when_set_but_kept_when_the_status_changes(browser_of, coordinator, closed_round):
    fields = actions.ActionFields(**action_form(due_on=None))
    fields.due_on = clock.now().date() - timedelta(days=1)
    with pytest.raises(actions.ActionInvalid, match="today or later"):
        actions.record_action(closed_round, fields, by=coordinator)
    fields.due_on = clock.now().date() + timedelta(days=10)
    action = actions.record_action(closed_round, fields, by=coordinator)

    clock.freeze(clock.now() + timedelta(days=40))  # the date has passed: the action is overdue
    browser = browser_of(coordinator)
    edit = f"/partnerships/actions/{action.id}/edit"
    form = browser.get(edit).get_data(as_text=True)
    assert 'value="Meet the small groups' in form  # the form starts from the action as it is
    kept = post(browser, edit, action_form(due_on=fields.due_on.isoformat(), status="in-progress"))
    assert kept.status_code == 302
    db.session.refresh(action)
    assert action.status == "in-progress" and action.due_on == fields.due_on
    assert action.overdue(clock.now().date())
    moved_back = post(
        browser, edit, action_form(due_on=(clock.now().date() - timedelta(days=2)).isoformat(), status="done")
    )
    assert moved_back.status_code == 422 and "The due date must be today or later" in moved_back.get_data(as_text=True)
    db.session.refresh(action)
    assert action.status == "in-progress"  # the refused form changed nothing
    post(browser, edit, action_form(due_on=fields.due_on.isoformat(), status="done"))
    db.session.refresh(action)
    assert action.status == "done" and not action.overdue(clock.now().date())


def test_only_coordinators_change_actions(browser_of, coordinator, member, closed_round):
    action = actions.record_action(
        closed_round, actions.ActionFields(**{**action_form(due_on=None), "due_on": clock.now().date()}), by=coordinator
    )
    edit = f"/partnerships/actions/{action.id}/edit"
    assert browser_of(member).get(edit).status_code == 403
    assert post(browser_of(member), edit, action_form(status="dropped")).status_code == 403
    assert browser_of(make_user()).get(edit).status_code == 404
    assert browser_of(coordinator).get("/partnerships/actions/99999/edit").status_code == 404
    with pytest.raises(service.NotAllowed):
        actions.update_action(action, actions.ActionFields(**{**action_form(), "due_on": action.due_on}), by=member)
    db.session.refresh(action)
    assert action.status == "not-started"


def test_the_next_round_opens_with_last_rounds_actions_and_flags_the_overdue(
    browser_of, coordinator, member, partnership, closed_round
):
    today = clock.now().date()
    pair = themes()[0].checklist[0]
    late = actions.record_action(
        closed_round,
        actions.ActionFields(
            "Qzlate map the small groups", f"item-{pair.id}", str(member.id), "", today + timedelta(days=5)
        ),
        by=coordinator,
    )
    actions.record_action(
        closed_round,
        actions.ActionFields(
            "Qzdone fund the forum", f"theme-{pair.theme_id}", "", "Funder", today + timedelta(days=5), "done"
        ),
        by=coordinator,
    )
    clock.freeze(clock.now() + timedelta(days=30))
    browser = browser_of(coordinator)
    response = post(browser, f"/partnerships/{partnership.id}/rounds", {"name": "2026"})
    next_round = db.session.get(type(closed_round), int(response.headers["Location"].split("/")[-1]))
    for url in (
        response.headers["Location"],
        f"/partnerships/rounds/{next_round.id}/themes/{themes()[0].slug}",
        f"/partnerships/{partnership.id}",
    ):
        page = browser_of(member).get(url).get_data(as_text=True)
        assert "Actions from the health-check 2025" in page, url
        late_row = page[page.index(f'id="action-{late.id}"') :]
        late_row = late_row[: late_row.index("</tr>")]
        assert "Not started" in late_row and "Overdue" in late_row and "Mina Member" in late_row
        done_row = page[page.index("Qzdone fund the forum") :]
        done_row = done_row[: done_row.index("</tr>")]
        assert "Done" in done_row and "Overdue" not in done_row and "Funder" in done_row
        assert "Qzbudget" not in page


def test_a_first_round_shows_no_follow_up(browser_of, coordinator, partnership):
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    page = browser_of(coordinator).get(f"/partnerships/rounds/{round_.id}").get_data(as_text=True)
    assert "Actions from the health-check" not in page
