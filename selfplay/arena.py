"""Evaluation games between two evaluators in this process, each behind its own MCTS at a fixed
number of visits (no root noise, the most visited move), colours alternating, a few random
opening moves per game so that games differ. What the self-improvement loop measures
generations with; GTP engines are refereed by :mod:`selfplay.match` instead."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gogame.board_nb import BLACK, WHITE
from gogame.coords import PASS, from_policy_index
from gogame.game import GameState
from gogame.rules import Rules
from nets.evaluator import Evaluator
from search.mcts import MCTS, SearchConfig
from search.result import SearchLimits

from .worker import final_targets


@dataclass(frozen=True)
class ArenaConfig:
    """``games`` games at ``visits`` a move on ``size`` with ``komi``; the first
    ``opening_moves`` moves of each game are random (own eyes excluded); a game stops at
    ``max_moves`` (0: 3 * size * size) and is counted with dead stones off (``ownership_playouts``)."""

    games: int = 20
    visits: int = 64
    size: int = 9
    komi: float = 7.5
    opening_moves: int = 2
    max_moves: int = 0
    ownership_playouts: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        if self.games < 1 or self.visits < 1 or self.opening_moves < 0 or self.max_moves < 0:
            raise ValueError(f"bad arena settings: {self}")


def play_arena(first: Evaluator, second: Evaluator, config: ArenaConfig) -> list[float]:
    """The first evaluator's score in each game (1 win, 0.5 tie, 0 loss); it plays Black in
    the even-numbered games."""
    search = SearchConfig(batch_size=8, rollout_weight=0.0, reuse_tree=True, node_limit=max(4096, 4 * config.visits),
                          edges_per_node=config.size * config.size + 1)
    scores = []
    limit = config.max_moves or 3 * config.size * config.size
    for number in range(config.games):
        rng = np.random.default_rng([config.seed, number])
        first_color = BLACK if number % 2 == 0 else WHITE
        players = {first_color: MCTS(first, search), 3 - first_color: MCTS(second, search)}
        game = GameState(config.size, Rules(komi=config.komi))
        for _ in range(config.opening_moves):
            mask = np.flatnonzero(game.candidate_mask()[:-1])
            if len(mask) == 0:
                break
            game.play(from_policy_index(int(rng.choice(mask)), config.size))
        while not game.is_over and len(game.moves) < limit:
            result = players[game.to_move].search(game, SearchLimits(visits=config.visits))
            game.play(result.best.move if result.best is not None else PASS)
        _, score = final_targets(game, config.ownership_playouts, config.seed + number)
        winner = score.winner
        scores.append(0.5 if winner not in (BLACK, WHITE) else float(winner == first_color))
    return scores


__all__ = ["ArenaConfig", "play_arena"]
