"""The Evaluator contract (priors (B, A) float32, values (B,) float32 in -1..1) for the uniform and
rollout evaluators, the komi a value network applies to, and the default networks the benchmarks
time."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from gogame.game import GameState
from gogame.rules import Rules
from nets.config import NetConfig
from nets.evaluator import LeafBatch, RolloutEvaluator, UniformEvaluator
from nets.torch_evaluator import TorchEvaluator, default_networks
from nets.models import build_network


def test_rollout_values_are_float32_results_for_every_position():
    games = [GameState(5, Rules(komi=0.5)) for _ in range(6)]
    for i, game in enumerate(games):
        for _ in range(i):
            game.play(game.legal_moves()[0])
    priors, values = RolloutEvaluator(seed=3).evaluate_batch(LeafBatch.from_games(games))
    assert priors.dtype == np.float32 and priors.shape == (6, 26)
    assert values.dtype == np.float32 and values.shape == (6,)
    assert set(values.tolist()) <= {-1.0, 0.0, 1.0}  # one playout each: a win, a loss (or a draw)


def test_default_networks_are_a_policy_and_a_value_network_reproducible_from_the_seed():
    policy, value = default_networks(seed=5)
    assert policy.config.kind == "policy" and value.config.kind == "value"
    assert value.config.feature_set == "alphago49"
    again, _ = default_networks(seed=5)
    assert all(torch.equal(a, b) for a, b in zip(policy.state_dict().values(), again.state_dict().values()))


def test_uniform_priors_and_values_are_float32():
    priors, values = UniformEvaluator().evaluate_batch(LeafBatch.from_games([GameState(5, Rules(komi=0.5))] * 2))
    assert priors.dtype == np.float32 and values.dtype == np.float32
    assert priors.shape == (2, 26) and np.allclose(priors, 1 / 26) and not values.any()


def test_a_value_network_does_not_apply_half_a_point_or_a_point_of_komi_away():
    policy = build_network(NetConfig(kind="policy", filters=8, layers=2))
    value = build_network(NetConfig(kind="value", feature_set="alphago49", filters=8, layers=2))
    scoped = TorchEvaluator(policy, value, device="cpu", value_komi=7.5)
    assert scoped.value_applies(9, 7.5)
    assert not any(scoped.value_applies(9, komi) for komi in (6.5, 7.0, 8.0, 8.5))


def test_a_dual_network_gives_priors_and_its_own_value():
    torch.manual_seed(1)
    dual = build_network(NetConfig(kind="dual", filters=8, blocks=1))
    evaluator = TorchEvaluator(dual, device="cpu", symmetry="none", cache_size=16)
    assert evaluator.has_value and evaluator.value_applies(5, 0.5)
    games = [GameState(5, Rules(komi=0.5)), GameState(5, Rules(komi=0.5))]
    games[1].play(games[1].legal_moves()[3])
    batch = LeafBatch.from_games(games)
    priors, values = evaluator.evaluate_batch(batch)
    assert priors.dtype == np.float32 and values.dtype == np.float32  # also through the cache
    assert priors.shape == (2, 26) and np.allclose(priors.sum(1), 1, atol=1e-5)
    with torch.inference_mode():
        _, expected, _ = dual.eval()(torch.from_numpy(evaluator.features(batch)))
    assert np.allclose(values, expected.numpy(), atol=1e-5) and np.all(np.abs(values) <= 1)


def test_an_unknown_symmetry_mode_is_refused_by_name():
    policy = build_network(NetConfig(kind="policy", filters=8, layers=2))
    with pytest.raises(ValueError, match="unknown symmetry mode 'mirror'"):
        TorchEvaluator(policy, device="cpu", symmetry="mirror")


def test_a_batch_carries_the_games_scoring_and_the_evaluators_their_scope():
    game = GameState(5, Rules(komi=0.5, scoring="territory", ko="simple", handicap_compensation="none"))
    batch = LeafBatch.for_game(game, np.stack([game.board.array]), np.array([game.to_move], np.int64))
    assert batch.territory is True and LeafBatch.from_games([game]).territory is True
    assert LeafBatch.from_games([GameState(5)]).territory is False and batch.komi == game.white_bonus()
    assert LeafBatch.from_games([game]).to_move.dtype == np.int64
    assert UniformEvaluator().value_applies(19, 7.5) and RolloutEvaluator().value_applies(19, 7.5)


def test_rollout_values_follow_the_scoring_rules():
    """A settled position Black wins by area (16 to 9) but loses by territory (White holds 40
    prisoners); the default seed is seed 0."""
    from gogame import board_nb as nb
    from gogame.board import Board

    for territory, black_wins in ((False, True), (True, False)):
        game = GameState(5, Rules(komi=0.5, scoring="territory" if territory else "area", ko="simple"))
        game.board = Board.from_ascii("X X O . .\nX X O . .\nX X O O O\nX X X X X\n. . . . .")
        game.board.array[nb.H_PRISONERS_W] = 40
        batch = LeafBatch.for_game(game, np.stack([game.board.array] * 16), np.full(16, 1, np.int64))
        values = RolloutEvaluator().evaluate_batch(batch)[1]
        assert (values.mean() > 0) == black_wins, territory
        assert np.array_equal(values, RolloutEvaluator(seed=0).evaluate_batch(batch)[1])
