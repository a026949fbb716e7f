"""Speed of the search alone: simulations per second of a batched MCTS from the empty board,
with whatever evaluator it is given (torch-free; the network's own speed and the ratio of the
two are measured beside it by :mod:`tengen.bench`)."""
from __future__ import annotations

import time
from dataclasses import asdict, replace

import numpy as np

from gogame.game import GameState
from nets.evaluator import Evaluator

from .mcts import MCTS, SearchConfig, search_many
from .result import SearchLimits


def search_speed(evaluator: Evaluator, search: SearchConfig, size: int, visits: int, seed: int, games: int,
                 rollout_weights: np.ndarray | None = None) -> dict:
    """Search ``games`` empty boards together (``search_many``; one call of ``evaluator`` holds
    up to ``games * search.batch_size`` leaves), ``visits`` simulations each, with ``search``'s
    settings, after a short warm-up that compiles the kernels. The pools are grown to hold the
    whole search (at least 2 nodes a visit, one edge a point); ``rollout_weights``: the fast
    rollout policy's, for rollouts (none: capture-aware random). Returns size, games, visits (all
    games), batch, rollout_weight, seconds, sims_per_s, best_move (of the first game) and
    ``search``: the settings searched with, seed included."""
    config = replace(search, seed=seed, node_limit=max(search.node_limit, 2 * visits),
                     edges_per_node=max(search.edges_per_node, size * size + 1))
    MCTS(evaluator, config, rollout_weights).search(GameState(size), SearchLimits(visits=2 * config.batch_size))  # compile
    if games > 1:
        searches = [MCTS(evaluator, config, rollout_weights) for _ in range(games)]
        start = time.perf_counter()
        results = search_many(searches, [GameState(size) for _ in range(games)], visits)
        elapsed = time.perf_counter() - start
        result, total = results[0], sum(r.visits for r in results)
    else:
        start = time.perf_counter()
        result = MCTS(evaluator, config, rollout_weights).search(GameState(size), SearchLimits(visits=visits))
        elapsed = time.perf_counter() - start
        total = result.visits
    return {"size": size, "games": games, "visits": total, "batch": config.batch_size,
            "rollout_weight": config.rollout_weight, "seconds": round(elapsed, 3),
            "sims_per_s": round(total / elapsed, 1), "best_move": int(result.best.move) if result.best else 0,
            "search": asdict(config)}


__all__ = ["search_speed"]
