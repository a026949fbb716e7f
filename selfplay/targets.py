"""Policy targets from a root's search: the visit distribution, with KataGo's pruning of forced
playouts (Wu, "Accelerating Self-Play Learning in Go", 2019, section 3.1), as a dense vector
over policy indices (points in row-major order, then pass)."""
from __future__ import annotations

import math

import numpy as np

from gogame.coords import PASS, to_policy_index


def prune_forced_visits(priors: np.ndarray, visits: np.ndarray, q: np.ndarray, c_puct: float,
                        forced_k: float) -> np.ndarray:
    """Visits with the forced playouts taken back out (KataGo): for every move but the most
    visited one, remove up to its ``sqrt(forced_k * prior * total)`` forced playouts as long as
    its PUCT score stays below the best move's, and drop a move left with a single visit.
    ``q``: each move's mean value for the mover (-1..1; any value where unvisited). Returns
    float64 visits, all zero where ``visits`` is."""
    visits = np.asarray(visits, np.int64)
    pruned = visits.astype(np.float64)
    total = int(visits.sum())
    if total == 0 or forced_k <= 0:
        return pruned
    best = int(np.argmax(visits))
    root = math.sqrt(total)

    def puct(i: int, n: float) -> float:
        return float(q[i]) + c_puct * float(priors[i]) * root / (1 + n)

    best_score = puct(best, visits[best])
    for i in range(len(visits)):
        if i == best or visits[i] == 0:
            continue
        forced = int(math.sqrt(forced_k * float(priors[i]) * total))
        n = int(visits[i])
        floor = max(n - forced, 0)
        while n > floor and puct(i, n - 1) < best_score:
            n -= 1
        pruned[i] = 0.0 if n <= 1 else float(n)
    return pruned


def dense_policy(points: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """``weights`` of root moves ``points`` (0 = pass) as a (size*size + 1,) float32
    distribution over policy indices; all zero when every weight is."""
    target = np.zeros(size * size + 1, np.float64)
    for pt, w in zip(points, weights):
        target[size * size if pt == PASS else to_policy_index(int(pt), size)] += float(w)
    total = target.sum()
    return (target / total if total > 0 else target).astype(np.float32)


__all__ = ["prune_forced_visits", "dense_policy"]
