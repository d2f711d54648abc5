"""Reciprocal rank fusion: each ranking gives a document weight / (k + its rank); the sums order them.
It needs no calibration between the keyword engine's scores and cosine similarities, only ranks."""

from __future__ import annotations

# The usual constant (Cormack, Clarke and Büttcher, 2009): a low rank in one list still counts.
K = 60


def fuse(rankings: list[tuple[list[str], float]], k: int = K) -> list[tuple[str, float]]:
    """rankings: (keys best first, weight) pairs -> (key, fused score), best first; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for keys, weight in rankings:
        for rank, key in enumerate(keys, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])
