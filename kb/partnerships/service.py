"""The rules for partnerships and their health-check rounds.

Only members see a partnership (to anyone else it does not exist); only coordinators open and
close rounds and manage invitations; a member answers for themself only, on the scale, while the
round is open. Results are worked out in kb/partnerships/results/service.py.

Only accounts whose email address is verified register a partnership, join one, answer or vote:
figures are shown once enough people have answered, and a few made-up accounts answering as
someone chose, next to one real member, would make "enough" and show that member's answers. An
unverified member who joined before this rule reads the partnership but answers nothing until
they verify (migration 0028 took their answers out of the rounds then still open)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.partnerships import telling
from kb.partnerships.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MEMBER_SECTOR_LABELS,
    NAME_MAX,
    ROUND_NAME_MAX,
    Answer,
    HealthCheckRound,
    Invitation,
    Membership,
    Partnership,
    Rating,
    ThemeTrend,
    Trend,
    wording_key,
)
from kb.platform import clock, locks
from kb.platform.dates import long_date
from kb.platform.extensions import db
from kb.platform.text import one_line
from kb.platform.vocabulary import REGIONS
from kb.themes.models import ChecklistPair, Theme

INVITATION_DAYS = (7, 14, 30)


class PartnershipError(Exception):
    """A rule said no; the message is written for the person at the keyboard."""

    status = 422

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field  # the form field to point the error summary at, when there is one


class NotAllowed(PartnershipError):
    status = 403


class NotFound(PartnershipError):
    """Not there, or not the visitor's to see: outsiders are not told which."""

    status = 404


class InvitationUnusable(PartnershipError):
    status = 410


# ---- who may do what -------------------------------------------------------------------------


def membership_of(user: User, partnership: Partnership) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership).where(Membership.partnership_id == partnership.id, Membership.user_id == user.id)
    )


def is_member(user: User, partnership: Partnership) -> bool:
    return membership_of(user, partnership) is not None


def is_coordinator(user: User, partnership: Partnership) -> bool:
    membership = membership_of(user, partnership)
    return membership is not None and membership.is_coordinator


def visible_partnership(partnership_id: int, user: User) -> Partnership:
    """The partnership, for one of its members; NotFound for everyone else."""
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or not is_member(user, partnership):
        raise NotFound("There is no partnership here.")
    return partnership


def visible_round(round_id: int, user: User) -> HealthCheckRound:
    health_check = db.session.get(HealthCheckRound, round_id)
    if health_check is None or not is_member(user, health_check.partnership):
        raise NotFound("There is no health-check round here.")
    return health_check


def why_unverified(user: User, to: str) -> str | None:
    """None when `user` may take part; otherwise what to do first. `to`: what they tried."""
    if not getattr(user, "is_authenticated", False) or user.email_verified:
        return None
    return (
        f"Verify your email address to {to}: follow the link we sent to {user.email}. It has not arrived? "
        "Ask for it again on your account page."
    )


def _require_verified(user: User, to: str) -> None:
    reason = why_unverified(user, to)
    if reason:
        raise NotAllowed(reason)


def _require_coordinator(user: User, partnership: Partnership) -> None:
    if not is_coordinator(user, partnership):
        raise NotAllowed("Only the partnership's coordinators can do that.")


# ---- partnerships and members ----------------------------------------------------------------


def partnerships_of(user: User) -> list[Partnership]:
    return list(
        db.session.scalars(
            select(Partnership).join(Membership).where(Membership.user_id == user.id).order_by(Partnership.name)
        )
    )


def members_of(partnership: Partnership) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.partnership_id == partnership.id)
            .options(selectinload(Membership.user))
            .order_by(Membership.id)
        )
    )


def _check_sector(sector: str) -> str:
    if sector not in MEMBER_SECTOR_LABELS:
        raise PartnershipError("Choose the sector you answer for: public body, voluntary or community, or other.")
    return sector


def register_partnership(name: str, region: str, description: str, sector: str, by: User) -> Partnership:
    """A new partnership, with `by` as its first coordinator."""
    _require_verified(by, "register a partnership")
    name = one_line(name or "")
    if not 3 <= len(name) <= NAME_MAX:
        raise PartnershipError(f"The name must be 3 to {NAME_MAX} characters long.")
    if region not in REGIONS:
        raise PartnershipError("Choose the partnership's region from the list.")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise PartnershipError(f"Keep the description to {DESCRIPTION_MAX} characters or fewer.")
    partnership = Partnership(
        name=name, region=region, description=description, created_by_id=by.id, created_at=clock.now()
    )
    partnership.memberships.append(
        Membership(user_id=by.id, sector=_check_sector(sector), is_coordinator=True, joined_at=clock.now())
    )
    db.session.add(partnership)
    db.session.commit()
    return partnership


def make_coordinator(membership: Membership, by: User) -> None:
    """Another member becomes a co-coordinator."""
    _require_coordinator(by, membership.partnership)
    if membership.is_coordinator:
        raise PartnershipError(f"{membership.user.display_name} is already a coordinator.")
    membership.is_coordinator = True
    db.session.commit()


def set_bands(partnership: Partnership, green_from: str, amber_from: str, by: User) -> None:
    """The partnership's own red/amber/green cut-offs, in per cent positive; both empty clears them."""
    _require_coordinator(by, partnership)
    green_from, amber_from = (green_from or "").strip(), (amber_from or "").strip()
    if not green_from and not amber_from:
        partnership.green_from = partnership.amber_from = None
        db.session.commit()
        return
    if not (green_from.isdecimal() and amber_from.isdecimal() and len(green_from) <= 3 and len(amber_from) <= 3):
        raise PartnershipError(
            "Give both cut-offs as whole numbers from 1 to 100, or leave both empty.", field="green_from"
        )
    green, amber = int(green_from), int(amber_from)
    if not 0 < amber < green <= 100:
        raise PartnershipError("Amber must start below green, both between 1 and 100.", field="amber_from")
    partnership.green_from, partnership.amber_from = green, amber
    db.session.commit()


def band_of(share: float | None, partnership: Partnership) -> str:
    """ "green", "amber", "red", or "" when the partnership chose no bands or the share is withheld."""
    if share is None or partnership.green_from is None or partnership.amber_from is None:
        return ""
    return "green" if share >= partnership.green_from else "amber" if share >= partnership.amber_from else "red"


# ---- invitations -------------------------------------------------------------------------------


def create_invitation(partnership: Partnership, days: int, by: User) -> Invitation:
    _require_coordinator(by, partnership)
    if days not in INVITATION_DAYS:
        raise PartnershipError("Choose how long the link works: 7, 14 or 30 days.")
    now = clock.now()
    invitation = Invitation(
        partnership_id=partnership.id,
        token=secrets.token_urlsafe(24),
        created_by_id=by.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


INVITE_AT_ONCE = 20  # addresses in one go
INVITES_A_DAY = 100  # mailed invitations a partnership sends in a day


def _addresses(text: str) -> tuple[list[str], list[str]]:
    """The addresses typed (one per line, or separated by commas, semicolons or spaces), each once,
    in lower case; and those that are not addresses, as typed."""
    good, bad = [], []
    for word in text.replace(",", " ").replace(";", " ").split():
        word = word.strip("<>\"'")
        try:
            address = validate_email(word, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            bad.append(word)
            continue
        if address not in good:
            good.append(address)
    return good, bad


@dataclass
class Invited:
    sent: list[str]  # addresses mailed an invitation
    members: list[str]  # already members: nothing sent


def invite_by_email(partnership: Partnership, text: str, days: int, by: User) -> Invited:
    """Mail an invitation of its own to each address typed, or refuse them all, saying which are
    wrong (nothing is sent until every one is right). Someone with an account also finds it in
    their notifications; one already a member is skipped."""
    _require_coordinator(by, partnership)
    if days not in INVITATION_DAYS:
        raise PartnershipError("Choose how long the invitation works: 7, 14 or 30 days.")
    good, bad = _addresses(text)
    if bad:
        raise PartnershipError(f"These are not email addresses: {', '.join(bad[:10])}. Correct them and send again.")
    if not good:
        raise PartnershipError("Enter the email address of at least one person to invite.")
    if len(good) > INVITE_AT_ONCE:
        raise PartnershipError(f"Invite at most {INVITE_AT_ONCE} people at once.")
    locks.one_writer_at_a_time(locks.PARTNERSHIP_INVITATIONS + partnership.id, Invitation.__table__)
    now = clock.now()
    sent_today = db.session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.partnership_id == partnership.id,
            Invitation.email.is_not(None),
            Invitation.created_at > now - timedelta(days=1),
        )
    )
    if sent_today + len(good) > INVITES_A_DAY:
        raise PartnershipError(
            f"A partnership sends at most {INVITES_A_DAY} invitations by email a day; "
            f"{INVITES_A_DAY - sent_today} more can go today."
        )
    invited = Invited([], [])
    for address in good:
        account = db.session.scalar(select(User).where(User.email == address))
        if account is not None and is_member(account, partnership):
            invited.members.append(address)
            continue
        invitation = Invitation(
            partnership_id=partnership.id,
            token=secrets.token_urlsafe(24),
            created_by_id=by.id,
            created_at=now,
            expires_at=now + timedelta(days=days),
            email=address,
        )
        db.session.add(invitation)
        telling.invitation_sent(invitation, partnership, by, account)
        invited.sent.append(address)
    db.session.commit()
    return invited


def invitations_of(partnership: Partnership, by: User) -> list[Invitation]:
    """The links still working, newest first: for coordinators only."""
    if not is_coordinator(by, partnership):
        return []
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.partnership_id == partnership.id,
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > clock.now(),
            )
            .order_by(Invitation.id.desc())
        )
    )


def revoke_invitation(invitation: Invitation, by: User) -> None:
    _require_coordinator(by, invitation.partnership)
    if invitation.revoked_at is not None:
        raise PartnershipError("That link was already revoked.")
    invitation.revoked_at = clock.now()
    db.session.commit()


def invitation_by_token(token: str) -> Invitation:
    """The invitation, if it can still be used; otherwise an error that says why not."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token == token)) if len(token) <= 64 else None
    if invitation is None:
        raise NotFound(
            "This invitation link is not recognised. Check you copied the whole address, "
            "or ask the partnership's coordinator for a new link."
        )
    if invitation.revoked_at is not None:
        raise InvitationUnusable(
            "This invitation link was withdrawn by the partnership's coordinator. Ask them for a new link."
        )
    if invitation.expires_at <= clock.now():
        raise InvitationUnusable(
            f"This invitation link expired on {long_date(invitation.expires_at)}. "
            "Ask the partnership's coordinator for a new link."
        )
    return invitation


def join(invitation: Invitation, sector: str, by: User) -> Membership:
    """`by` joins the invitation's partnership, answering for `sector`."""
    invitation = invitation_by_token(invitation.token)
    _require_verified(by, "join the partnership")
    sector = _check_sector(sector)
    if is_member(by, invitation.partnership):
        raise PartnershipError("You are already a member of this partnership.")
    membership = Membership(
        partnership_id=invitation.partnership_id, user_id=by.id, sector=sector, joined_at=clock.now()
    )
    db.session.add(membership)
    db.session.commit()
    return membership


# ---- rounds ------------------------------------------------------------------------------------


def open_round(partnership: Partnership, name: str, closes_on: date | None, by: User) -> HealthCheckRound:
    _require_coordinator(by, partnership)
    name = one_line(name or "")
    if not 1 <= len(name) <= ROUND_NAME_MAX:
        raise PartnershipError(f"Give the round a name of up to {ROUND_NAME_MAX} characters, for example 2026.")
    if closes_on is not None and closes_on < clock.now().date():
        raise PartnershipError("The closing date must be today or later.")
    if any(existing.name.lower() == name.lower() for existing in partnership.rounds):
        raise PartnershipError(f"This partnership already has a round called {name}.")
    still_open = [existing for existing in partnership.rounds if existing.is_open(clock.now())]
    if still_open:
        raise PartnershipError(f"Close the round {still_open[0].name} before opening another.")
    # A new round closes the earlier round's priority vote: its counts are frozen in the same commit.
    from kb.partnerships.actions.service import freeze_votes  # actions builds on this module's rules

    for earlier in partnership.rounds:
        if earlier.voting_closed_at is None:
            freeze_votes(earlier)
    health_check = HealthCheckRound(
        partnership_id=partnership.id, name=name, closes_on=closes_on, opened_at=clock.now()
    )
    partnership.rounds.append(health_check)
    db.session.flush()  # its id, for the address the members are told
    telling.round_opened(health_check, by)
    db.session.commit()
    return health_check


def close_round(health_check: HealthCheckRound, by: User) -> None:
    _require_coordinator(by, health_check.partnership)
    if not health_check.is_open(clock.now()):
        raise PartnershipError("This round is already closed.")
    health_check.closed_at = clock.now()
    telling.results_ready(health_check)
    db.session.commit()


# ---- answers -----------------------------------------------------------------------------------


@dataclass
class ItemAnswer:
    """What the form sent for one pair: a rating (or "" for none yet) and a comment."""

    rating: str = ""
    comment: str = ""


def answers_of(health_check: HealthCheckRound, member: User) -> dict[int, Answer]:
    """A member's own answers, by pair id: for their own form only."""
    return {
        answer.pair_id: answer
        for answer in db.session.scalars(
            select(Answer).where(Answer.round_id == health_check.id, Answer.user_id == member.id)
        )
    }


def trends_of(health_check: HealthCheckRound, member: User) -> dict[int, str]:
    return {
        trend.theme_id: trend.trend
        for trend in db.session.scalars(
            select(ThemeTrend).where(ThemeTrend.round_id == health_check.id, ThemeTrend.user_id == member.id)
        )
    }


def save_theme_answers(
    health_check: HealthCheckRound, theme: Theme, answers: dict[int, ItemAnswer], trend: str, member: User, by: User
) -> int:
    """Save `member`'s answers to one theme's pairs and their view of the trend. Everything is
    checked before anything is written: a refused form changes nothing. Returns how many items
    now have an answer."""
    if member.id != by.id:
        raise NotAllowed("You can only answer for yourself.")
    if not is_member(by, health_check.partnership):
        raise NotAllowed("Only the partnership's members answer its health-check.")
    _require_verified(by, "answer the health-check")
    if not health_check.is_open(clock.now()):
        raise PartnershipError("This round is closed: answers can no longer be changed.")
    pairs = {pair.id: pair for pair in theme.checklist}
    if set(answers) - set(pairs):
        raise PartnershipError("Answer only the items of this theme.")
    allowed = {rating.value for rating in Rating}
    saved = answers_of(health_check, member)
    for number, pair in enumerate(theme.checklist, start=1):
        given = answers.get(pair.id, ItemAnswer())
        if given.rating and given.rating not in allowed:
            raise PartnershipError(
                f"Item {number}: choose one of the answers on the scale, or don't know.", field=f"rating-{pair.id}-0"
            )
        if len(given.comment.strip()) > COMMENT_MAX:
            raise PartnershipError(
                f"Item {number}: keep the comment to {COMMENT_MAX} characters or fewer.", field=f"comment-{pair.id}"
            )
        if given.comment.strip() and not given.rating and pair.id not in saved:
            raise PartnershipError(
                f"Item {number}: choose an answer to go with your comment.", field=f"rating-{pair.id}-0"
            )
    if trend and trend not in {choice.value for choice in Trend}:
        raise PartnershipError("Choose better, the same or worse, or leave the question unanswered.", field="trend-0")

    for pair_id, given in answers.items():
        existing = saved.get(pair_id)
        if not given.rating and existing is None:
            continue
        if existing is None:
            existing = Answer(round_id=health_check.id, user_id=member.id, pair_id=pair_id)
            db.session.add(existing)
        existing.rating = given.rating or existing.rating
        existing.comment = given.comment.strip()
        existing.wording = wording_key(pairs[pair_id].do_text, pairs[pair_id].dont_text)
        existing.updated_at = clock.now()
    if trend:
        row = db.session.scalar(
            select(ThemeTrend).where(
                ThemeTrend.round_id == health_check.id, ThemeTrend.user_id == member.id, ThemeTrend.theme_id == theme.id
            )
        )
        if row is None:
            db.session.add(ThemeTrend(round_id=health_check.id, user_id=member.id, theme_id=theme.id, trend=trend))
        else:
            row.trend = trend
    db.session.commit()
    return len(answers_of(health_check, member))


def answered_per_theme(health_check: HealthCheckRound, member: User) -> dict[int, int]:
    """How many of each theme's items the member has answered (their own progress)."""
    rows = db.session.execute(
        select(ChecklistPair.theme_id, func.count(Answer.id))
        .join(Answer, Answer.pair_id == ChecklistPair.id)
        .where(Answer.round_id == health_check.id, Answer.user_id == member.id)
        .group_by(ChecklistPair.theme_id)
    )
    return dict(rows.all())


def respondent_count(health_check: HealthCheckRound) -> int:
    # Former members count too (kb.partnerships.erasure): COUNT(DISTINCT) leaves out the NULLs.
    return db.session.scalar(
        select(
            func.count(func.distinct(Answer.user_id)) + func.count(func.distinct(Answer.former_respondent_id))
        ).where(Answer.round_id == health_check.id)
    )
