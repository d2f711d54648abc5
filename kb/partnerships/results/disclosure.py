"""Which health-check figures may be shown: the one rule that the results page, its charts, the CSV,
the print report and the trends obey. results.py and trends.py work a figure out only from the
tallies this module lets through; a tally it holds back is None, and so is every figure from it.

The promise: nothing about fewer than the minimum of people (KB_HEALTHCHECK_MIN_RESPONDENTS, at
least 3, 5 by default) reaches anyone, whether read off a page or worked out by adding up or
taking away figures shown anywhere, in any round.

1. A group's figure needs the minimum in the group. A round shows nothing until that many have
   answered; an item's share (with its spread and flags) needs that many answers on the scale, its
   rate of "don't know" that many answers, a sector's share that many answers on the scale from the
   sector.
2. A split into sectors is shown whole or not at all. The public bodies' and the voluntary sector's
   shares stand beside the share of everyone, so what they leave over (answers from any other
   sector: everyone minus the two) can be worked out. A split is shown only where each part has the
   minimum and what is left over has none or the minimum too. A round splits nothing unless the
   same holds of its respondents: where a split is shown item by item would otherwise tell whether
   a lone member of another sector answered each item on the scale.
3. A figure that pools others pools only figures that are shown: a theme's share (and spread and
   flags) pools the items whose share is shown, its "don't know" rate the items whose rate is shown,
   its sectors' shares the items whose split is shown, and a theme's change between two rounds the
   items shown in both. A pooled figure is then worked out from groups that are shown anyway, and
   taking shown figures away from it gives back shown figures, never a withheld one.
4. Withheld looks like missing: a withheld figure is None, as is one with nothing to show, and both
   reach a page, a chart, a report or a CSV cell as the same dash or empty cell.

Whether a figure is shown depends only on counts (how many answered, in all or by sector, on the
scale or not), never on which way anyone answered. Nothing withheld enters anything shown, so the
only tie left between a withheld figure and those shown is that a whole is made of its parts: kept
safe by 2, and by unanimity alone. A figure about at least the minimum that is 0% or 100% says the
same of everyone in its group, and so of any smaller group inside it: "all 12 answers were
positive" says that the one member from another sector who answered was positive too. That is the
figure about the whole group, which the site means to show; no other figure adds to it, and it says
nothing of who answered. It is accepted, as official statistics accept it, rather than withholding
every unanimous result, which is often the one a partnership most needs to see.

tests/partnerships/test_disclosure.py checks the rule: for each withheld figure it searches for
other answers that show exactly the same everywhere and differ in that figure, and accepts no
figure without one but one inside a unanimous group of at least the minimum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kb.partnerships.results.tally import Tally
from kb.platform.vocabulary import Sector

PUBLIC, VOLUNTARY = Sector.PUBLIC_BODY.value, Sector.VOLUNTARY_OR_COMMUNITY.value


@dataclass
class Shown:
    """The tallies a group's figures may be worked out from: None for each that is withheld (or
    empty). Public and voluntary are both set, or neither."""

    share: Tally | None = None  # the positive share, the spread, strong disagreement
    rate: Tally | None = None  # the rate of "don't know" among all the answers
    public: Tally | None = None
    voluntary: Tally | None = None


def _total(tallies: list[Tally | None]) -> Tally | None:
    counted = [tally for tally in tallies if tally is not None]
    return Tally.of(counted) if counted else None


def pooled(parts: Iterable[Shown]) -> Shown:
    """A theme's figures (rule 3): each pools only what its parts show."""
    parts = list(parts)
    return Shown(
        *(_total([getattr(part, name) for part in parts]) for name in ("share", "rate", "public", "voluntary"))
    )


@dataclass(frozen=True)
class Rule:
    minimum: int

    def enough(self, people: int) -> bool:
        return people >= self.minimum

    def none_or_enough(self, people: int) -> bool:
        return people == 0 or self.enough(people)

    def sectors_shown(self, respondents: Counter) -> bool:
        """Whether a round may show anything by sector (rule 2), from its respondents by sector."""
        rest = sum(count for sector, count in respondents.items() if sector not in (PUBLIC, VOLUNTARY))
        return self.enough(respondents[PUBLIC]) and self.enough(respondents[VOLUNTARY]) and self.none_or_enough(rest)

    def item(self, whole: Tally, public: Tally | None = None, voluntary: Tally | None = None) -> Shown:
        """What may be shown of one item's answers in a round that shows results (rule 1); the
        sectors' tallies are given only where the round shows sectors (rule 2)."""
        shown = Shown(
            share=whole if self.enough(whole.on_scale) else None, rate=whole if self.enough(whole.answered) else None
        )
        if public is not None and voluntary is not None:
            rest = whole.on_scale - public.on_scale - voluntary.on_scale
            if self.enough(public.on_scale) and self.enough(voluntary.on_scale) and self.none_or_enough(rest):
                shown.public, shown.voluntary = public, voluntary
        return shown
