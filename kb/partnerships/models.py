"""Partnerships, their members and invitations, and health-check rounds with their answers.

Answers point at ChecklistPair ids, which stay the same from round to round, so one item can be
compared across rounds."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.auth.models import User
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.vocabulary import SECTOR_LABELS, Sector
from kb.themes.models import ChecklistPair, Theme

NAME_MAX = 150
DESCRIPTION_MAX = 2_000
ROUND_NAME_MAX = 60
COMMENT_MAX = 1_000

# The sectors a member answers for: the leaflet speaks of public bodies and the third sector.
MEMBER_SECTORS = (Sector.PUBLIC_BODY, Sector.VOLUNTARY_OR_COMMUNITY, Sector.OTHER)
MEMBER_SECTOR_LABELS = {sector.value: SECTOR_LABELS[sector] for sector in MEMBER_SECTORS}


class Rating(StrEnum):
    """The four anchored points (no neutral midpoint), and "don't know", which is no score at all."""

    CONSISTENTLY = "consistently"
    MOSTLY = "mostly"
    SOMETIMES_DONT = "sometimes-dont"
    CONSISTENTLY_DONT = "consistently-dont"
    DONT_KNOW = "dont-know"


RATING_LABELS = {
    Rating.CONSISTENTLY: "We consistently do this",
    Rating.MOSTLY: "Mostly",
    Rating.SOMETIMES_DONT: "Sometimes we fall into the Don't",
    Rating.CONSISTENTLY_DONT: "We consistently fall into the Don't",
    Rating.DONT_KNOW: "Don't know (I haven't enough information to judge)",
}
SCALE = (Rating.CONSISTENTLY, Rating.MOSTLY, Rating.SOMETIMES_DONT, Rating.CONSISTENTLY_DONT)
POSITIVE = (Rating.CONSISTENTLY, Rating.MOSTLY)


class Trend(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


TREND_LABELS = {Trend.BETTER: "Better", Trend.SAME: "The same", Trend.WORSE: "Worse"}


class Partnership(db.Model):
    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    region: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # The coordinators' choice: the map of local organisations as a public directory.
    directory_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Red/amber/green bands are the partnership's own choice of cut-offs (per cent positive), not a
    # league table: a share from green_from up is green, from amber_from up amber, below that red.
    green_from: Mapped[int | None] = mapped_column(Integer)
    amber_from: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="partnership", order_by="Membership.id", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[HealthCheckRound]] = relationship(
        back_populates="partnership", order_by="HealthCheckRound.id.desc()", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    """A member of a partnership, and the sector they answer for in it."""

    __tablename__ = "partnership_memberships"
    __table_args__ = (UniqueConstraint("partnership_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(40))
    is_coordinator: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)

    partnership: Mapped[Partnership] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def sector_label(self) -> str:
        return MEMBER_SECTOR_LABELS.get(self.sector, self.sector)


class Invitation(db.Model):
    """A link that lets whoever holds it join, until it expires or is revoked: shared by the
    coordinator, or mailed by the site to one address (`email`)."""

    __tablename__ = "partnership_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    email: Mapped[str | None] = mapped_column(String(254))  # mailed to this address by the site

    partnership: Mapped[Partnership] = relationship()

    def usable(self, at: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > at


class HealthCheckRound(db.Model):
    """One health-check ("2026"): open until a coordinator closes it or its closing date passes.
    Then its priority vote is open, until a coordinator closes that too or the next round opens
    (kb.partnerships.actions)."""

    __tablename__ = "healthcheck_rounds"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(ROUND_NAME_MAX))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    closes_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    voting_closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # How many members had voted when voting closed: the counts shown are the ones frozen then.
    priority_voters: Mapped[int | None] = mapped_column(Integer)
    # When the members were told its results are ready (or found there was nothing to tell).
    results_told_at: Mapped[datetime | None] = mapped_column(DateTime)

    partnership: Mapped[Partnership] = relationship(back_populates="rounds")

    def is_open(self, at: datetime) -> bool:
        # The closing date is the last day for answers.
        return self.closed_at is None and (self.closes_on is None or at.date() <= self.closes_on)

    def path(self) -> str:
        """The round's page: its questions while open, its results once closed."""
        return f"/partnerships/rounds/{self.id}"


class RoundReminder(db.Model):
    """A member was reminded that a round closes soon: each member is reminded once a round."""

    __tablename__ = "healthcheck_reminders"

    round_id: Mapped[int] = mapped_column(ForeignKey("healthcheck_rounds.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)


WORDING_KEY_LENGTH = 16


def wording_key(do_text: str, dont_text: str) -> str:
    """A short fingerprint of a pair's Do and Don't as worded: answers to different wordings of the
    same item are not answers to the same question. Spacing alone is no change of wording."""
    words = "\n".join(" ".join(text.split()) for text in (do_text, dont_text))
    return hashlib.sha256(words.encode()).hexdigest()[:WORDING_KEY_LENGTH]


class FormerRespondent(db.Model):
    """Someone who answered a round and has since deleted their account (kb.partnerships.erasure).

    Their answers still count, so a closed round's figures do not change; they point here instead
    of at the account. The row holds only what the results need (one respondent, and the sector
    they answered for): nothing leads back to who it was."""

    __tablename__ = "healthcheck_former_respondents"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("healthcheck_rounds.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(40))


class Answer(db.Model):
    """One member's answer to one checklist pair in one round. Never shown to anyone as it is."""

    __tablename__ = "healthcheck_answers"
    __table_args__ = (UniqueConstraint("round_id", "user_id", "pair_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("healthcheck_rounds.id", ondelete="CASCADE"), index=True)
    # None once the member deleted their account: former_respondent_id then says whose answers these were.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    former_respondent_id: Mapped[int | None] = mapped_column(
        ForeignKey("healthcheck_former_respondents.id", ondelete="CASCADE"), index=True
    )
    pair_id: Mapped[int] = mapped_column(ForeignKey("checklist_pairs.id", ondelete="CASCADE"))
    rating: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now)
    # The pair's wording as answered (see wording_key): rounds are compared only where it is the same.
    wording: Mapped[str] = mapped_column(String(WORDING_KEY_LENGTH), default="", server_default="")

    pair: Mapped[ChecklistPair] = relationship()


class ThemeTrend(db.Model):
    """A member's "better, the same or worse than a year ago?" for one theme in one round."""

    __tablename__ = "healthcheck_theme_trends"
    __table_args__ = (UniqueConstraint("round_id", "user_id", "theme_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("healthcheck_rounds.id", ondelete="CASCADE"), index=True)
    # None once the member deleted their account: trends are counted, never read per person.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    trend: Mapped[str] = mapped_column(String(10))

    theme: Mapped[Theme] = relationship()


# What kind of body an organisation on a partnership's map is (the list, and "other").
ORGANISATION_KINDS = (
    "council",
    "health body",
    "police",
    "fire and rescue",
    "school or college",
    "charity",
    "community group",
    "faith group",
    "social enterprise",
    "infrastructure body",
    "funder",
    "other",
)
ORGANISATION_NAME_MAX = 200
AREA_MAX = 120
WEBSITE_MAX = 300
ACTIVITY_MAX = 1_000
CONTACT_ROLE_MAX = 120


class Organisation(db.Model):
    """One local organisation on a partnership's map: the checklist's first Do, "map and understand
    the local third sector and range of public sector bodies"."""

    __tablename__ = "partnership_organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(ORGANISATION_NAME_MAX))
    sector: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    area: Mapped[str] = mapped_column(String(AREA_MAX), default="")
    website: Mapped[str] = mapped_column(String(WEBSITE_MAX), default="")
    activity: Mapped[str] = mapped_column(Text, default="")  # what they do
    contact_role: Mapped[str] = mapped_column(String(CONTACT_ROLE_MAX), default="")

    @property
    def sector_label(self) -> str:
        return SECTOR_LABELS.get(self.sector, self.sector)
