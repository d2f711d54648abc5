"""The partnerships' part of deleting an account (kb.platform.erasure).

Memberships go with the account (the database's cascade). Health-check answers stay counted: a
closed round's figures, which the partnership may already have acted on, must not change because
one person left. So each round the member answered gets a FormerRespondent holding only what the
results read (one respondent, and the sector they answered for), and their answers point at it
instead of at the account; their theme trends lose their account (trends are only ever counted).
Nothing then leads from the answers to the person: no account id, no name, no membership. Their
comments stay, as before shown only without names once enough people have answered.

A partnership must keep a coordinator: its only coordinator, with other members, first makes one of
them a coordinator; a partnership with no other member goes with its only member.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from kb.auth.models import User
from kb.partnerships.models import Answer, FormerRespondent, HealthCheckRound, Membership, Partnership, ThemeTrend
from kb.platform.extensions import db


def _others_in(partnership_id: int, user: User, coordinators_only: bool = False) -> int:
    query = select(func.count(Membership.id)).where(
        Membership.partnership_id == partnership_id, Membership.user_id != user.id
    )
    if coordinators_only:
        query = query.where(Membership.is_coordinator.is_(True))
    return db.session.scalar(query)


def reason_to_wait(user: User) -> str | None:
    for membership in db.session.scalars(
        select(Membership).where(Membership.user_id == user.id, Membership.is_coordinator.is_(True))
    ):
        pid = membership.partnership_id
        if _others_in(pid, user) and not _others_in(pid, user, coordinators_only=True):
            return (
                f"You are the only coordinator of “{membership.partnership.name}”. Make another of its members "
                "a coordinator on the partnership's page first, so it is not left without one."
            )
    return None


def erase(user: User, _remove_published: bool) -> None:
    rounds = db.session.execute(
        select(HealthCheckRound.id, Membership.sector)
        .join(Answer, Answer.round_id == HealthCheckRound.id)
        .join(
            Membership,
            (Membership.partnership_id == HealthCheckRound.partnership_id) & (Membership.user_id == user.id),
            isouter=True,
        )
        .where(Answer.user_id == user.id)
        .distinct()
    ).all()
    for round_id, sector in rounds:
        if sector is None:
            continue  # answered, then left the partnership: the results already leave these out
        respondent = FormerRespondent(round_id=round_id, sector=sector)
        db.session.add(respondent)
        db.session.flush()
        db.session.execute(
            update(Answer)
            .where(Answer.round_id == round_id, Answer.user_id == user.id)
            .values(user_id=None, former_respondent_id=respondent.id)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        update(ThemeTrend)
        .where(ThemeTrend.user_id == user.id)
        .values(user_id=None)
        .execution_options(synchronize_session=False)
    )
    for membership in db.session.scalars(select(Membership).where(Membership.user_id == user.id)).all():
        if not _others_in(membership.partnership_id, user):
            db.session.delete(db.session.get(Partnership, membership.partnership_id))
    db.session.flush()
