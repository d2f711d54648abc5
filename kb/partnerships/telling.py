"""Telling a partnership's members about its health-checks, through the one call
(kb.platform.notifications.tell, kind HEALTH_CHECKS: in their inbox, and by mail as they chose):

- a round opened (every member but the coordinator who opened it);
- a reminder, REMIND_BEFORE_DAYS before its closing date, to each member who has not answered it
  yet, once (never to one who has);
- its results are ready, once it closes (by a coordinator, or when its closing date passes), if it
  has the minimum of respondents: with fewer, there are no results to see, so nothing is said.

Only verified members are told: the others cannot answer or read results yet. Closing by date
and reminders happen with no request to hang them on: `flask kb mail reminders` (cron it hourly)
does them, then sends the mail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select

from kb.auth.models import User
from kb.partnerships.models import Answer, HealthCheckRound, Invitation, Membership, Partnership, RoundReminder
from kb.platform import clock, mail, site_address
from kb.platform.dates import long_date
from kb.platform.extensions import db
from kb.platform.notifications import Kind, tell, tell_many

REMIND_BEFORE_DAYS = 2


def _members(partnership: Partnership, but: User | None = None) -> list[User]:
    users = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.partnership_id == partnership.id)
        .order_by(User.id)
    )
    return [user for user in users if user.email_verified and (but is None or user.id != but.id)]


def _named(health_check: HealthCheckRound) -> str:
    return f"the {health_check.partnership.name} health-check “{health_check.name}”"


def round_opened(health_check: HealthCheckRound, by: User) -> None:
    """In the transaction that opens the round."""
    until = f": answer by {long_date(health_check.closes_on)}" if health_check.closes_on else ""
    sentence = f"{_named(health_check)[0].upper()}{_named(health_check)[1:]} is open{until}."
    tell_many(
        _members(health_check.partnership, but=by), Kind.HEALTH_CHECKS, sentence, health_check.path(), message=sentence
    )


def invitation_sent(invitation: Invitation, partnership: Partnership, by: User, account: User | None) -> None:
    """An invitation mailed to one address: the mail carries the link; someone who already has an
    account finds it in their notifications too (and by mail as they chose, in place of the plain one)."""
    link = site_address.absolute(f"/partnerships/join/{invitation.token}")
    until = long_date(invitation.expires_at)
    if account is not None and account.email_verified:
        sentence = f"{by.display_name} invites you to join {partnership.name}: the invitation works until {until}."
        tell(account, Kind.INVITATIONS, sentence, f"/partnerships/join/{invitation.token}", message=sentence)
        return
    mail.queue(
        invitation.email,
        "partnership_invitation",
        f"{by.display_name} invites you to join {partnership.name} on Common Ground",
        user=account,
        inviter=by.display_name,
        partnership=partnership.name,
        region=partnership.region,
        link=link,
        until=until,
    )


def results_ready(health_check: HealthCheckRound) -> int:
    """Once a round closes: tell its members its results are ready, if it has any to show. Marks
    the round told either way, in the caller's transaction; returns how many were told."""
    if health_check.results_told_at is not None:
        return 0
    health_check.results_told_at = clock.now()
    from kb.partnerships.service import respondent_count  # the service tells through this module

    if respondent_count(health_check) < current_app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"]:
        return 0
    sentence = f"The results of {_named(health_check)} are ready."
    members = _members(health_check.partnership)
    tell_many(members, Kind.HEALTH_CHECKS, sentence, health_check.path(), message=sentence)
    return len(members)


def remind(health_check: HealthCheckRound) -> int:
    """Remind each verified member who has not answered, and was not reminded, that it closes soon."""
    answered = set(db.session.scalars(select(Answer.user_id).where(Answer.round_id == health_check.id).distinct()))
    reminded = set(db.session.scalars(select(RoundReminder.user_id).where(RoundReminder.round_id == health_check.id)))
    assert health_check.closes_on is not None  # only rounds with a closing date are reminded of
    sentence = (
        f"{_named(health_check)[0].upper()}{_named(health_check)[1:]} closes on "
        f"{long_date(health_check.closes_on)} and you have not answered yet."
    )
    due = [member for member in _members(health_check.partnership) if member.id not in answered | reminded]
    db.session.add_all(
        RoundReminder(round_id=health_check.id, user_id=member.id, sent_at=clock.now()) for member in due
    )
    tell_many(due, Kind.HEALTH_CHECKS, sentence, health_check.path(), message=sentence)
    return len(due)


@dataclass
class DueRun:
    rounds_reminded: int = 0
    reminders: int = 0
    rounds_closed: int = 0
    told_results: int = 0


def send_due(progress: Callable[[int, int], None] | None = None) -> DueRun:
    """The reminders due and the results of rounds closed by their date, round by round, each in its
    own transaction (a run stopped half-way tells nobody twice)."""
    run = DueRun()
    today = clock.now().date()
    closing_soon = select(HealthCheckRound.id).where(
        HealthCheckRound.closed_at.is_(None),
        HealthCheckRound.closes_on.is_not(None),
        HealthCheckRound.closes_on >= today,
        HealthCheckRound.closes_on <= today + timedelta(days=REMIND_BEFORE_DAYS),
    )
    closed_untold = select(HealthCheckRound.id).where(
        HealthCheckRound.results_told_at.is_(None),
        or_(HealthCheckRound.closed_at.is_not(None), HealthCheckRound.closes_on < today),
    )
    soon = list(db.session.scalars(closing_soon.order_by(HealthCheckRound.id)))
    closed = list(db.session.scalars(closed_untold.order_by(HealthCheckRound.id)))
    total = len(soon) + len(closed)
    for done, round_id in enumerate(soon, start=1):
        health_check = db.session.get(HealthCheckRound, round_id, with_for_update=True)
        told = remind(health_check)
        db.session.commit()
        run.rounds_reminded += bool(told)
        run.reminders += told
        if progress:
            progress(done, total)
    for done, round_id in enumerate(closed, start=len(soon) + 1):
        health_check = db.session.get(HealthCheckRound, round_id, with_for_update=True, populate_existing=True)
        if health_check.results_told_at is None:  # another run may have told it meanwhile
            run.told_results += results_ready(health_check)
            run.rounds_closed += 1
        db.session.commit()
        if progress:
            progress(done, total)
    return run
