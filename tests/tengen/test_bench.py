"""Benchmarks of the search (pytest-benchmark; skipped by the plain test run). The same figures,
with the network measured alone in the same run, come from ``tengen bench mcts --json``."""
from __future__ import annotations

import pytest

from common.settings import apply_settings
from tengen.bench import MctsBenchConfig, mcts_benchmark


@pytest.mark.parametrize("evaluator, rollouts", [("uniform", 0.0), ("rollout", 0.0), ("network", 0.0), ("network", 0.5)],
                         ids=["uniform", "rollout-evaluator", "network", "network-rollouts-0.5"])
def test_bench_mcts(benchmark, evaluator, rollouts):
    visits = 20000 if evaluator == "uniform" else 800
    config = apply_settings(MctsBenchConfig(), {"size": 9, "visits": visits, "search.batch_size": 16,
                                                "evaluator": evaluator, "nets.device": "cpu",
                                                "search.rollout_weight": rollouts, "nn_seconds": 1.0})
    figures = benchmark.pedantic(mcts_benchmark, args=(config,), rounds=1, iterations=1)
    benchmark.extra_info.update({k: v for k, v in figures.items() if k not in ("networks", "search")})
    assert figures["visits"] == visits


@pytest.mark.parametrize("threads", [(1,), (1, 2)], ids=["one-thread", "one-and-two-threads"])
def test_bench_selfplay(benchmark, threads):
    from tengen.bench import SelfPlayBenchConfig, selfplay_benchmark

    config = apply_settings(SelfPlayBenchConfig(), {"threads": threads, "seconds": 10.0, "nn_seconds": 2.0,
                                                    "nets.device": "cpu"})
    figures = benchmark.pedantic(selfplay_benchmark, args=(config, lambda n: None), rounds=1, iterations=1)
    benchmark.extra_info["runs"] = figures
    assert [f["threads"] for f in figures] == list(threads)
