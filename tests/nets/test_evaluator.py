"""Evaluators: shapes and ranges, symmetry handling, the cache, devices."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from gogame.board_nb import BLACK
from gogame.features import FEATURES_ALPHAGO_48, FEATURES_ALPHAGO_49
from gogame.game import GameState
from gogame.symmetry import transform_point
from gogame.rules import Rules
from nets.config import NetConfig
from nets.device import pick_device
from nets.evaluator import LeafBatch, RolloutEvaluator, UniformEvaluator
from nets.torch_evaluator import TorchEvaluator
from nets.models import build_network
from tests.gogame.helpers import random_game


def small_nets(seed: int = 0):
    torch.manual_seed(seed)
    return (build_network(NetConfig(kind="policy", filters=16, layers=3)),
            build_network(NetConfig(kind="value", feature_set="alphago49", filters=16, layers=3)))


def test_uniform_and_rollout_evaluators():
    games = [random_game(9, 20, seed) for seed in range(4)]
    batch = LeafBatch.from_games(games)
    priors, values = UniformEvaluator().evaluate_batch(batch)
    assert priors.shape == (4, 82) and np.allclose(priors.sum(1), 1) and not values.any()
    lost = LeafBatch.from_games([GameState(5, Rules(komi=100.5))] * 3)  # Black to move cannot win with that komi
    _, values = RolloutEvaluator(seed=1).evaluate_batch(lost)
    assert values.tolist() == [-1.0, -1.0, -1.0]


def test_torch_evaluator_priors_values_and_cache():
    policy, value = small_nets()
    evaluator = TorchEvaluator(policy, value, device="cpu", symmetry="none")
    batch = LeafBatch.from_games([random_game(9, 30, seed) for seed in range(5)])
    priors, values = evaluator.evaluate_batch(batch)
    assert priors.shape == (5, 82) and np.allclose(priors.sum(1), 1, atol=1e-5)
    games = [random_game(9, 30, seed) for seed in range(5)]  # the networks' own outputs, side to move's view
    with torch.no_grad():
        expected_priors = torch.softmax(policy(torch.from_numpy(FEATURES_ALPHAGO_48.extract_batch(games))), 1).numpy()
        expected_values = value(torch.from_numpy(FEATURES_ALPHAGO_49.extract_batch(games))).numpy()
    assert np.allclose(priors, expected_priors, atol=1e-6) and np.allclose(values, expected_values, atol=1e-6)
    assert len(set(np.round(values, 6).tolist())) == 5  # five different positions, five different values
    calls = []
    evaluator._forward = lambda planes, size: calls.append(len(planes)) or (None, None)
    again, again_values = evaluator.evaluate_batch(batch)  # all five come from the cache
    assert calls == [] and np.array_equal(again, priors) and np.array_equal(again_values, values)
    # each cached row owns its memory: a view would keep its whole batch's array alive (a run's
    # memory then grows toward cache size times batch size)
    assert all(entry[0].base is None for entry in evaluator.cache.values())


def test_averaged_symmetries_are_equivariant():
    policy, value = small_nets(1)
    evaluator = TorchEvaluator(policy, value, device="cpu", symmetry="average", cache_size=0)
    rng = np.random.default_rng(0)
    game, mirrored = GameState(9), GameState(9)
    for _ in range(25):
        legal = game.legal_moves()
        pt = int(rng.choice(legal))
        game.play(pt)
        mirrored.play(transform_point(pt, 9, 5))
    priors, values = evaluator.evaluate_batch(LeafBatch.from_games([game, mirrored]))
    assert values[0] == pytest.approx(values[1], abs=1e-5)
    for index in range(81):
        pt = (index // 9 + 1) * 11 + index % 9 + 1
        moved = transform_point(pt, 9, 5)
        moved_index = (moved // 11 - 1) * 9 + moved % 11 - 1
        assert priors[0, index] == pytest.approx(priors[1, moved_index], abs=1e-5)


def test_devices():
    assert pick_device("cpu").type == "cpu"
    assert pick_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA device"):
            pick_device("cuda")


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_half_precision_agrees_with_the_cpu():
    policy, value = small_nets(2)
    batch = LeafBatch.from_games([random_game(9, 30, seed) for seed in range(8)])
    cpu_priors, cpu_values = TorchEvaluator(policy, value, device="cpu", symmetry="none").evaluate_batch(batch)
    gpu = TorchEvaluator(*small_nets(2), device="cuda", symmetry="none", half="fp16")
    assert gpu.dtype == torch.float16
    gpu_priors, gpu_values = gpu.evaluate_batch(batch)
    assert np.allclose(gpu_priors, cpu_priors, atol=2e-2) and np.allclose(gpu_values, cpu_values, atol=2e-2)


def test_a_value_network_applies_only_to_its_board_size_and_komi():
    torch.manual_seed(0)
    policy = build_network(NetConfig(kind="policy", filters=8, layers=2))
    value = build_network(NetConfig(kind="value", feature_set="alphago49", filters=8, layers=2))
    scoped = TorchEvaluator(policy, value, device="cpu", value_board_sizes=(9,), value_komi=7.5)
    assert scoped.value_applies(9, 7.5)
    assert not scoped.value_applies(9, 0.5) and not scoped.value_applies(19, 7.5)
    assert TorchEvaluator(policy, value, device="cpu").value_applies(19, 0.5)  # no scope recorded
    assert not TorchEvaluator(policy, device="cpu").value_applies(9, 7.5)  # no value network at all


def test_the_search_values_by_rollouts_where_the_value_network_does_not_apply():
    from search.mcts import MCTS, SearchConfig
    from search.result import SearchLimits

    class ConfidentValue(UniformEvaluator):
        """A value network that always says Black wins, trained at komi 7.5."""

        has_value = True

        def evaluate_batch(self, batch):
            priors, _ = super().evaluate_batch(batch)
            return priors, np.where(batch.to_move == BLACK, 1.0, -1.0).astype(np.float32)

        def value_applies(self, size, komi):
            return komi == 7.5

    def root_winrate(komi: float) -> float:
        search = MCTS(ConfidentValue(), SearchConfig(rollout_weight=0.0, batch_size=8, seed=1))
        return search.search(GameState(9, Rules(komi=komi)), SearchLimits(visits=400)).winrate

    # at its own komi the (value-only) search believes the network; at komi 150 Black cannot win,
    # and the rollouts that replace the network say so
    assert root_winrate(7.5) > 0.9
    assert root_winrate(150.0) < 0.05
