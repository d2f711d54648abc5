"""A closed round's results, worked out on the server as kb/partnerships/results/disclosure.py allows: a
figure it withholds is never worked out for a page, so it cannot reach one.

- Nothing while the round is open, nothing below the minimum of respondents
  (KB_HEALTHCHECK_MIN_RESPONDENTS, at least 3, 5 by default).
- An item's share needs that many answers on the scale, its rate of "don't know" that many answers.
- Sector figures and the public/voluntary gap need that many respondents in each sector shown, and
  none or that many in the other sectors together; on an item, the same of its answers on the scale.
- A theme's figures pool only its items' figures that are shown.
- "Don't know" never counts in a share: it has its own rate (25% or more: an awareness gap).
- Comments are shown without names or sectors, in alphabetical order (not the order given).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from kb.collections.service import for_theme as collections_for_theme
from kb.library.models import Kind
from kb.library.queries import latest_for_theme, newest_published
from kb.library.tags import tags_with_counts
from kb.partnerships.models import (
    Answer,
    FormerRespondent,
    HealthCheckRound,
    Membership,
    ThemeTrend,
    Trend,
)
from kb.partnerships.results.disclosure import PUBLIC, VOLUNTARY, Rule, Shown, pooled
from kb.partnerships.results.tally import Tally
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import ChecklistPair, Theme

AWARENESS_GAP_RATE = 25  # per cent answering "don't know"
GAP_HIGHLIGHT = 20  # points between the public and voluntary sectors' shares
WEAK_SHARE = 50  # an item with fewer positive answers than this gets a reading list


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


def figures_from(shown: Shown) -> Figures:
    """The figures of an item or theme, from the tallies disclosure.py lets through."""
    figures = Figures()
    if shown.rate is not None:
        figures.dont_know_rate = shown.rate.dont_know_rate()
        figures.awareness_gap = figures.dont_know_rate >= AWARENESS_GAP_RATE
    if shown.share is not None:
        figures.share, figures.spread = shown.share.share(), shown.share.spread()
        figures.strong_disagreement = shown.share.strongly_disagree()
    if shown.public is not None and shown.voluntary is not None:
        figures.public_share, figures.voluntary_share = shown.public.share(), shown.voluntary.share()
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
    entries = [
        ReadingEntry(item.title, item.kind, item.path())
        for kind in (Kind.CASE_STUDY, Kind.LESSON)
        for item in latest_for_theme(theme, kind, limit=3)
    ]
    return entries + [
        ReadingEntry(collection.title, "collection", collection.path()) for collection in collections_for_theme(theme)
    ]


def matching_tags(pair: ChecklistPair, tags: list[str]) -> list[str]:
    """The tags named in the pair's Do or Don't as whole words ("volunteering", "third sector").
    Names shorter than four letters match too much to mean anything."""
    wording = f"{pair.do_text} {pair.dont_text}".lower()
    return [
        tag
        for tag in tags
        if len(tag) >= 4 and re.search(rf"(?<!\w){re.escape(tag.replace('-', ' '))}(?!\w)", wording.replace("-", " "))
    ]


def tagged_reading(pair: ChecklistPair, tags: list[str], already: list[ReadingEntry]) -> list[ReadingEntry]:
    """Published case studies and lessons tagged with what the pair speaks of, not listed already."""
    seen = {entry.path for entry in already}
    found = []
    for tag in matching_tags(pair, tags):
        for item in newest_published(tag=tag, limit=3):
            if item.path() not in seen:
                seen.add(item.path())
                found.append(ReadingEntry(item.title, item.kind, item.path()))
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
        .join(
            Membership,
            (Membership.user_id == Answer.user_id) & (Membership.partnership_id == health_check.partnership_id),
        )
        .where(Answer.round_id == health_check.id)
    ).all()
    former = db.session.execute(
        select(Answer.former_respondent_id, FormerRespondent.sector, Answer.pair_id, Answer.rating, Answer.comment)
        .join(FormerRespondent, FormerRespondent.id == Answer.former_respondent_id)
        .where(Answer.round_id == health_check.id)
    ).all()
    return [CountedAnswer(("member", row[0]), *row[1:]) for row in members] + [
        CountedAnswer(("former", row[0]), *row[1:]) for row in former
    ]


def round_results(health_check: HealthCheckRound, minimum: int) -> RoundResults:
    """The round's results as far as confidentiality allows (see the module's docstring)."""
    rows = answers_with_sectors(health_check)
    respondents = {row.respondent for row in rows}
    results, rule = RoundResults(respondents=len(respondents)), Rule(minimum)
    if health_check.is_open(clock.now()):
        results.withheld = "Results appear when the round closes, so that nobody's answers can be worked out."
        return results
    if not rule.enough(len(respondents)):
        results.withheld = (
            f"Results are shown only when at least {minimum} members have answered, so that "
            "nobody's answers can be worked out."
        )
        return results
    results.sectors_shown = rule.sectors_shown(
        Counter(sector for _person, sector in {(row.respondent, row.sector) for row in rows})
    )

    item_tally: dict[int, Tally] = {}
    item_sectors: dict[int, dict[str, Tally]] = {}
    comments: dict[int, list[str]] = {}
    for row in rows:
        item_tally.setdefault(row.pair_id, Tally()).add(row.rating)
        item_sectors.setdefault(row.pair_id, {}).setdefault(row.sector, Tally()).add(row.rating)
        if row.comment.strip():
            comments.setdefault(row.pair_id, []).append(row.comment.strip())
    trends = Counter(
        db.session.execute(
            select(ThemeTrend.theme_id, ThemeTrend.trend).where(ThemeTrend.round_id == health_check.id)
        ).all()
    )

    themes = db.session.scalars(select(Theme).order_by(Theme.position)).all()
    tags = None  # read once, and only when some item is weak
    for theme in themes:
        shown_items, items = [], []
        for number, pair in enumerate(theme.checklist, start=1):
            sectors = item_sectors.get(pair.id, {})
            split = (sectors.get(PUBLIC, Tally()), sectors.get(VOLUNTARY, Tally())) if results.sectors_shown else ()
            shown = rule.item(item_tally.get(pair.id, Tally()), *split)
            shown_items.append(shown)
            items.append(
                ItemResult(pair, number, figures_from(shown), sorted(comments.get(pair.id, []), key=str.lower))
            )
        weak = [item for item in items if item.weak]
        reading = reading_list(theme) if weak else []
        for item in weak:
            tags = tags if tags is not None else [tag.name for tag, _count in tags_with_counts()]
            item.reading = reading + tagged_reading(item.pair, tags, reading)
        trend_counts = {choice.value: trends[(theme.id, choice.value)] for choice in Trend}
        results.themes.append(
            ThemeResult(
                theme,
                figures_from(pooled(shown_items)),
                sorted(items, key=weakest_first),
                trend_counts if rule.enough(sum(trend_counts.values())) else None,
            )
        )
    return results
