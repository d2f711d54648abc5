"""From results to action: what a partnership resolves to do after a closed round, and each
member's vote for the three checklist items that matter most to them.

Kept apart from models.py so that the health-check's own tables read as one story (partnerships,
rounds, answers) and this one as the next (actions and priorities)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.auth.models import User
from kb.partnerships.models import HealthCheckRound
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import ChecklistPair, Theme

ACTION_TITLE_MAX = 200
OWNER_ROLE_MAX = 120
ACTION_NOTE_MAX = 2_000
PRIORITY_PICKS = 3  # the "top three priorities"


class ActionStatus(StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"


ACTION_STATUS_LABELS = {
    ActionStatus.NOT_STARTED: "Not started",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.DROPPED: "Dropped",
}
# An action still to do can be overdue; one done or dropped is finished, whatever its date said.
FINISHED = (ActionStatus.DONE, ActionStatus.DROPPED)


class HealthCheckAction(db.Model):
    """One thing the partnership will do about a closed round's results: what, about which item or
    theme, who owns it (a member, or a role such as "CVS chief officer"), by when, and how it goes."""

    __tablename__ = "healthcheck_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("healthcheck_rounds.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(ACTION_TITLE_MAX))
    # Exactly one of the two: an item of the checklist, or a whole theme.
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_pairs.id", ondelete="SET NULL"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    # Exactly one of the two: a member of the partnership, or a role typed in.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    owner_role: Mapped[str] = mapped_column(String(OWNER_ROLE_MAX), default="")
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.NOT_STARTED.value)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    health_check: Mapped[HealthCheckRound] = relationship()
    pair: Mapped[ChecklistPair | None] = relationship()
    theme: Mapped[Theme | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS.get(self.status, self.status)

    def overdue(self, today: date) -> bool:
        return self.status not in FINISHED and self.due_on < today


class PriorityVote(db.Model):
    """One of a member's (up to three) picks among a closed round's checklist items. Never shown
    per person, nor counted on any page while voting is open (PriorityTally)."""

    __tablename__ = "healthcheck_priority_votes"
    __table_args__ = (UniqueConstraint("round_id", "user_id", "pair_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("healthcheck_rounds.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("checklist_pairs.id", ondelete="CASCADE"))
    voted_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    pair: Mapped[ChecklistPair] = relationship()


class PriorityTally(db.Model):
    """How many members picked one item, as it stood when the round's voting closed. The pages
    show these, never a count of the votes as they are: a vote changed or taken away afterwards
    (an account deleted) would otherwise change a count, and the change would be that member's picks."""

    __tablename__ = "healthcheck_priority_tallies"
    __table_args__ = (UniqueConstraint("round_id", "pair_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("healthcheck_rounds.id", ondelete="CASCADE"), index=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("checklist_pairs.id", ondelete="CASCADE"))
    votes: Mapped[int] = mapped_column(Integer)

    pair: Mapped[ChecklistPair] = relationship()
