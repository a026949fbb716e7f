"""Benchmarks of the search (pytest-benchmark; skipped by the plain test run). The same figures,
with the network measured alone in the same run, come from ``tengen bench mcts --json``."""
from __future__ import annotations

import pytest

from tengen.bench import mcts_benchmark


@pytest.mark.parametrize("evaluator, rollouts", [("uniform", 0.0), ("rollout", 0.0), ("network", 0.0), ("network", 0.5)],
                         ids=["uniform", "rollout-evaluator", "network", "network-rollouts-0.5"])
def test_bench_mcts(benchmark, evaluator, rollouts):
    visits = 20000 if evaluator == "uniform" else 800
    figures = benchmark.pedantic(mcts_benchmark, kwargs=dict(size=9, visits=visits, batch=16, evaluator=evaluator,
                                                             device="cpu", rollout_weight=rollouts, nn_seconds=1.0),
                                 rounds=1, iterations=1)
    benchmark.extra_info.update({k: v for k, v in figures.items() if k != "networks"})
    assert figures["visits"] == visits
