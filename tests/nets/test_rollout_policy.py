"""The fast rollout policy: features, probabilities, learning, playouts, file format."""
from __future__ import annotations

import numpy as np
import pytest

from gogame import board_nb as nb
from gogame.coords import from_gtp
from gogame.game import GameState
from nets import rollout_nb as kernels
from nets.checkpoint import CheckpointError
from nets.rollout_policy import RolloutPolicy
from tests.gogame.test_fixtures import game_from

ATARI = """
. . . . .
. X O . .
. . X . .
. . . . .
. . . . .
"""


def test_zero_weights_give_a_uniform_distribution_over_candidates():
    game = GameState(5)
    probabilities = RolloutPolicy().probabilities(game)
    assert len(probabilities) == 25 and np.allclose(list(probabilities.values()), 1 / 25)


def test_features_of_a_capture_and_a_response():
    game = game_from(ATARI)
    game.to_move = 1
    game.board.array[nb.H_LAST] = from_gtp("C4", 5)  # as if White had just played C4
    features = np.empty(kernels.MAX_FEATURES, np.int64)
    mark = np.zeros(49, np.int64)
    # D4 captures? White C4 has liberties C5 and D4: D4 is an atari, not a capture
    count = kernels.candidate_features_nb(game.board.array, from_gtp("D4", 5), 1, mark, 1, features)
    assert kernels.CAPTURE not in features[:count] and any(kernels.RESPONSE_OFFSET <= f < kernels.SAVE_ATARI
                                                           for f in features[:count])
    game.play_gtp("D4")
    game.play_gtp("A1")
    count = kernels.candidate_features_nb(game.board.array, from_gtp("C5", 5), 1, mark, 2, features)
    assert kernels.CAPTURE in features[:count]


def test_learning_prefers_the_moves_it_is_taught():
    policy = RolloutPolicy()
    game = game_from(ATARI)
    game.play_gtp("D4")
    game.play_gtp("A1")  # White C4 is in atari at C5
    c5 = from_gtp("C5", 5)
    before = policy.probabilities(game)[c5]
    losses = [policy.train_step(game, c5, learning_rate=0.5) for _ in range(20)]
    assert losses[-1] > losses[0] and policy.probabilities(game)[c5] > 0.5 > before
    assert policy.weights[kernels.CAPTURE] > 0  # the capture feature learnt it, not only the pattern


def test_playouts_and_speed_unit():
    policy = RolloutPolicy(seed=1)
    scores = [policy.playout(GameState(9, 7.5)) for _ in range(20)]
    assert all(-81 <= s <= 81 for s in scores) and len(set(scores)) > 1


def test_save_load_and_errors(tmp_path):
    policy = RolloutPolicy(np.random.default_rng(0).normal(size=kernels.WEIGHTS))
    path = tmp_path / "rollout.safetensors"
    policy.save(path, step=3)
    loaded = RolloutPolicy.load(path)
    assert np.allclose(loaded.weights, policy.weights.astype(np.float32))
    with pytest.raises(CheckpointError, match="no such rollout policy file"):
        RolloutPolicy.load(tmp_path / "missing.safetensors")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        RolloutPolicy.load(path)
    with pytest.raises(ValueError, match="weights"):
        RolloutPolicy(np.zeros(10))
