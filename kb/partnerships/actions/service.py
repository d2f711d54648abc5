"""From results to action: the rules for a closed round's actions and its priority vote.

- Only coordinators record and change actions; every member of the partnership reads them.
- An action belongs to a closed round (it answers that round's results), addresses one checklist
  item or one whole theme, and has one owner: a member of the partnership, or a role typed in for
  someone who is not a member ("the CVS chief officer").
- A due date must be today or later when it is set: a date already past is nearly always a typo in
  the year. An action whose date has since passed keeps it when its status is updated (it is
  overdue, and the page says so, rather than quietly moved).
- Each member picks up to three checklist items per closed round as the partnership's priorities,
  and may change or withdraw their picks while voting is open. Items rather than actions, because
  the vote is what tells the coordinators where to act: items are there for every round (actions
  may be two, or none), and the same items can be compared from year to year.
- Voting opens when the round closes, and closes when a coordinator closes it or when the next
  round opens, whichever comes first; it never opens again.
- Votes are confidential like answers: no counts at all while voting is open (the page before and
  after one member's vote would differ by exactly their picks), then the counts as they stood at
  the close, frozen, and only if at least the minimum of members voted. Only members whose email
  address is verified vote, so that made-up accounts cannot make up the numbers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from kb.auth.models import User
from kb.partnerships.actions.models import (
    ACTION_NOTE_MAX,
    ACTION_STATUS_LABELS,
    ACTION_TITLE_MAX,
    OWNER_ROLE_MAX,
    PRIORITY_PICKS,
    HealthCheckAction,
    PriorityTally,
    PriorityVote,
)
from kb.partnerships.models import HealthCheckRound, Partnership
from kb.partnerships.service import (
    NotAllowed,
    NotFound,
    PartnershipError,
    is_coordinator,
    is_member,
    membership_of,
    why_unverified,
)
from kb.platform import clock
from kb.platform.dates import long_date
from kb.platform.extensions import db
from kb.platform.text import one_line
from kb.themes.models import ChecklistPair, Theme


class ActionInvalid(PartnershipError):
    """Every problem with an action's fields at once, each pointing at its field."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1], field=problems[0][0])
        self.problems = problems


@dataclass
class ActionFields:
    """An action as the form sent it: `addresses` is "item-<pair id>" or "theme-<theme id>", `owner`
    a member's user id as text, or "" when `owner_role` names someone outside the partnership."""

    title: str = ""
    addresses: str = ""
    owner: str = ""
    owner_role: str = ""
    due_on: date | None = None
    status: str = "not-started"
    note: str = ""


def _require_closed(health_check: HealthCheckRound, doing: str) -> None:
    if health_check.is_open(clock.now()):
        raise PartnershipError(f"{doing} once the round has closed and its results are out.")


def _addressed(addresses: str) -> tuple[ChecklistPair | None, Theme | None]:
    kind, _, number = (addresses or "").partition("-")
    if number.isdecimal() and len(number) < 10:
        if kind == "item":
            pair = db.session.get(ChecklistPair, int(number))
            if pair is not None:
                return pair, None
        if kind == "theme":
            theme = db.session.get(Theme, int(number))
            if theme is not None:
                return None, theme
    return None, None


def _checked(action: HealthCheckAction, fields: ActionFields) -> dict:
    """The action's new values, or ActionInvalid listing everything wrong."""
    problems: list[tuple[str, str]] = []
    partnership = action.health_check.partnership
    title = one_line(fields.title or "")
    if not 3 <= len(title) <= ACTION_TITLE_MAX:
        problems.append(("title", f"Say what will be done, in 3 to {ACTION_TITLE_MAX} characters"))
    pair, theme = _addressed(fields.addresses)
    if pair is None and theme is None:
        problems.append(("addresses", "Choose the checklist item or theme the action addresses"))
    owner, role = None, one_line(fields.owner_role or "")
    if fields.owner:
        owner = db.session.get(User, int(fields.owner)) if fields.owner.isdecimal() and len(fields.owner) < 10 else None
        if owner is None or membership_of(owner, partnership) is None:
            problems.append(("owner", "Choose the owner from the partnership's members, or type a role"))
        elif role:
            problems.append(("owner_role", "Choose a member or type a role, not both"))
    elif not role:
        problems.append(("owner", "Choose who owns the action: a member, or type a role"))
    elif len(role) > OWNER_ROLE_MAX:
        problems.append(("owner_role", f"Keep the role to {OWNER_ROLE_MAX} characters or fewer"))
    today = clock.now().date()
    if fields.due_on is None:
        problems.append(("due_on", "Enter the due date, for example 2027-03-31"))
    elif fields.due_on < today and fields.due_on != (action.due_on if action.id else None):
        problems.append(("due_on", "The due date must be today or later"))
    if fields.status not in ACTION_STATUS_LABELS:
        problems.append(("status", "Choose the action's status from the list"))
    note = (fields.note or "").strip()
    if len(note) > ACTION_NOTE_MAX:
        problems.append(("note", f"Keep the note to {ACTION_NOTE_MAX} characters or fewer"))
    if problems:
        raise ActionInvalid(problems)
    return {
        "title": title,
        "pair_id": pair.id if pair else None,
        "theme_id": theme.id if theme else None,
        "owner_id": owner.id if owner else None,
        "owner_role": "" if owner else role,
        "due_on": fields.due_on,
        "status": fields.status,
        "note": note,
    }


def record_action(health_check: HealthCheckRound, fields: ActionFields, by: User) -> HealthCheckAction:
    """A coordinator records what the partnership will do about the round's results."""
    if not is_coordinator(by, health_check.partnership):
        raise NotAllowed("Only the partnership's coordinators record actions.")
    _require_closed(health_check, "Actions can be recorded")
    action = HealthCheckAction(round_id=health_check.id, health_check=health_check)
    values = _checked(action, fields)
    for name, value in values.items():
        setattr(action, name, value)
    action.created_by_id, action.created_at = by.id, clock.now()
    action.updated_at = action.created_at
    db.session.add(action)
    db.session.commit()
    return action


def update_action(action: HealthCheckAction, fields: ActionFields, by: User) -> None:
    """A coordinator changes an action: its status as work goes on, or anything else about it."""
    if not is_coordinator(by, action.health_check.partnership):
        raise NotAllowed("Only the partnership's coordinators change actions.")
    values = _checked(action, fields)
    for name, value in values.items():
        setattr(action, name, value)
    action.updated_at = clock.now()
    db.session.commit()


def visible_action(action_id: int, user: User) -> HealthCheckAction:
    action = db.session.get(HealthCheckAction, action_id)
    if action is None or not is_member(user, action.health_check.partnership):
        raise NotFound("There is no action here.")
    return action


def actions_of(health_check: HealthCheckRound) -> list[HealthCheckAction]:
    """The round's actions, soonest due first."""
    return list(
        db.session.scalars(
            select(HealthCheckAction)
            .where(HealthCheckAction.round_id == health_check.id)
            .options(
                selectinload(HealthCheckAction.owner),
                selectinload(HealthCheckAction.pair),
                selectinload(HealthCheckAction.theme),
            )
            .order_by(HealthCheckAction.due_on, HealthCheckAction.id)
        )
    )


def round_before(health_check: HealthCheckRound) -> HealthCheckRound | None:
    """The partnership's latest closed round opened before this one: "last round"."""
    now = clock.now()
    earlier = [
        other for other in health_check.partnership.rounds if other.id < health_check.id and not other.is_open(now)
    ]
    return max(earlier, key=lambda other: other.id, default=None)


def latest_closed_round(partnership: Partnership) -> HealthCheckRound | None:
    now = clock.now()
    return max(
        (other for other in partnership.rounds if not other.is_open(now)), key=lambda other: other.id, default=None
    )


def item_number(pair: ChecklistPair) -> int:
    """The pair's place in its theme, as the leaflet numbers it (and as the results do)."""
    return next(number for number, other in enumerate(pair.theme.checklist, start=1) if other.id == pair.id)


# ---- the priority vote -------------------------------------------------------------------------


def voting_is_open(health_check: HealthCheckRound) -> bool:
    """From the round's closing until a coordinator closes the vote or the next round opens."""
    return not health_check.is_open(clock.now()) and health_check.voting_closed_at is None


def _require_voting_open(health_check: HealthCheckRound) -> None:
    _require_closed(health_check, "Voting on priorities opens")
    if health_check.voting_closed_at is not None:
        raise PartnershipError(
            f"Voting on the priorities of the health-check {health_check.name} closed on "
            f"{long_date(health_check.voting_closed_at)}. Your vote has not changed."
        )


def vote_for_priorities(health_check: HealthCheckRound, pair_ids: list[str], member: User, by: User) -> int:
    """Replace `member`'s picks with `pair_ids` (none withdraws the vote). Checked whole before
    anything is written: a refused vote leaves the earlier one as it was. Returns how many picks."""
    if member.id != by.id:
        raise NotAllowed("You can only vote for yourself.")
    if not is_member(by, health_check.partnership):
        raise NotAllowed("Only the partnership's members vote on its priorities.")
    unverified = why_unverified(by, "vote on the partnership's priorities")
    if unverified:
        raise NotAllowed(unverified)
    _require_voting_open(health_check)
    chosen = list(dict.fromkeys(pair_ids))
    if len(chosen) > PRIORITY_PICKS:
        raise PartnershipError(
            f"Choose up to {PRIORITY_PICKS} items: you chose {len(chosen)}. Your vote has not changed."
        )
    pairs = [
        db.session.get(ChecklistPair, int(number)) if number.isdecimal() and len(number) < 10 else None
        for number in chosen
    ]
    if any(pair is None for pair in pairs):
        raise PartnershipError("Choose items from the checklist. Your vote has not changed.")
    db.session.execute(
        delete(PriorityVote).where(PriorityVote.round_id == health_check.id, PriorityVote.user_id == member.id)
    )
    db.session.add_all(
        PriorityVote(round_id=health_check.id, user_id=member.id, pair_id=pair.id, voted_at=clock.now())
        for pair in pairs
    )
    db.session.commit()
    return len(pairs)


def picks_of(health_check: HealthCheckRound, member: User) -> set[int]:
    """A member's own picks: for their own form only."""
    return set(
        db.session.scalars(
            select(PriorityVote.pair_id).where(
                PriorityVote.round_id == health_check.id, PriorityVote.user_id == member.id
            )
        )
    )


def voters_so_far(health_check: HealthCheckRound) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(PriorityVote.user_id))).where(PriorityVote.round_id == health_check.id)
    )


def freeze_votes(health_check: HealthCheckRound) -> None:
    """Close the vote: the counts as they stand now become the ones shown for good. For
    close_voting and for a new round's opening, which commit."""
    counts = Counter(db.session.scalars(select(PriorityVote.pair_id).where(PriorityVote.round_id == health_check.id)))
    health_check.priority_voters = voters_so_far(health_check)
    health_check.voting_closed_at = clock.now()
    db.session.add_all(
        PriorityTally(round_id=health_check.id, pair_id=pair_id, votes=votes) for pair_id, votes in counts.items()
    )


def close_voting(health_check: HealthCheckRound, by: User) -> None:
    """A coordinator closes the vote. For good: counts shown, then votes changed, then counts
    shown again would tell what changed."""
    if not is_coordinator(by, health_check.partnership):
        raise NotAllowed("Only the partnership's coordinators close the vote.")
    _require_closed(health_check, "The vote can be closed")
    if health_check.voting_closed_at is not None:
        raise PartnershipError("Voting on these priorities has already closed.")
    freeze_votes(health_check)
    db.session.commit()


@dataclass
class RankedPriority:
    pair: ChecklistPair
    number: int
    votes: int


@dataclass
class PriorityResults:
    """How many have voted (so far, or when voting closed), and either `withheld` saying why there
    are no counts or `ranked` holding them, most votes first."""

    voters: int
    closed: bool
    withheld: str = ""
    ranked: list[RankedPriority] = field(default_factory=list)


def priority_results(health_check: HealthCheckRound, minimum: int) -> PriorityResults:
    """Counts only once voting has closed, and only from the tally frozen then. While it is open
    each new vote would change the counts by exactly that member's picks; the number who have voted
    changes by one whatever they picked, so it may be shown."""
    if health_check.voting_closed_at is None:
        return PriorityResults(
            voters=voters_so_far(health_check),
            closed=False,
            withheld=(
                f"The counts are shown when voting closes, if at least {minimum} members voted: counts that changed "
                "with each vote would show what each member picked."
            ),
        )
    results = PriorityResults(voters=health_check.priority_voters or 0, closed=True)
    if results.voters < minimum:
        results.withheld = (
            f"Fewer than {minimum} members voted, so the counts are not shown: with so few, "
            "they could show what one member picked."
        )
        return results
    tallies = db.session.scalars(
        select(PriorityTally)
        .where(PriorityTally.round_id == health_check.id)
        .options(selectinload(PriorityTally.pair).selectinload(ChecklistPair.theme))
    ).all()
    ranked = [RankedPriority(row.pair, item_number(row.pair), row.votes) for row in tallies]
    results.ranked = sorted(ranked, key=lambda row: (-row.votes, row.pair.theme.position, row.number))
    return results
