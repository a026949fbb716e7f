"""TorchEvaluator with a four-headed zero network (feature set zero50): the planes it feeds are the
feature set's own, komi plane included; komi is part of the cache key; the cache keeps at most
``cache_size`` positions (none at 0); random symmetries draw from the evaluator's seed."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from gogame.features import feature_set
from gogame.game import GameState
from gogame.rules import Rules
from nets.config import NetConfig
from nets.evaluator import LeafBatch
from nets.models import build_network
from nets.torch_evaluator import TorchEvaluator


def zero_network(seed: int = 3) -> torch.nn.Module:
    torch.manual_seed(seed)
    return build_network(NetConfig(kind="zero", feature_set="zero50", filters=8, blocks=2, value_hidden=8))


def games(komi: float = 7.5) -> list[GameState]:
    positions = []
    for moves in ([], ["E5"], ["E5", "C3"], ["C7", "G3", "pass"]):
        game = GameState(9, Rules(komi=komi))
        for vertex in moves:
            game.play_gtp(vertex)
        positions.append(game)
    return positions


def test_the_planes_are_the_zero50_feature_set_komi_and_colour_included():
    evaluator = TorchEvaluator(zero_network(), device="cpu", symmetry="none", cache_size=0)
    assert evaluator.planes == feature_set("zero50").planes and evaluator.heads == ("ownership", "score")
    for komi in (7.5, -3.5, 0.5):
        positions = games(komi)
        planes = evaluator.features(LeafBatch.from_games(positions))
        expected = np.stack([feature_set("zero50").extract(g) for g in positions]).astype(np.float32)
        assert np.array_equal(planes, expected), komi


def test_priors_and_values_are_the_networks_on_those_planes():
    network = zero_network()
    evaluator = TorchEvaluator(network, device="cpu", symmetry="none", cache_size=0)
    positions = games()
    priors, values = evaluator.evaluate_batch(LeafBatch.from_games(positions))
    with torch.inference_mode():
        heads = network(torch.from_numpy(np.stack([feature_set("zero50").extract(g) for g in positions]).astype(np.float32)))
    expected = torch.softmax(heads["policy"], dim=1).numpy()
    wdl = torch.softmax(heads["value"], dim=1).numpy()
    assert np.allclose(priors, expected, atol=1e-6) and np.allclose(values, wdl[:, 0] - wdl[:, 1], atol=1e-6)


def test_komi_is_part_of_the_cache_key_of_a_zero_network():
    evaluator = TorchEvaluator(zero_network(), device="cpu", symmetry="none", cache_size=100)
    fresh = TorchEvaluator(zero_network(), device="cpu", symmetry="none", cache_size=0)
    for komi in (7.5, -20.5):  # the same stones at another komi: another input, not a cache hit
        batch = LeafBatch.from_games(games(komi))
        cached, uncached = evaluator.evaluate_batch(batch), fresh.evaluate_batch(batch)
        assert np.allclose(cached[0], uncached[0]) and np.allclose(cached[1], uncached[1]), komi
    assert len(evaluator.cache) == 8
    assert not np.allclose(fresh.evaluate_batch(LeafBatch.from_games(games(7.5)))[1],
                           fresh.evaluate_batch(LeafBatch.from_games(games(-20.5)))[1])


@pytest.mark.parametrize("cache_size", [0, 1, 3])
def test_the_cache_holds_at_most_its_size(cache_size):
    evaluator = TorchEvaluator(zero_network(), device="cpu", symmetry="none", cache_size=cache_size)
    evaluator.evaluate_batch(LeafBatch.from_games(games()))
    assert len(evaluator.cache) == min(cache_size, 4)


def test_random_symmetries_follow_the_seed():
    position = LeafBatch.from_games(games()[2:3])  # E5 C3: no symmetry maps it onto itself
    draws = {}
    for seed in (0, 1, 2, 3):
        evaluator = TorchEvaluator(zero_network(), device="cpu", symmetry="random", cache_size=0, seed=seed)
        draws[seed] = np.concatenate([evaluator.evaluate_batch(position)[0][0] for _ in range(4)])
    again = TorchEvaluator(zero_network(), device="cpu", symmetry="random", cache_size=0, seed=2)
    assert np.array_equal(np.concatenate([again.evaluate_batch(position)[0][0] for _ in range(4)]), draws[2])
    assert len({draw.tobytes() for draw in draws.values()}) > 1
