"""The raw policy network as a player: no search, one forward pass per move.

This is how AlphaGo measured its SL and RL policy networks on their own: each move is drawn from
the network's distribution over the legal moves (``temperature`` 1), or is its most probable move
(``temperature`` 0). Own true eyes are never filled, and the player passes only when no other move
is left, as in the self-play games the RL policy was trained by; the GTP engine still passes
first when the opponent has passed and the game is already won.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from common.settings import NOT_A_SETTING
from gogame.coords import from_policy_index
from gogame.game import GameState
from nets.evaluator import Evaluator, LeafBatch

from .result import NO_FILTER, MoveFilter, MoveStats, SearchLimits, SearchResult


@dataclass(frozen=True)
class PolicyPlayerConfig:
    """``temperature``: 0 plays the most probable move, 1 samples the network's distribution;
    ``shown``: how many candidates a result lists (analysis); ``seed`` for the draws."""

    temperature: float = 1.0
    shown: int = 10
    seed: int = field(default=0, metadata=NOT_A_SETTING)

    def __post_init__(self) -> None:
        if not self.temperature >= 0:
            raise ValueError(f"temperature must be at least 0, got {self.temperature}")
        if self.shown < 1:
            raise ValueError(f"shown must be at least 1, got {self.shown}")


class PolicyPlayer:
    """``search(game, limits, ...)`` -> SearchResult whose first move is the one to play; the
    limits are ignored (one forward pass is all it does)."""

    def __init__(self, evaluator: Evaluator, config: PolicyPlayerConfig = PolicyPlayerConfig()) -> None:
        self.evaluator = evaluator
        self.config = config
        self.rng = np.random.default_rng(config.seed)

    def warm_up(self) -> None:
        """Run the network once, so the first move is not slow."""
        self.search(GameState(9), SearchLimits(visits=1))

    def search(self, game: GameState, limits: SearchLimits, should_stop: Callable[[], bool] = lambda: False,
               on_progress: Callable[[SearchResult], None] | None = None, progress_interval: float = 1.0,
               tromp_taylor_ends: bool = False, move_filter: MoveFilter = NO_FILTER) -> SearchResult:
        """The network's move for the side to move of ``game`` (pass when nothing else is left),
        among the moves ``move_filter`` permits; it looks at no game end, so
        ``tromp_taylor_ends`` changes nothing."""
        start = time.perf_counter()
        priors, values = self.evaluator.evaluate_batch(LeafBatch.from_games([game]))
        candidates = np.flatnonzero(game.candidate_mask()[:-1])  # policy indices; none: pass
        if move_filter:
            candidates = np.array([i for i in candidates
                                   if move_filter.permits(game.to_move, from_policy_index(int(i), game.size))], np.int64)
        applies = self.evaluator.has_value and self.evaluator.value_applies(game.size, game.white_bonus())
        winrate = float((values[0] + 1) / 2) if applies else 0.5
        if len(candidates) == 0:
            return SearchResult(game.to_move, [], 0, winrate, None, time.perf_counter() - start)
        probabilities = priors[0][candidates].astype(np.float64)
        if probabilities.sum() <= 0:
            probabilities = np.ones(len(candidates))
        if self.config.temperature == 0:
            chosen = int(np.argmax(probabilities))
        else:
            weights = np.exp(np.log(np.maximum(probabilities, 1e-30)) / self.config.temperature)
            chosen = int(self.rng.choice(len(candidates), p=weights / weights.sum()))
        order = [chosen] + [int(i) for i in np.argsort(-probabilities) if i != chosen][: self.config.shown - 1]
        total = probabilities.sum()
        stats = []
        for rank, i in enumerate(order):
            point = from_policy_index(int(candidates[i]), game.size)
            prior = float(probabilities[i] / total)
            stats.append(MoveStats(point, 1 if rank == 0 else 0, winrate, prior, winrate, [point],
                                   pv_visits=[1 if rank == 0 else 0]))
        shown = set(order)
        unvisited = [MoveStats(from_policy_index(int(candidates[i]), game.size), 0, 0.0, float(probabilities[i] / total),
                               0.0, [from_policy_index(int(candidates[i]), game.size)], pv_visits=[0])
                     for i in np.argsort(-probabilities) if int(i) not in shown]
        result = SearchResult(game.to_move, stats, 1, winrate, None, time.perf_counter() - start, unvisited=unvisited)
        if on_progress is not None:  # analysis streams get the network's view once
            on_progress(result)
        return result
