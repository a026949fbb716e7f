"""The fast rollout policy: features, probabilities, learning, playouts, file format."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gogame import board_nb as nb
from gogame.coords import from_gtp, point
from gogame.game import GameState
from gogame.playout_nb import make_rng_state
from gogame.rules import Rules
from nets import rollout_nb as kernels
from nets.checkpoint import CheckpointError
from nets.rollout_policy import RolloutPolicy
from tests.nets.reference_rollout import policy_playout_full_nb
from tests.gogame.test_fixtures import game_from

WEIGHTS = Path(__file__).resolve().parents[2] / "nets" / "weights" / "rollout-9x9.safetensors"

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
    scores = [policy.playout(GameState(9)) for _ in range(20)]
    assert all(-81 <= s <= 81 for s in scores) and len(set(scores)) > 1


@pytest.mark.parametrize("owner, to_move", [(nb.BLACK, nb.BLACK), (nb.BLACK, nb.WHITE), (nb.WHITE, nb.BLACK),
                                            (nb.WHITE, nb.WHITE)])
def test_a_playout_of_a_settled_board_returns_its_area_score(owner, to_move):
    """5x5 filled by one colour but for three one-point eyes: nobody has a move, so the playout
    ends at once with the area score, Black minus White: +25 for Black, -25 for White."""
    game = GameState(5, Rules(komi=0.5))
    for row in range(5):
        for col in range(5):
            if (row, col) not in ((0, 0), (2, 2), (4, 4)):
                game.play(point(row, col, 5), owner)
    game.to_move = to_move
    before = game.board.array.copy()
    expected = 25 if owner == nb.BLACK else -25
    assert [RolloutPolicy(seed=seed).playout(game) for seed in range(3)] == [expected] * 3
    assert np.array_equal(game.board.array, before)  # the playout ran on a copy


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


def _random_positions(size: int, count: int, seed: int) -> list[GameState]:
    rng = np.random.default_rng(seed)
    positions = []
    for _ in range(count):
        game = GameState(size)
        for _ in range(int(rng.integers(0, 2 * size * size))):
            legal = game.legal_moves()
            if len(legal) == 0:
                break
            game.play(int(rng.choice(legal)), game.to_move)
        positions.append(game)
    return positions


@pytest.mark.parametrize("size", [5, 9])
def test_the_incremental_playout_keeps_every_weight_equal_to_a_full_recomputation(size):
    """At every move of many playouts, the cached weights of the side to move, normalised, are
    the rollout policy's probabilities computed from scratch (policy_nb), candidate for candidate."""
    weights = RolloutPolicy.load(WEIGHTS).weights if size == 9 else np.random.default_rng(3).normal(size=kernels.WEIGHTS)
    checked = 0
    for start in _random_positions(size, 25 if size == 9 else 80, seed=size):
        b = start.board.array.copy()
        npts = b[nb.H_NP]
        weight, dirty = np.empty((2, npts)), np.empty((2, npts), np.uint8)
        stack, tops = np.empty((2, npts), np.int64), np.zeros(2, np.int64)
        mark, counter, captured = np.zeros(npts, np.int64), np.zeros(1, np.int64), np.empty(npts, np.int64)
        scratch_mark = np.zeros(npts, np.int64)
        points, probabilities = np.empty(npts, np.int64), np.empty(npts)
        rng_state = make_rng_state(size)
        kernels.cache_reset_nb(b, weight, dirty, stack, tops)
        color, passes = start.to_move, 0
        for _ in range(3 * size * size):
            kernels.cache_refresh_nb(b, color, weights, weight, dirty, stack, tops, mark, counter)
            scratch_mark[:] = 0
            n = kernels.policy_nb(b, color, weights, points, probabilities, scratch_mark, 0)
            cached = weight[color - 1]
            assert set(np.flatnonzero(cached)) == set(points[:n].tolist())
            if n:
                assert np.allclose(cached[points[:n]] / cached[points[:n]].sum(), probabilities[:n], rtol=1e-9, atol=0)
            checked += 1
            move = kernels.cache_sample_nb(b, color, weight, rng_state)
            kernels.cache_play_nb(b, move, color, dirty, stack, tops, mark, counter, captured)
            passes = passes + 1 if move == 0 else 0
            if passes == 2:
                break
            color = 3 - color
    assert checked > 1000, checked


def test_incremental_and_full_playouts_are_the_same_games():
    """Same weights, same random stream: the same final board, stone for stone, on 100 positions."""
    weights = RolloutPolicy.load(WEIGHTS).weights
    for seed, start in enumerate(_random_positions(9, 100, seed=11)):
        incremental, full = start.board.array.copy(), start.board.array.copy()
        score = kernels.policy_playout_nb(incremental, start.to_move, weights, make_rng_state(seed), 243)
        assert policy_playout_full_nb(full, start.to_move, weights, make_rng_state(seed), 243) == score
        assert np.array_equal(incremental, full)


def test_the_file_records_its_step_and_provenance_and_errors_name_the_file(tmp_path):
    from safetensors.numpy import save_file

    from nets.checkpoint import read_metadata

    policy = RolloutPolicy(np.random.default_rng(1).normal(size=kernels.WEIGHTS))
    path = tmp_path / "rollout.safetensors"
    policy.save(path, step=7, provenance={"games": 12})
    metadata = read_metadata(path, "rollout policy", framework="numpy")
    assert metadata["step"] == "7" and json.loads(metadata["provenance"]) == {"games": 12}
    policy.save(path)
    assert json.loads(read_metadata(path, framework="numpy")["provenance"]) == {}
    for name, weights, metadata, message in [
        ("foreign", {"weights": np.zeros(3, np.float32)}, {"format": "someone-else"},
         "not a Tengen rollout policy (format 'someone-else')"),
        ("unversioned", {"weights": np.zeros(3, np.float32)}, {"format": "tengen-rollout-policy"},
         "rollout policy format version None, this Tengen reads version"),
        ("future", {"weights": np.zeros(3, np.float32)}, {"format": "tengen-rollout-policy", "format_version": "99"},
         "rollout policy format version 99, this Tengen reads version"),
        ("short", {"weights": np.zeros(3, np.float32)}, None, "bad rollout policy weights"),
        ("unnamed", {"other": np.zeros(kernels.WEIGHTS, np.float32)}, None, "bad rollout policy weights"),
    ]:
        bad = tmp_path / f"{name}.safetensors"
        header = metadata if metadata is not None else read_metadata(path, framework="numpy")
        save_file(weights, str(bad), metadata=header)
        with pytest.raises(CheckpointError) as error:
            RolloutPolicy.load(bad)
        assert str(error.value).startswith(f"{bad}: ") and message in str(error.value), name
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CheckpointError, match=f"{path}: corrupt or truncated rollout policy"):
        RolloutPolicy.load(path)


def test_the_seed_decides_the_playouts_loaded_or_not(tmp_path):
    policy = RolloutPolicy(np.random.default_rng(2).normal(scale=0.1, size=kernels.WEIGHTS), seed=5)
    path = tmp_path / "rollout.safetensors"
    policy.save(path)
    game = GameState(9)

    def outcomes(player: RolloutPolicy) -> list[int]:
        return [player.playout(game) for _ in range(12)]

    same = outcomes(RolloutPolicy.load(path, seed=5))
    assert same == outcomes(RolloutPolicy(policy.weights.astype(np.float32).astype(np.float64), seed=5))
    assert outcomes(RolloutPolicy.load(path)) == outcomes(RolloutPolicy(RolloutPolicy.load(path).weights, seed=0))
    assert outcomes(RolloutPolicy()) == outcomes(RolloutPolicy(seed=0))
    assert same != outcomes(RolloutPolicy.load(path, seed=6))
