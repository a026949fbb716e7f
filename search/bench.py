"""Speed of the search alone: simulations per second of a batched MCTS from the empty board,
with whatever evaluator it is given (torch-free; the network's own speed and the ratio of the
two are measured beside it by :mod:`tengen.bench`)."""
from __future__ import annotations

import time

from gogame.game import GameState
from nets.evaluator import Evaluator

from .mcts import MCTS, SearchConfig, search_many
from .result import SearchLimits


def search_speed(evaluator: Evaluator, size: int = 9, visits: int = 3200, batch: int = 16,
                 rollout_weight: float = 0.0, seed: int = 0, games: int = 1) -> dict:
    """Search ``games`` empty boards together (``search_many``; one call of ``evaluator`` holds
    up to ``games * batch`` leaves), ``visits`` simulations each, after a short warm-up that
    compiles the kernels. Returns size, games, visits (all games), batch, rollout_weight,
    seconds, sims_per_s and best_move (of the first game)."""
    config = SearchConfig(batch_size=batch, rollout_weight=rollout_weight, seed=seed,
                          node_limit=max(100_000, 2 * visits), edges_per_node=size * size + 1, reuse_tree=False)
    MCTS(evaluator, config).search(GameState(size, 7.5), SearchLimits(visits=2 * batch))  # compile, warm up
    if games > 1:
        searches = [MCTS(evaluator, config) for _ in range(games)]
        start = time.perf_counter()
        results = search_many(searches, [GameState(size, 7.5) for _ in range(games)], visits)
        elapsed = time.perf_counter() - start
        result, total = results[0], sum(r.visits for r in results)
    else:
        start = time.perf_counter()
        result = MCTS(evaluator, config).search(GameState(size, 7.5), SearchLimits(visits=visits))
        elapsed = time.perf_counter() - start
        total = result.visits
    return {"size": size, "games": games, "visits": total, "batch": batch, "rollout_weight": rollout_weight,
            "seconds": round(elapsed, 3), "sims_per_s": round(total / elapsed, 1),
            "best_move": int(result.best.move) if result.best else 0}


__all__ = ["search_speed"]
