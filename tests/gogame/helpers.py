"""Small builders shared by the gogame tests."""
from __future__ import annotations

import numpy as np

from gogame.game import GameState
from gogame.rules import Rules


def random_game(size: int, moves: int, seed: int, komi: float = 7.5) -> GameState:
    """A game of ``moves`` uniformly random legal moves (a pass when there is none)."""
    rng = np.random.default_rng(seed)
    game = GameState(size, Rules(komi=komi))
    for _ in range(moves):
        legal = game.legal_moves()
        game.play(int(rng.choice(legal)) if len(legal) else 0)
    return game
