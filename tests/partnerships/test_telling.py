"""Members hear of their partnership's health-checks (issue 24): a round opened, a reminder before it
closes to those who have not answered (never to those who have, never twice), and its results once
it closes, if it has any to show. In the inbox, and by mail as each chose; unverified members and
people outside the partnership hear nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from kb.partnerships import service, telling
from kb.partnerships.models import Membership, RoundReminder
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.notifications.inbox import recent
from kb.platform.personal_data import everything_about
from tests.factories import make_user
from tests.notifications.conftest import choose
from tests.partnerships.conftest import VOLUNTARY, answer_everything, join_as

NOW = datetime(2026, 12, 1, 9, 0)


def inbox_of(person) -> list[str]:
    return [note.message for note in recent(person)]


def test_opening_a_round_tells_every_verified_member_but_the_coordinator(partnership, coordinator, member, mailbox):
    clock.freeze(NOW)
    unverified = make_user(verified=False)  # joined before only verified accounts could
    db.session.add(Membership(partnership_id=partnership.id, user_id=unverified.id, sector=VOLUNTARY))
    db.session.commit()
    outsider = make_user(email="outsider@example.org")
    choose(member, health_checks="immediate")
    health_check = service.open_round(partnership, "2026", date(2026, 12, 31), by=coordinator)
    expected = "The Stratford Local Strategic Partnership health-check “2026” is open: answer by 31 December 2026."
    assert inbox_of(member) == [expected]
    assert recent(member)[0].link == f"/partnerships/rounds/{health_check.id}"
    assert inbox_of(coordinator) == inbox_of(unverified) == inbox_of(outsider) == []
    (message,) = mailbox.deliver()
    assert message["To"] == member.email and message["Subject"] == expected
    assert f"/partnerships/rounds/{health_check.id}" in mailbox.text_of(message)


def test_a_reminder_goes_once_to_those_who_have_not_answered(partnership, coordinator, member, mailbox):
    clock.freeze(NOW)
    answered = join_as(partnership, VOLUNTARY, coordinator, display_name="Ann Answered")
    health_check = service.open_round(partnership, "2026", date(2026, 12, 10), by=coordinator)
    answer_everything(health_check, answered)
    mailbox.deliver()

    assert telling.send_due().reminders == 0  # nine days before: too early
    clock.freeze(datetime(2026, 12, 8, 9, 0))  # two days before it closes
    run = telling.send_due()
    assert (run.reminders, run.rounds_reminded) == (2, 1)  # the member and the coordinator, not Ann
    reminder = (
        "The Stratford Local Strategic Partnership health-check “2026” closes on 10 December 2026 and you "
        "have not answered yet."
    )
    assert inbox_of(member)[0] == reminder and reminder not in inbox_of(answered)
    assert telling.send_due().reminders == 0  # never twice
    assert {row.user_id for row in db.session.scalars(select(RoundReminder))} == {member.id, coordinator.id}
    assert (
        everything_about(member)["parts"]["partnerships"]["data"]["health_check_reminders_sent"][0]["round"] == "2026"
    )


def test_a_round_without_a_closing_date_is_never_reminded_of(partnership, coordinator, member, mailbox):
    clock.freeze(NOW)
    service.open_round(partnership, "2026", None, by=coordinator)
    clock.freeze(NOW + timedelta(days=300))
    assert telling.send_due().reminders == 0


def test_results_are_told_once_when_a_round_with_enough_respondents_closes(
    app, partnership, coordinator, member, mailbox
):
    clock.freeze(NOW)
    app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"] = 3
    others = [join_as(partnership, VOLUNTARY, coordinator) for _ in range(2)]
    health_check = service.open_round(partnership, "2026", date(2026, 12, 10), by=coordinator)
    for person in (member, *others):
        answer_everything(health_check, person)
    clock.freeze(datetime(2026, 12, 11, 9, 0))  # its closing date has passed: closed by date
    run = telling.send_due()
    assert (run.rounds_closed, run.told_results) == (1, 4)  # every verified member, the coordinator too
    ready = "The results of the Stratford Local Strategic Partnership health-check “2026” are ready."
    assert inbox_of(member)[0] == ready
    assert telling.send_due().told_results == 0  # once


def test_a_round_closed_with_too_few_respondents_tells_nobody_of_results(app, partnership, coordinator, member):
    clock.freeze(NOW)
    app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"] = 3
    health_check = service.open_round(partnership, "2026", None, by=coordinator)
    answer_everything(health_check, member)
    service.close_round(health_check, by=coordinator)
    assert not any("results" in line for line in inbox_of(member))
    assert health_check.results_told_at is not None and telling.send_due().rounds_closed == 0


def test_the_cron_command_reports_what_it_did(app, partnership, coordinator, member, mailbox):
    clock.freeze(NOW)
    service.open_round(partnership, "2026", date(2026, 12, 2), by=coordinator)
    result = app.test_cli_runner().invoke(args=["kb", "mail", "reminders"])
    assert result.exit_code == 0, result.output
    assert "2 reminders for 1 round closing soon" in result.output
