"""Counts of the ratings a group of answers gave, and the arithmetic of the figures worked out from
them. Which groups' figures may be shown is kb/partnerships/results/disclosure.py's to say."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from kb.partnerships.models import POSITIVE, SCALE, Rating

STRONG_DISAGREEMENT_SHARE = 0.2  # each end of the scale holding at least a fifth of the answers
SCORES = {Rating.CONSISTENTLY: 4, Rating.MOSTLY: 3, Rating.SOMETIMES_DONT: 2, Rating.CONSISTENTLY_DONT: 1}


@dataclass
class Tally:
    """Counts of each rating in a group of answers, and the figures worked out from them."""

    counts: Counter = field(default_factory=Counter)

    def add(self, rating: str) -> None:
        self.counts[rating] += 1

    @classmethod
    def of(cls, tallies) -> Tally:
        """The tallies' answers taken together."""
        total = cls()
        for tally in tallies:
            total.counts.update(tally.counts)
        return total

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
