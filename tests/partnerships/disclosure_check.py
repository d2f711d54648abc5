"""A check that no withheld health-check figure can be worked out from what a member is shown.

A partnership is built for real from a Plan (its members' sectors, the items they answer, their
answers in one or more rounds), and everything a member is shown of its rounds is read as a member
reads it: each round's results page with its charts and tables, its CSV and its print report. For
every withheld figure about fewer than the minimum of people (a `Cell`), the check looks for a
witness: other answers from the same people, to the same items, each "don't know" still a "don't
know", for which every page, CSV and report reads exactly the same and the withheld figure differs.
Whoever reads the pages then cannot tell the two apart, so nothing shown determines the figure.

A figure with no witness is reported, unless it lies inside a larger group of at least the minimum
whose answers all agree (all positive, or none): a figure about that group says the same of everyone
in it, and that is the only determination kb/partnerships/results/disclosure.py accepts (see its docstring).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from flask import current_app
from sqlalchemy import update

from kb.partnerships import service
from kb.partnerships.models import POSITIVE, SCALE, Answer, Rating
from kb.platform import clock
from kb.platform.extensions import db
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, join_as, themes

OTHER = "other"
SECTORS = (PUBLIC, VOLUNTARY, OTHER)  # the sectors a member answers for
OPPOSITE = {
    Rating.CONSISTENTLY: Rating.CONSISTENTLY_DONT,
    Rating.CONSISTENTLY_DONT: Rating.CONSISTENTLY,
    Rating.MOSTLY: Rating.SOMETIMES_DONT,
    Rating.SOMETIMES_DONT: Rating.MOSTLY,
}
CANDIDATES_PER_CELL = 6
CSRF = re.compile(r'(name="(?:[\w-]*-)?csrf_token"[^>]*value=")[^"]+"')
_partnerships = itertools.count(1)

Answers = dict[tuple[int, int], str]  # a round's answers: rating by (person, item)
Change = dict[tuple[int, int, int], str]  # new ratings by (round, person, item)


@dataclass
class Plan:
    """People (by sector), the items they may answer ((theme, item) places in the leaflet) and each
    round's answers, oldest round first. The coordinator only reads: they never answer."""

    minimum: int
    sectors: list[str]
    items: list[tuple[int, int]]
    rounds: list[Answers]


@dataclass(frozen=True)
class Cell:
    """A figure about fewer than the minimum of people: the positive share ("share") of one item's
    answers on the scale in one round, from everyone (sector None) or from one sector; or the rate
    of "don't know" ("rate") among all the item's answers."""

    kind: str
    round: int
    item: int
    sector: str | None = None


@dataclass
class Built:
    plan: Plan
    viewer: object  # the coordinator's signed-in client
    people: list = field(default_factory=list)
    pairs: list = field(default_factory=list)
    rounds: list = field(default_factory=list)


def build(plan: Plan, coordinator, viewer) -> Built:
    """The plan's partnership, made through the service as members make it, its rounds closed; the
    app's minimum set to the plan's."""
    current_app.config["KB_HEALTHCHECK_MIN_RESPONDENTS"] = plan.minimum
    clock.freeze(datetime(2026, 1, 1, 9, 0))
    partnership = service.register_partnership(
        f"Disclosure partnership {next(_partnerships)}", "West Midlands", "", PUBLIC, by=coordinator
    )
    built = Built(plan, viewer, people=[join_as(partnership, sector, coordinator) for sector in plan.sectors])
    leaflet = themes()
    built.pairs = [leaflet[theme].checklist[item] for theme, item in plan.items]
    for number, answers in enumerate(plan.rounds):
        clock.freeze(datetime(2026, 1, 2, 9, 0) + timedelta(days=number))
        round_ = service.open_round(partnership, f"Round {number + 1}", None, by=coordinator)
        for person_index, person in enumerate(built.people):
            given: dict = {}
            for item, pair in enumerate(built.pairs):
                if (person_index, item) in answers:
                    given.setdefault(pair.theme, {})[pair.id] = service.ItemAnswer(answers[(person_index, item)])
            for theme, theme_answers in given.items():
                service.save_theme_answers(round_, theme, theme_answers, "", member=person, by=person)
        service.close_round(round_, by=coordinator)
        built.rounds.append(round_)
    clock.freeze(datetime(2026, 2, 1, 9, 0))
    viewer.get("/partnerships")  # the sign-in's "You are logged in" goes with the first page
    return built


def everything_shown(built: Built) -> list[str]:
    """Each round's results page (charts and tables), CSV and print report, as the viewer gets them."""
    shown = []
    for round_ in built.rounds:
        for address in ("", "/results.csv", "/report"):
            response = built.viewer.get(f"/partnerships/rounds/{round_.id}{address}")
            text = CSRF.sub(r'\1"', response.get_data(as_text=True))  # a fresh token each time
            shown.append(f"{response.status_code} {text}")
    return shown


def _write(built: Built, ratings: Change) -> None:
    for (round_index, person, item), rating in ratings.items():
        db.session.execute(
            update(Answer)
            .where(
                Answer.round_id == built.rounds[round_index].id,
                Answer.user_id == built.people[person].id,
                Answer.pair_id == built.pairs[item].id,
            )
            .values(rating=rating)
        )
    db.session.commit()


def shows_the_same(built: Built, change: Change, before: list[str]) -> bool:
    """Whether the answers changed as `change` says show exactly what was shown before; the
    answers are put back either way."""
    _write(built, change)
    try:
        return everything_shown(built) == before
    finally:
        _write(built, {key: built.plan.rounds[key[0]][key[1:]] for key in change})


# ---- the withheld figures and what they are -------------------------------------------------------


def _group(plan: Plan, answers: Answers, item: int, sector: str | tuple | None) -> list[int]:
    """The people who answered the item, from one sector (or sectors) or from any."""
    sectors = (sector,) if isinstance(sector, str) else sector
    return [
        person
        for person in range(len(plan.sectors))
        if (person, item) in answers and (sectors is None or plan.sectors[person] in sectors)
    ]


def _on_scale(plan: Plan, answers: Answers, item: int, sector=None) -> list[int]:
    return [person for person in _group(plan, answers, item, sector) if answers[(person, item)] in SCALE]


def protected_cells(plan: Plan) -> list[Cell]:
    cells = []
    for round_index, answers in enumerate(plan.rounds):
        for item in range(len(plan.items)):
            if 0 < len(_group(plan, answers, item, None)) < plan.minimum:
                cells.append(Cell("rate", round_index, item))
            for sector in (None, *SECTORS):
                if 0 < len(_on_scale(plan, answers, item, sector)) < plan.minimum:
                    cells.append(Cell("share", round_index, item, sector))
    return cells


def value(plan: Plan, rounds: list[Answers], cell: Cell) -> Fraction | None:
    """The cell's figure, exactly; None when its group is empty."""
    answers = rounds[cell.round]
    if cell.kind == "rate":
        group = _group(plan, answers, cell.item, None)
        counted = sum(answers[(person, cell.item)] == Rating.DONT_KNOW for person in group)
    else:
        group = _on_scale(plan, answers, cell.item, cell.sector)
        counted = sum(answers[(person, cell.item)] in POSITIVE for person in group)
    return Fraction(counted, len(group)) if group else None


def _differs(plan: Plan, rounds: list[Answers], cell: Cell) -> bool:
    """Whether the cell's figure is another one in `rounds` (an empty group differs from none)."""
    changed = value(plan, rounds, cell)
    return changed is not None and changed != value(plan, plan.rounds, cell)


def _positive(rating: str) -> bool:
    return rating in POSITIVE


def candidates(plan: Plan, cell: Cell) -> list[Change]:
    """Changes that alter the cell's figure and keep each person's sector, the items they answered
    and their "don't know"s: swap two people's answers to the item (one in the cell's group, one
    not, one positive and one not), or, where too few answered the item on the scale for its share
    to be shown, turn one answer to its opposite. For a rate, one answer turns to or from "don't know"."""
    answers = plan.rounds[cell.round]

    def key(person: int) -> tuple[int, int, int]:
        return cell.round, person, cell.item

    if cell.kind == "rate":
        group = _group(plan, answers, cell.item, None)
        return [
            {key(person): Rating.MOSTLY if answers[(person, cell.item)] == Rating.DONT_KNOW else Rating.DONT_KNOW}
            for person in group
        ]
    inside = _on_scale(plan, answers, cell.item, cell.sector)
    found: list[Change] = []
    if cell.sector is not None:
        outside = [person for person in _on_scale(plan, answers, cell.item, None) if person not in inside]
        for person, other in itertools.product(inside, outside):
            mine, theirs = answers[(person, cell.item)], answers[(other, cell.item)]
            if _positive(mine) != _positive(theirs):
                found.append({key(person): theirs, key(other): mine})
    if len(_on_scale(plan, answers, cell.item, None)) < plan.minimum:  # else the item's own share moves
        found += [{key(person): OPPOSITE[Rating(answers[(person, cell.item)])]} for person in inside]
    return found[:CANDIDATES_PER_CELL]


def _changed(plan: Plan, change: Change) -> list[Answers]:
    rounds = [dict(answers) for answers in plan.rounds]
    for (round_index, person, item), rating in change.items():
        rounds[round_index][(person, item)] = rating
    return rounds


def unanimous_around(plan: Plan, cell: Cell) -> bool:
    """Whether the cell's group lies inside the item's whole group of answers on the scale, at least
    the minimum and all agreeing (all positive, or none): its share, shown, is 0% or 100%."""
    answers = plan.rounds[cell.round]
    group = _on_scale(plan, answers, cell.item, None)
    return (
        cell.kind == "share"
        and len(group) >= plan.minimum
        and len({_positive(answers[(person, cell.item)]) for person in group}) == 1
    )


def without_witness(built: Built, excused=lambda cell: False) -> list[Cell]:
    """The withheld figures for which no witness was found, but for those `excused`; the search
    stops at the first, which is enough to show the rule broken."""
    plan = built.plan
    before = everything_shown(built)
    open_cells = protected_cells(plan)
    options = {cell: candidates(plan, cell) for cell in open_cells}

    def settle(change: Change) -> None:
        changed = _changed(plan, change)
        for cell in list(open_cells):
            if _differs(plan, changed, cell):
                open_cells.remove(cell)

    # First one change made of each cell's first option: when the rule holds it settles most at once.
    combined: Change = {}
    for cell in open_cells:
        first = next((option for option in options[cell] if not set(option) & set(combined)), None)
        combined.update(first or {})
    if combined and shows_the_same(built, combined, before):
        settle(combined)
    for cell in list(open_cells):
        for option in options[cell]:
            if cell not in open_cells:
                break
            if _differs(plan, _changed(plan, option), cell) and shows_the_same(built, option, before):
                settle(option)
        if cell in open_cells and not excused(cell):
            return [cell]
    return [cell for cell in open_cells if not excused(cell)]


def determined(built: Built) -> list[Cell]:
    """A withheld figure with no witness that no agreeing larger group explains: one a reader could
    work out. Empty when the rule holds."""
    return without_witness(built, excused=lambda cell: unanimous_around(built.plan, cell))
