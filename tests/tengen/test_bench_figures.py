"""``mcts_benchmark`` at toy settings, in-process (the real benchmarks need pytest-benchmark): the
figures it reports are the ones asked for and agree with each other and with the wall clock;
the networks it times are the checkpoints it was given; its settings come through the one
settings mechanism (``tengen bench mcts --set search.c_puct=...``)."""
from __future__ import annotations

import json
import time

import numpy as np

import pytest

from common.settings import SettingError, apply_settings
from nets.checkpoint import CheckpointError, CheckpointInfo, save_checkpoint
from nets.config import NetConfig
from nets.models import build_network
from tengen.bench import BENCH_SEARCH, MctsBenchConfig, mcts_benchmark

POLICY = NetConfig(kind="policy", filters=8, layers=2)
VALUE = NetConfig(kind="value", feature_set="alphago49", filters=8, layers=2, value_hidden=8)
SEARCH_ONLY = {"size", "games", "visits", "batch", "evaluator", "rollout_weight", "device", "threads", "seconds",
               "sims_per_s", "best_move", "search"}


def bench(settings: dict[str, object]) -> dict:
    """``mcts_benchmark`` with settings as the command line writes them (``search.batch_size``)."""
    return mcts_benchmark(apply_settings(MctsBenchConfig(), {"threads": "none", "nets.device": "cpu", **settings}))


def timed(settings: dict[str, object]) -> tuple[dict, float]:
    start = time.perf_counter()
    figures = bench(settings)
    return figures, time.perf_counter() - start


def check_rates(figures: dict, wall: float) -> None:
    seconds, rate, visits = figures["seconds"], figures["sims_per_s"], figures["visits"]
    assert 0 <= seconds <= wall  # rounded to the millisecond: a toy search may show 0.0
    # sims_per_s is visits over the unrounded time: within the rounding of seconds (1 ms)
    assert visits / (seconds + 0.0006) - 0.1 <= rate <= visits / max(seconds - 0.0006, 1e-9) + 0.1
    # rounded as documented: seconds to the millisecond, rates to a tenth, the ratio to 3 places
    assert isinstance(seconds, float) and round(seconds, 3) == seconds
    for key, places in (("sims_per_s", 1), ("nn_positions_per_s", 1), ("ratio", 3)):
        if key in figures:
            assert isinstance(figures[key], float) and round(figures[key], places) == figures[key], key


@pytest.mark.parametrize("evaluator", ["uniform", "rollout"])
def test_a_search_only_benchmark_reports_its_settings_and_consistent_rates(evaluator):
    figures, wall = timed({"size": 5, "visits": 48, "search.batch_size": 4, "evaluator": evaluator, "seed": 1})
    assert set(figures) == SEARCH_ONLY  # no network figures without a network
    assert (figures["size"], figures["games"], figures["visits"], figures["batch"]) == (5, 1, 48, 4)
    assert (figures["evaluator"], figures["rollout_weight"], figures["device"], figures["threads"]) == \
        (evaluator, 0.0, "cpu", None)
    assert 8 <= figures["best_move"] <= 6 * 7 - 8  # a point of the 5x5 board (padded numbering)
    check_rates(figures, wall)


def test_the_search_settings_are_applied_and_reported():
    figures = bench({"size": 5, "visits": 16, "evaluator": "uniform", "search.c_puct": "2.5",
                     "search.fpu_reduction": "0"})
    expected = vars(BENCH_SEARCH) | {"c_puct": 2.5, "fpu_reduction": 0.0, "seed": 0}
    assert figures["search"] == expected | {"edges_per_node": 64}  # the pools as searched: 26 edges a node would do
    grown = bench({"size": 5, "visits": 16, "evaluator": "uniform", "search.node_limit": "16",
                   "search.edges_per_node": "1"})
    assert (grown["search"]["node_limit"], grown["search"]["edges_per_node"]) == (32, 26)
    json.dumps(figures)  # --json prints it as it is


def test_several_games_searched_together_count_every_games_visits():
    figures, wall = timed({"size": 5, "visits": 24, "search.batch_size": 4, "evaluator": "uniform", "games": 3})
    assert figures["games"] == 3 and figures["visits"] == 3 * 24
    check_rates(figures, wall)


@pytest.mark.parametrize("settings, message", [
    ({"evaluator": "magic"}, "setting 'evaluator' expects one of network, uniform, rollout"),
    ({"visits": "0"}, "visits and games must be positive"),
    ({"games": "0"}, "visits and games must be positive, got 3200 and 0"),
    ({"threads": "0"}, "threads must be positive, got 0"),
    ({"seed": "-2"}, "seed must be at least 0, got -2"),
    ({"nn_seconds": "0"}, "nn_seconds must be positive, got 0.0"),
    ({"size": "26"}, "board size 26 is out of range"),
    ({"search.batch_size": "x"}, "setting 'search.batch_size' expects an integer"),
])
def test_bad_settings_are_refused_naming_the_key(settings, message):
    with pytest.raises(SettingError, match=message):
        apply_settings(MctsBenchConfig(), settings)


@pytest.fixture
def checkpoints(tmp_path):
    policy, value = tmp_path / "policy.safetensors", tmp_path / "value.safetensors"
    save_checkpoint(policy, build_network(POLICY), CheckpointInfo(POLICY, (5,)))
    save_checkpoint(value, build_network(VALUE), CheckpointInfo(VALUE, (5,)))
    return policy, value


def test_the_network_benchmark_times_the_given_checkpoints_and_relates_the_two_rates(checkpoints):
    policy, value = checkpoints
    figures, wall = timed({"size": 5, "visits": 32, "search.batch_size": 4, "nets.weights": str(policy),
                           "nets.value_weights": str(value), "nn_seconds": 0.05, "search.rollout_weight": 0.5})
    assert figures["networks"] == [POLICY.to_dict(), VALUE.to_dict()]
    assert figures["device"] == "cpu" and figures["rollout_weight"] == 0.5 and figures["visits"] == 32
    check_rates(figures, wall)
    assert figures["nn_positions_per_s"] > 0
    assert figures["ratio"] == pytest.approx(figures["sims_per_s"] / figures["nn_positions_per_s"], rel=2e-3, abs=2e-3)
    # without value weights only the policy network is searched with and timed
    figures = bench({"size": 5, "visits": 16, "search.batch_size": 4, "nets.weights": str(policy), "nn_seconds": 0.02})
    assert figures["networks"] == [POLICY.to_dict()]


def test_value_weights_must_hold_a_value_network(checkpoints):
    policy, _ = checkpoints
    with pytest.raises(CheckpointError, match="a policy network, but a value network is needed"):
        bench({"size": 5, "visits": 8, "nets.weights": str(policy), "nets.value_weights": str(policy)})


def test_several_games_evaluate_at_most_games_times_batch_leaves_per_call(monkeypatch):
    import tengen.wiring
    from nets.evaluator import UniformEvaluator

    sizes: list[int] = []

    class Counting(UniformEvaluator):
        def evaluate_batch(self, batch):
            priors, values = super().evaluate_batch(batch)
            sizes.append(len(values))
            return priors, values

    monkeypatch.setattr(tengen.wiring, "UniformEvaluator", Counting)
    figures = bench({"size": 5, "visits": 40, "search.batch_size": 3, "evaluator": "uniform", "games": 2})
    assert figures["visits"] == 80
    assert max(sizes) == 6  # as the docstring says: up to games * batch leaves in one call


def test_the_rollout_policy_file_is_used_for_the_rollouts(tmp_path):
    from nets.rollout_policy import RolloutPolicy

    RolloutPolicy().save(tmp_path / "rollout.safetensors")
    figures = bench({"size": 5, "visits": 16, "evaluator": "uniform", "search.rollout_weight": "1",
                     "nets.rollout_weights": str(tmp_path / "rollout.safetensors")})
    assert figures["visits"] == 16
    with pytest.raises(CheckpointError, match="no such rollout policy file"):
        bench({"size": 5, "visits": 16, "evaluator": "uniform", "nets.rollout_weights": str(tmp_path / "none")})


def test_the_smallest_settings_are_taken():
    config = apply_settings(MctsBenchConfig(), {"visits": "1", "games": "1", "threads": "1", "seed": "0",
                                                "nn_seconds": "0.01"})
    assert (config.visits, config.games, config.threads, config.nn_seconds) == (1, 1, 1, 0.01)


@pytest.mark.parametrize("games", [1, 2])
def test_every_search_gets_the_rollout_policy(monkeypatch, tmp_path, games):
    import search.bench
    from nets.rollout_policy import RolloutPolicy
    from search.mcts import MCTS

    policy = RolloutPolicy(np.linspace(-1, 1, RolloutPolicy().weights.shape[0]))
    policy.save(tmp_path / "rollout.safetensors")
    given = []

    class Recording(MCTS):
        def __init__(self, evaluator, config, rollout_weights=None):
            given.append(rollout_weights)
            super().__init__(evaluator, config, rollout_weights)

    monkeypatch.setattr(search.bench, "MCTS", Recording)
    bench({"size": 5, "visits": 8, "evaluator": "uniform", "games": games,
           "nets.rollout_weights": str(tmp_path / "rollout.safetensors")})
    assert len(given) == 1 + games  # the warm-up, then each game
    assert all(w is not None and np.allclose(w, policy.weights, atol=1e-6) for w in given)
