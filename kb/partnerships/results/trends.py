"""Change over a partnership's last three closed rounds, per theme and per item, under the same
rule as a round's results (kb/partnerships/results/disclosure.py): a round with fewer respondents than the
minimum shows nothing, a share needs that many answers on the scale, a theme's share pools only its
items' shares that are shown in that round, and a change is worked out only between shares that
are both shown (for a theme: pooling the items shown in both rounds), so it gives none away.

An item is compared only with rounds that asked it in the same words: each answer records the
wording it answered (Answer.wording). Where the wording changed, the item starts afresh, and a
round in which answers were given to two wordings compares with no other. A theme's change pools
only the items worded the same in both rounds, so a reworded item cannot move its theme."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kb.partnerships.models import Answer, HealthCheckRound, Membership
from kb.partnerships.results.disclosure import Rule, Shown, pooled
from kb.partnerships.results.tally import Tally
from kb.platform import clock
from kb.platform.extensions import db
from kb.themes.models import Theme

ROUNDS_COMPARED = 3


@dataclass
class Point:
    """One round's positive share (None: withheld or empty) and its change in points from the
    previous comparable round (None: nothing to compare with)."""

    round_name: str
    share: float | None = None
    change: float | None = None
    compared_with: str = ""  # the earlier round's name, when there is a change
    # Asked in the same words as in the latest round: only then is the share set beside it.
    same_wording: bool = True


@dataclass
class Series:
    points: list[Point] = field(default_factory=list)  # oldest round first
    reworded: bool = False  # the item was asked in different words within these rounds

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def earlier(self) -> list[Point]:
        """The rounds before the latest that asked the item in the same words, oldest first."""
        return [point for point in self.points[:-1] if point.same_wording]


@dataclass
class RoundTrends:
    round_names: list[str] = field(default_factory=list)  # oldest first; the round itself last
    themes: dict[int, Series] = field(default_factory=dict)  # by theme id
    items: dict[int, Series] = field(default_factory=dict)  # by pair id

    @property
    def compared(self) -> bool:
        return len(self.round_names) > 1


def rounds_compared(health_check: HealthCheckRound) -> list[HealthCheckRound]:
    """The round and the closed rounds before it, at most three, oldest first; none while it is open."""
    now = clock.now()
    if health_check.is_open(now):
        return []
    earlier = db.session.scalars(
        select(HealthCheckRound)
        .where(HealthCheckRound.partnership_id == health_check.partnership_id)
        .order_by(HealthCheckRound.opened_at.desc(), HealthCheckRound.id.desc())
    ).all()
    closed = [
        round_
        for round_ in earlier
        if not round_.is_open(now) and (round_.opened_at, round_.id) <= (health_check.opened_at, health_check.id)
    ]
    return list(reversed(closed[:ROUNDS_COMPARED]))


@dataclass
class _RoundAnswers:
    rule: Rule
    shown: bool  # enough respondents for anything to be shown
    tallies: dict[int, Tally] = field(default_factory=dict)  # by pair id
    wordings: dict[int, set[str]] = field(default_factory=dict)  # by pair id

    def item(self, pair_id: int) -> Shown:
        """What may be shown of the item's answers in this round."""
        return self.rule.item(self.tallies.get(pair_id, Tally())) if self.shown else Shown()


def _answers_of(rounds: list[HealthCheckRound], rule: Rule) -> list[_RoundAnswers]:
    round_ids = [round_.id for round_ in rounds]
    members = db.session.execute(
        select(Answer.round_id, Answer.user_id, Answer.pair_id, Answer.rating, Answer.wording)
        .join(HealthCheckRound, HealthCheckRound.id == Answer.round_id)
        .join(
            Membership,
            (Membership.user_id == Answer.user_id) & (Membership.partnership_id == HealthCheckRound.partnership_id),
        )
        .where(Answer.round_id.in_(round_ids))
    ).all()
    # Those who answered and have since deleted their account still count (kb.partnerships.erasure).
    former = db.session.execute(
        select(Answer.round_id, Answer.former_respondent_id, Answer.pair_id, Answer.rating, Answer.wording).where(
            Answer.round_id.in_(round_ids), Answer.former_respondent_id.is_not(None)
        )
    ).all()
    rows = [(("member", row[1]), row) for row in members] + [(("former", row[1]), row) for row in former]
    found = []
    for round_ in rounds:
        own = [row for person, row in rows if row.round_id == round_.id]
        people = {person for person, row in rows if row.round_id == round_.id}
        answers = _RoundAnswers(rule, shown=rule.enough(len(people)))
        for row in own:
            answers.tallies.setdefault(row.pair_id, Tally()).add(row.rating)
            answers.wordings.setdefault(row.pair_id, set()).add(row.wording)
        found.append(answers)
    return found


def _share(shown: Shown) -> float | None:
    return shown.share.share() if shown.share is not None else None


def _same_wording(answers: list[_RoundAnswers], pair_id: int, later: int, earlier: int) -> bool:
    """Whether the item was asked in one and the same wording in both rounds and in every round
    between them that asked it at all."""
    wording = answers[later].wordings.get(pair_id, set())
    if len(wording) != 1 or answers[earlier].wordings.get(pair_id) != wording:
        return False
    return all(answers[between].wordings.get(pair_id, wording) == wording for between in range(earlier + 1, later))


def _item_series(answers: list[_RoundAnswers], names: list[str], pair_id: int) -> Series:
    shares = [_share(round_.item(pair_id)) for round_ in answers]
    asked = [round_.wordings[pair_id] for round_ in answers if pair_id in round_.wordings]
    series = Series(reworded=len(set().union(*asked)) > 1 if asked else False)
    for later, share in enumerate(shares):
        point = Point(names[later], share)
        if share is not None:
            earlier = next(
                (
                    index
                    for index in range(later - 1, -1, -1)
                    if shares[index] is not None and _same_wording(answers, pair_id, later, index)
                ),
                None,
            )
            if earlier is not None:
                point.change, point.compared_with = share - shares[earlier], names[earlier]
        series.points.append(point)
    latest = len(answers) - 1
    for earlier, point in enumerate(series.points[:-1]):
        point.same_wording = _same_wording(answers, pair_id, latest, earlier)
    return series


def _theme_series(answers: list[_RoundAnswers], names: list[str], theme: Theme) -> Series:
    pair_ids = [pair.id for pair in theme.checklist]
    series = Series()
    for later, round_ in enumerate(answers):
        shown = {pair_id: round_.item(pair_id) for pair_id in pair_ids}
        point = Point(names[later], _share(pooled(shown.values())))
        earlier = next((index for index in range(later - 1, -1, -1) if answers[index].shown), None)
        if point.share is not None and earlier is not None:
            before = {pair_id: answers[earlier].item(pair_id) for pair_id in pair_ids}
            both = [
                pair_id
                for pair_id in pair_ids
                if shown[pair_id].share is not None
                and before[pair_id].share is not None
                and _same_wording(answers, pair_id, later, earlier)
            ]
            if both:
                point.change = _share(pooled(shown[pair_id] for pair_id in both)) - _share(
                    pooled(before[pair_id] for pair_id in both)
                )
                point.compared_with = names[earlier]
        series.points.append(point)
    return series


def round_trends(health_check: HealthCheckRound, minimum: int) -> RoundTrends:
    """Each theme's and item's share in the round and the closed rounds before it (up to three in
    all), with the change from the previous comparable round (see the module's docstring)."""
    rounds = rounds_compared(health_check)
    if not rounds:
        return RoundTrends()
    names = [round_.name for round_ in rounds]
    answers = _answers_of(rounds, Rule(minimum))
    trends = RoundTrends(round_names=names)
    for theme in db.session.scalars(select(Theme).order_by(Theme.position).options(selectinload(Theme.checklist))):
        trends.themes[theme.id] = _theme_series(answers, names, theme)
        for pair in theme.checklist:
            trends.items[pair.id] = _item_series(answers, names, pair.id)
    return trends
