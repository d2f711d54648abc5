"""The partnerships' part of a member's data download: their memberships, the partnerships and
invitations they created, and their own health-check answers and comments (which nobody else ever
sees as given: they are the member's own)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.extensions import db
from kb.partnerships.models import (
    Answer,
    HealthCheckRound,
    Invitation,
    Membership,
    Partnership,
    ThemeTrend,
)
from kb.personal_data import iso


def health_check_of(round_: HealthCheckRound) -> dict:
    return {"partnership": round_.partnership.name, "round": round_.name}


def partnerships(user: User) -> dict:
    memberships = db.session.scalars(select(Membership).where(Membership.user_id == user.id)
                                     .options(selectinload(Membership.partnership)).order_by(Membership.id))
    created = db.session.scalars(select(Partnership).where(Partnership.created_by_id == user.id)
                                 .order_by(Partnership.id))
    # The invitation's token is left out: it is a link that may still let someone join.
    invitations = db.session.scalars(select(Invitation).where(Invitation.created_by_id == user.id)
                                     .options(selectinload(Invitation.partnership)).order_by(Invitation.id))
    answers = db.session.execute(select(Answer, HealthCheckRound).join(
        HealthCheckRound, HealthCheckRound.id == Answer.round_id).where(Answer.user_id == user.id)
        .options(selectinload(Answer.pair), selectinload(HealthCheckRound.partnership)).order_by(Answer.id))
    trends = db.session.execute(select(ThemeTrend, HealthCheckRound).join(
        HealthCheckRound, HealthCheckRound.id == ThemeTrend.round_id).where(ThemeTrend.user_id == user.id)
        .options(selectinload(ThemeTrend.theme), selectinload(HealthCheckRound.partnership)).order_by(ThemeTrend.id))
    return {
        "memberships": [{"partnership": row.partnership.name, "sector": row.sector,
                         "coordinator": row.is_coordinator, "joined_at": iso(row.joined_at)} for row in memberships],
        "partnerships_created": [{"name": row.name, "region": row.region, "description": row.description,
                                  "created_at": iso(row.created_at)} for row in created],
        "invitations_created": [{"partnership": row.partnership.name, "created_at": iso(row.created_at),
                                 "expires_at": iso(row.expires_at), "revoked_at": iso(row.revoked_at)}
                                for row in invitations],
        "health_check_answers": [{**health_check_of(round_), "do": answer.pair.do_text,
                                  "dont": answer.pair.dont_text, "rating": answer.rating,
                                  "comment": answer.comment, "updated_at": iso(answer.updated_at)}
                                 for answer, round_ in answers],
        "health_check_trends": [{**health_check_of(round_), "theme": trend.theme.title, "trend": trend.trend}
                                for trend, round_ in trends],
    }
