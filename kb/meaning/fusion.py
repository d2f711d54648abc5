"""Reciprocal rank fusion: each ranking gives a document weight / (k + its rank); the sums order them.
It needs no calibration between the keyword engine's scores and cosine similarities, only ranks."""

from __future__ import annotations

# The usual constant (Cormack, Clarke and Büttcher, 2009): a low rank in one list still counts.
K = 60


def fuse(rankings: list[tuple[list[str], float]], k: int = K) -> list[tuple[str, float]]:
    """rankings: (keys best first, weight) pairs -> (key, fused score), best first; ties keep first-seen order."""
    return fuse_ranks([({key: rank for rank, key in enumerate(keys, start=1)}, weight) for keys, weight in rankings], k)


def fuse_ranks(rankings: list[tuple[dict[str, int], float]], k: int = K) -> list[tuple[str, float]]:
    """The same, with each ranking's ranks given ({key: rank}), so equal scores can share a rank."""
    scores: dict[str, float] = {}
    for ranks, weight in rankings:
        for key, rank in ranks.items():
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def shared_ranks(scored: list[tuple[str, float]]) -> dict[str, int]:
    """Ranks from (key, score) pairs best first, equal scores sharing a rank (1, 2, 2, 4)."""
    ranks: dict[str, int] = {}
    for position, (key, score) in enumerate(scored, start=1):
        ranks[key] = ranks[scored[position - 2][0]] if position > 1 and score == scored[position - 2][1] else position
    return ranks
