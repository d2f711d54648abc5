"""A closed round's results, with confidentiality kept here, on the server: a figure from too few
people is never worked out for a page, so it cannot reach one.

- Nothing while the round is open, nothing below the minimum of respondents
  (KB_HEALTHCHECK_MIN_RESPONDENTS, at least 3, 5 by default).
- An item's or theme's share needs that many answers on the scale.
- Sector figures and the public/voluntary gap need that many respondents in each sector shown,
  and on an item that many scale answers from each sector.
- "Don't know" never counts in a share: it has its own rate (25% or more: an awareness gap).
- Comments are shown without names or sectors, in alphabetical order (not the order given).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from kb import clock
from kb.collections.service import for_theme as collections_for_theme
from kb.common.vocabulary import Sector
from kb.extensions import db
from kb.library.kinds import item_path
from kb.library.models import Kind
from kb.library.queries import latest_for_theme, newest_published
from kb.library.tags import tags_with_counts
from kb.partnerships.models import (
    POSITIVE,
    SCALE,
    Answer,
    FormerRespondent,
    HealthCheckRound,
    Membership,
    Rating,
    ThemeTrend,
    Trend,
)
from kb.themes.models import ChecklistPair, Theme

AWARENESS_GAP_RATE = 25  # per cent answering "don't know"
GAP_HIGHLIGHT = 20  # points between the public and voluntary sectors' shares
STRONG_DISAGREEMENT_SHARE = 0.2  # each end of the scale holding at least a fifth of the answers
WEAK_SHARE = 50  # an item with fewer positive answers than this gets a reading list
SCORES = {Rating.CONSISTENTLY: 4, Rating.MOSTLY: 3, Rating.SOMETIMES_DONT: 2, Rating.CONSISTENTLY_DONT: 1}
PUBLIC, VOLUNTARY = Sector.PUBLIC_BODY.value, Sector.VOLUNTARY_OR_COMMUNITY.value


@dataclass
class Tally:
    """Counts of each rating in a group of answers, and the figures worked out from them."""

    counts: Counter = field(default_factory=Counter)

    def add(self, rating: str) -> None:
        self.counts[rating] += 1

    @property
    def on_scale(self) -> int:
        return sum(self.counts[rating] for rating in SCALE)

    @property
    def answered(self) -> int:
        return self.on_scale + self.counts[Rating.DONT_KNOW]

    def share(self) -> float:
        """Per cent of scale answers that are "consistently" or "mostly"; don't know left out."""
        return 100 * sum(self.counts[rating] for rating in POSITIVE) / self.on_scale

    def dont_know_rate(self) -> float:
        return 100 * self.counts[Rating.DONT_KNOW] / self.answered

    def spread(self) -> float:
        """Standard deviation of the scores 4 (consistently) to 1 (consistently the Don't)."""
        scores = [SCORES[rating] for rating in SCALE for _ in range(self.counts[rating])]
        mean = sum(scores) / len(scores)
        return math.sqrt(sum((score - mean) ** 2 for score in scores) / len(scores))

    def strongly_disagree(self) -> bool:
        """Answers at both ends of the scale, each end given by at least a fifth: a split that an
        average would hide."""
        ends = (self.counts[Rating.CONSISTENTLY], self.counts[Rating.CONSISTENTLY_DONT])
        return all(end >= STRONG_DISAGREEMENT_SHARE * self.on_scale for end in ends) and min(ends) > 0


@dataclass
class Figures:
    """What a page may show of one item or theme; None where the figure is withheld or empty."""

    share: float | None = None
    spread: float | None = None
    strong_disagreement: bool = False
    dont_know_rate: float | None = None
    awareness_gap: bool = False
    public_share: float | None = None
    voluntary_share: float | None = None

    @property
    def gap(self) -> float | None:
        if self.public_share is None or self.voluntary_share is None:
            return None
        return self.public_share - self.voluntary_share

    @property
    def gap_highlighted(self) -> bool:
        return self.gap is not None and abs(self.gap) >= GAP_HIGHLIGHT


def figures_from(tally: Tally, by_sector: dict[str, Tally], minimum: int, sectors_shown: bool) -> Figures:
    figures = Figures()
    if tally.answered >= minimum:
        figures.dont_know_rate = tally.dont_know_rate()
        figures.awareness_gap = figures.dont_know_rate >= AWARENESS_GAP_RATE
    if tally.on_scale >= minimum:
        figures.share, figures.spread = tally.share(), tally.spread()
        figures.strong_disagreement = tally.strongly_disagree()
    if sectors_shown and all(by_sector[sector].on_scale >= minimum for sector in (PUBLIC, VOLUNTARY)):
        figures.public_share = by_sector[PUBLIC].share()
        figures.voluntary_share = by_sector[VOLUNTARY].share()
    return figures


@dataclass
class ReadingEntry:
    title: str
    kind: str
    path: str


@dataclass
class ItemResult:
    pair: ChecklistPair
    number: int  # the pair's place in its theme, as the leaflet numbers it
    figures: Figures
    comments: list[str]
    reading: list[ReadingEntry] = field(default_factory=list)

    @property
    def weak(self) -> bool:
        return self.figures.share is not None and self.figures.share < WEAK_SHARE


@dataclass
class ThemeResult:
    theme: Theme
    figures: Figures
    items: list[ItemResult]  # weakest first
    trend: dict[str, int] | None  # better/same/worse counts, when enough answered


@dataclass
class RoundResults:
    """Either `withheld` says why there is nothing to show, or `themes` holds what may be shown."""

    respondents: int
    withheld: str = ""
    sectors_shown: bool = False
    themes: list[ThemeResult] = field(default_factory=list)

    @property
    def weak_items(self) -> list[ItemResult]:
        items = [item for theme in self.themes for item in theme.items if item.weak]
        return sorted(items, key=lambda item: item.figures.share)


def weakest_first(item: ItemResult):
    share = item.figures.share
    return (share is None, share if share is not None else 0, item.pair.theme.position, item.number)


def reading_list(theme: Theme) -> list[ReadingEntry]:
    """Published case studies and lessons on the theme, newest first, then its collections."""
    entries = [ReadingEntry(item.title, item.kind, item_path(item))
               for kind in (Kind.CASE_STUDY, Kind.LESSON) for item in latest_for_theme(theme, kind, limit=3)]
    return entries + [ReadingEntry(collection.title, "collection", collection.path())
                      for collection in collections_for_theme(theme)]


def matching_tags(pair: ChecklistPair, tags: list[str]) -> list[str]:
    """The tags named in the pair's Do or Don't as whole words ("volunteering", "third sector").
    Names shorter than four letters match too much to mean anything."""
    wording = f"{pair.do_text} {pair.dont_text}".lower()
    return [tag for tag in tags if len(tag) >= 4
            and re.search(rf"(?<!\w){re.escape(tag.replace('-', ' '))}(?!\w)", wording.replace("-", " "))]


def tagged_reading(pair: ChecklistPair, tags: list[str], already: list[ReadingEntry]) -> list[ReadingEntry]:
    """Published case studies and lessons tagged with what the pair speaks of, not listed already."""
    seen = {entry.path for entry in already}
    found = []
    for tag in matching_tags(pair, tags):
        for item in newest_published(tag=tag, limit=3):
            if item_path(item) not in seen:
                seen.add(item_path(item))
                found.append(ReadingEntry(item.title, item.kind, item_path(item)))
    return found


@dataclass(frozen=True)
class CountedAnswer:
    respondent: tuple  # ("member", id) or ("former", id): one person either way
    sector: str
    pair_id: int
    rating: str
    comment: str


def answers_with_sectors(health_check: HealthCheckRound) -> list[CountedAnswer]:
    """The round's answers with the sector each respondent answered for: a member's from their
    membership; a former member's (kb.partnerships.erasure) from what was kept of them."""
    members = db.session.execute(
        select(Answer.user_id, Membership.sector, Answer.pair_id, Answer.rating, Answer.comment)
        .join(Membership, (Membership.user_id == Answer.user_id)
              & (Membership.partnership_id == health_check.partnership_id))
        .where(Answer.round_id == health_check.id)).all()
    former = db.session.execute(
        select(Answer.former_respondent_id, FormerRespondent.sector, Answer.pair_id, Answer.rating, Answer.comment)
        .join(FormerRespondent, FormerRespondent.id == Answer.former_respondent_id)
        .where(Answer.round_id == health_check.id)).all()
    return ([CountedAnswer(("member", row[0]), *row[1:]) for row in members]
            + [CountedAnswer(("former", row[0]), *row[1:]) for row in former])


def round_results(health_check: HealthCheckRound, minimum: int) -> RoundResults:
    """The round's results as far as confidentiality allows (see the module's docstring)."""
    rows = answers_with_sectors(health_check)
    respondents = {row.respondent for row in rows}
    results = RoundResults(respondents=len(respondents))
    if health_check.is_open(clock.now()):
        results.withheld = "Results appear when the round closes, so that nobody's answers can be worked out."
        return results
    if len(respondents) < minimum:
        results.withheld = (f"Results are shown only when at least {minimum} members have answered, so that "
                            "nobody's answers can be worked out.")
        return results
    sector_people = Counter(sector for _person, sector in {(row.respondent, row.sector) for row in rows})
    results.sectors_shown = all(sector_people[sector] >= minimum for sector in (PUBLIC, VOLUNTARY))

    item_tally: dict[int, Tally] = {}
    item_sectors: dict[int, dict[str, Tally]] = {}
    comments: dict[int, list[str]] = {}
    for row in rows:
        item_tally.setdefault(row.pair_id, Tally()).add(row.rating)
        item_sectors.setdefault(row.pair_id, {PUBLIC: Tally(), VOLUNTARY: Tally()})
        if row.sector in (PUBLIC, VOLUNTARY):
            item_sectors[row.pair_id][row.sector].add(row.rating)
        if row.comment.strip():
            comments.setdefault(row.pair_id, []).append(row.comment.strip())
    trends = Counter(db.session.execute(select(ThemeTrend.theme_id, ThemeTrend.trend)
                                        .where(ThemeTrend.round_id == health_check.id)).all())

    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    tags = None  # read once, and only when some item is weak
    for theme in themes:
        theme_tally, theme_sectors, items = Tally(), {PUBLIC: Tally(), VOLUNTARY: Tally()}, []
        for number, pair in enumerate(theme.checklist, start=1):
            tally = item_tally.get(pair.id, Tally())
            sectors = item_sectors.get(pair.id, {PUBLIC: Tally(), VOLUNTARY: Tally()})
            theme_tally.counts.update(tally.counts)
            for sector in (PUBLIC, VOLUNTARY):
                theme_sectors[sector].counts.update(sectors[sector].counts)
            items.append(ItemResult(pair, number, figures_from(tally, sectors, minimum, results.sectors_shown),
                                    sorted(comments.get(pair.id, []), key=str.lower)))
        weak = [item for item in items if item.weak]
        reading = reading_list(theme) if weak else []
        for item in weak:
            tags = tags if tags is not None else [tag.name for tag, _count in tags_with_counts()]
            item.reading = reading + tagged_reading(item.pair, tags, reading)
        trend_counts = {choice.value: trends[(theme.id, choice.value)] for choice in Trend}
        results.themes.append(ThemeResult(
            theme, figures_from(theme_tally, theme_sectors, minimum, results.sectors_shown),
            sorted(items, key=weakest_first),
            trend_counts if sum(trend_counts.values()) >= minimum else None))
    return results
