"""``GameState.candidate_mask`` (the moves self-play and the raw players choose among): the numba
mask equals the rules engine's legal moves minus own true eyes, with pass only when nothing else
is left, over many random positions."""
from __future__ import annotations

import numpy as np

from gogame.coords import PASS, from_policy_index, to_policy_index
from gogame.game import GameState
from gogame.rules import Rules


def slow_mask(game: GameState) -> np.ndarray:
    mask = np.zeros(game.size * game.size + 1, bool)
    for pt in game.legal_moves():
        if not game.board.is_eye(int(pt), game.to_move):
            mask[to_policy_index(int(pt), game.size)] = True
    mask[-1] = not mask.any()
    return mask


def test_the_fast_mask_agrees_with_the_rules_engine_on_random_games():
    rng = np.random.default_rng(5)
    checked = passes = 0
    for size in (5, 7, 9):
        for _ in range(25):
            game = GameState(size, Rules(ko="simple"))
            while not game.is_over and len(game.moves) < 3 * size * size:
                mask = game.candidate_mask()
                np.testing.assert_array_equal(mask, slow_mask(game))
                checked += 1
                passes += bool(mask[-1])
                choice = int(rng.choice(np.flatnonzero(mask)))
                game.play(from_policy_index(choice, size) if choice < size * size else PASS)
    assert checked > 3000 and passes > 0  # games reach the end, where only pass is left


def test_superko_games_take_the_rules_engine_path():
    game = GameState(5, Rules(ko="positional"))
    np.testing.assert_array_equal(game.candidate_mask(), slow_mask(game))
