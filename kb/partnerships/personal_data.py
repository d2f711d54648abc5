"""The partnerships' part of a member's data download: their memberships, the partnerships and
invitations they created, their own health-check answers and comments (which nobody else ever
sees as given: they are the member's own), their priority votes (likewise), and the actions they own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.partnerships.actions.models import HealthCheckAction, PriorityVote
from kb.partnerships.models import (
    Answer,
    HealthCheckRound,
    Invitation,
    Membership,
    Partnership,
    RoundReminder,
    ThemeTrend,
)
from kb.platform.extensions import db
from kb.platform.personal_data import iso


def health_check_of(round_: HealthCheckRound) -> dict:
    return {"partnership": round_.partnership.name, "round": round_.name}


def partnerships(user: User) -> dict:
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id)
        .options(selectinload(Membership.partnership))
        .order_by(Membership.id)
    )
    created = db.session.scalars(
        select(Partnership).where(Partnership.created_by_id == user.id).order_by(Partnership.id)
    )
    # The invitation's token is left out: it is a link that may still let someone join.
    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.created_by_id == user.id)
        .options(selectinload(Invitation.partnership))
        .order_by(Invitation.id)
    )
    answers = db.session.execute(
        select(Answer, HealthCheckRound)
        .join(HealthCheckRound, HealthCheckRound.id == Answer.round_id)
        .where(Answer.user_id == user.id)
        .options(selectinload(Answer.pair), selectinload(HealthCheckRound.partnership))
        .order_by(Answer.id)
    )
    trends = db.session.execute(
        select(ThemeTrend, HealthCheckRound)
        .join(HealthCheckRound, HealthCheckRound.id == ThemeTrend.round_id)
        .where(ThemeTrend.user_id == user.id)
        .options(selectinload(ThemeTrend.theme), selectinload(HealthCheckRound.partnership))
        .order_by(ThemeTrend.id)
    )
    votes = db.session.execute(
        select(PriorityVote, HealthCheckRound)
        .join(HealthCheckRound, HealthCheckRound.id == PriorityVote.round_id)
        .where(PriorityVote.user_id == user.id)
        .options(selectinload(PriorityVote.pair), selectinload(HealthCheckRound.partnership))
        .order_by(PriorityVote.id)
    )
    owned = db.session.scalars(
        select(HealthCheckAction)
        .where(HealthCheckAction.owner_id == user.id)
        .options(selectinload(HealthCheckAction.health_check))
        .order_by(HealthCheckAction.id)
    )
    reminders = db.session.execute(
        select(RoundReminder, HealthCheckRound)
        .join(HealthCheckRound, HealthCheckRound.id == RoundReminder.round_id)
        .where(RoundReminder.user_id == user.id)
        .options(selectinload(HealthCheckRound.partnership))
        .order_by(RoundReminder.sent_at)
    )
    return {
        "memberships": [
            {
                "partnership": row.partnership.name,
                "sector": row.sector,
                "coordinator": row.is_coordinator,
                "joined_at": iso(row.joined_at),
            }
            for row in memberships
        ],
        "partnerships_created": [
            {"name": row.name, "region": row.region, "description": row.description, "created_at": iso(row.created_at)}
            for row in created
        ],
        "invitations_created": [
            {
                "partnership": row.partnership.name,
                "created_at": iso(row.created_at),
                "expires_at": iso(row.expires_at),
                "revoked_at": iso(row.revoked_at),
            }
            for row in invitations
        ],
        "health_check_answers": [
            {
                **health_check_of(round_),
                "do": answer.pair.do_text,
                "dont": answer.pair.dont_text,
                "rating": answer.rating,
                "comment": answer.comment,
                "updated_at": iso(answer.updated_at),
            }
            for answer, round_ in answers
        ],
        "health_check_trends": [
            {**health_check_of(round_), "theme": trend.theme.title, "trend": trend.trend} for trend, round_ in trends
        ],
        "health_check_priority_votes": [
            {**health_check_of(round_), "do": vote.pair.do_text, "voted_at": iso(vote.voted_at)}
            for vote, round_ in votes
        ],
        "health_check_actions_owned": [
            {
                **health_check_of(action.health_check),
                "action": action.title,
                "due_on": action.due_on.isoformat(),
                "status": action.status,
                "note": action.note,
            }
            for action in owned
        ],
        "health_check_reminders_sent": [
            {**health_check_of(round_), "sent_at": iso(reminder.sent_at)} for reminder, round_ in reminders
        ],
    }
