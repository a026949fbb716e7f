"""Flat Monte Carlo search: a UCB1 bandit over the root's legal moves, each pull one
capture-aware playout (:func:`gogame.playout_nb.capture_aware_playout_nb`).

The engine's player until the MCTS lands, and always the player without network weights. The
bandit loop runs in numba in chunks; between chunks Python checks the limits and the stop
request and reports progress, so analysis streams and interrupts stay responsive.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from numba import njit

from common.settings import NOT_A_SETTING
from gogame import board_nb as nb
from gogame.coords import from_policy_index
from gogame.game import GameState
from gogame.playout_nb import capture_aware_playout_nb, make_rng_state
from gogame.scoring_nb import add_ownership_nb, result_for_nb, rules_margin_nb
from gogame.rules import Rules

from .result import NO_FILTER, MoveFilter, MoveStats, SearchLimits, SearchResult


@dataclass(frozen=True)
class FlatConfig:
    """``exploration``: UCB1 constant; ``chunk_seconds``: how long one numba chunk may run
    before Python looks at the clock and the stop request; ``seed`` for the playouts."""

    exploration: float = 0.7
    chunk_seconds: float = 0.02
    seed: int = field(default=0, metadata=NOT_A_SETTING)

    def __post_init__(self) -> None:
        if not self.exploration >= 0 or not self.chunk_seconds > 0:
            raise ValueError(f"exploration must be at least 0 and chunk_seconds positive, got {self}")


@njit(cache=True, nogil=True)
def flat_bandit_nb(b, to_move, candidates, visits, wins, pulls, white_bonus, territory, exploration, rng_state,
                   ownership, owner):
    """``pulls`` UCB1 pulls over ``candidates`` from position ``b`` (not mutated): each plays the
    candidate, then a capture-aware playout, scored by the game's rules (``white_bonus``,
    ``territory``: :func:`gogame.scoring_nb.rules_margin_nb`). ``visits``/``wins`` (side to move's wins) and
    ``ownership`` (+1 per Black-owned point per playout) accumulate; ``owner`` is scratch."""
    size = b[nb.H_SIZE]
    max_stones = 3 * size * size
    scratch = b.copy()
    total = 0
    for i in range(visits.shape[0]):
        total += visits[i]
    for _ in range(pulls):
        chosen = 0
        best = -1.0
        log_total = math.log(total + 1.0)
        for i in range(candidates.shape[0]):
            if visits[i] == 0:
                chosen = i
                break
            score = wins[i] / visits[i] + exploration * math.sqrt(log_total / visits[i])
            if score > best:
                best = score
                chosen = i
        scratch[:] = b
        nb.play_nb(scratch, candidates[chosen], to_move)
        score = capture_aware_playout_nb(scratch, 3 - to_move, rng_state, max_stones)
        wins[chosen] += 0.5 + 0.5 * result_for_nb(rules_margin_nb(scratch, score, white_bonus, territory), to_move)
        visits[chosen] += 1
        total += 1
        add_ownership_nb(scratch, owner, ownership)


class FlatMonteCarlo:
    """``search(game, limits, ...)`` -> SearchResult for the side to move of ``game``."""

    def __init__(self, config: FlatConfig = FlatConfig()) -> None:
        self.config = config
        self.rng_state = make_rng_state(config.seed)

    def warm_up(self) -> None:
        """Compile (or load from the numba cache) the kernels, so the first move is not slow."""
        self.search(GameState(5, Rules(komi=0.5)), SearchLimits(visits=4))

    def candidates(self, game: GameState) -> np.ndarray:
        """Legal moves that do not fill the mover's own true eye."""
        return np.array([from_policy_index(int(i), game.size) for i in np.flatnonzero(game.candidate_mask()[:-1])],
                        np.int64)

    def search(self, game: GameState, limits: SearchLimits, should_stop: Callable[[], bool] = lambda: False,
               on_progress: Callable[[SearchResult], None] | None = None, progress_interval: float = 1.0,
               tromp_taylor_ends: bool = False, move_filter: MoveFilter = NO_FILTER) -> SearchResult:
        """Search until a limit or ``should_stop()``; ``on_progress`` gets a snapshot every
        ``progress_interval`` seconds. Its playouts end with every dead stone captured, so game
        ends are always counted as the stones stand: ``tromp_taylor_ends`` changes nothing.
        ``move_filter`` applies to its candidates (the root; it has no deeper tree)."""
        start = time.perf_counter()
        candidates = self.candidates(game)
        if move_filter:
            candidates = np.array([p for p in candidates if move_filter.permits(game.to_move, int(p))], np.int64)
        width = game.size + 2
        visits = np.zeros(len(candidates), np.int64)
        wins = np.zeros(len(candidates), np.float64)
        ownership = np.zeros(width * width, np.float64)
        owner = np.zeros(width * width, np.int64)
        if len(candidates) == 0:
            return self._result(game, candidates, visits, wins, ownership, time.perf_counter() - start)
        pulls = 8
        last_report = start
        while True:
            elapsed = time.perf_counter() - start
            done = int(visits.sum())
            if limits.visits is not None and done >= limits.visits:
                break
            if limits.seconds is not None and elapsed >= limits.seconds:
                break
            if should_stop():
                break
            if limits.visits is not None:
                pulls = min(pulls, limits.visits - done)
            chunk_start = time.perf_counter()
            flat_bandit_nb(game.board.array, game.to_move, candidates, visits, wins, pulls, game.white_bonus(),
                           game.territory_scoring, self.config.exploration, self.rng_state, ownership, owner)
            chunk_time = time.perf_counter() - chunk_start
            # size the next chunk so that it takes about chunk_seconds
            pulls = max(1, min(4 * pulls, int(pulls * self.config.chunk_seconds / max(chunk_time, 1e-6))))
            now = time.perf_counter()
            if on_progress is not None and now - last_report >= progress_interval:
                last_report = now
                on_progress(self._result(game, candidates, visits, wins, ownership, now - start))
        return self._result(game, candidates, visits, wins, ownership, time.perf_counter() - start)

    def _result(self, game, candidates, visits, wins, ownership, seconds) -> SearchResult:
        total = int(visits.sum())
        prior = 1.0 / len(candidates) if len(candidates) else 0.0
        stats = []
        unvisited = []
        for pt, n, w in zip(candidates, visits, wins):
            if n == 0:
                unvisited.append(MoveStats(int(pt), 0, 0.0, prior, 0.0, [int(pt)], pv_visits=[0]))
                continue
            rate = w / n
            lcb = rate - 1.96 * math.sqrt(max(rate * (1 - rate), 0.25 / n) / n)
            stats.append(MoveStats(int(pt), int(n), float(rate), prior, float(lcb), [int(pt)], pv_visits=[int(n)]))
        stats.sort(key=lambda s: (s.visits, s.winrate), reverse=True)
        root = float(wins.sum() / total) if total else 0.5
        width = game.size + 2
        owned = ownership.reshape(width, width)[1:-1, 1:-1] / total if total else None
        return SearchResult(game.to_move, stats, total, root, owned, seconds, unvisited=unvisited)
