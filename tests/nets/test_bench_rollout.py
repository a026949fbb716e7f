"""Benchmarks of the fast rollout policy's playouts (pytest-benchmark; skipped by the plain test
run): the incremental playout against the full recomputation it replaced, on the same 9x9
positions in the same run, so their ratio is the figure to read:

    python -m pytest tests/nets/test_bench_rollout.py --benchmark-enable --benchmark-group-by=group
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gogame.game import GameState
from gogame.playout_nb import make_rng_state
from nets import rollout_nb as kernels
from nets.rollout_policy import RolloutPolicy

WEIGHTS = Path(__file__).resolve().parents[2] / "nets" / "weights" / "rollout-9x9.safetensors"


def _starts() -> list[np.ndarray]:
    """The empty board and 49 positions 2..50 random moves in."""
    rng = np.random.default_rng(5)
    boards = [GameState(9, 7.5).board.array.copy()]
    for count in range(2, 51):
        game = GameState(9, 7.5)
        for _ in range(count):
            game.play(int(rng.choice(game.legal_moves())), game.to_move)
        boards.append(game.board.array.copy())
    return boards


@pytest.mark.benchmark(group="rollout-policy-playouts")
@pytest.mark.parametrize("kernel", [kernels.policy_playout_nb, kernels.policy_playout_full_nb],
                         ids=["incremental", "full-recomputation"])
def test_bench_rollout_policy_playouts(benchmark, kernel):
    weights = RolloutPolicy.load(WEIGHTS).weights
    starts = _starts()
    kernel(starts[0].copy(), 1, weights, make_rng_state(0), 243)  # compile or load from the cache

    def playouts() -> int:
        return sum(kernel(board.copy(), 1 + i % 2, weights, make_rng_state(i), 243) for i, board in enumerate(starts))

    benchmark.extra_info["playouts_per_round"] = len(starts)
    assert abs(benchmark(playouts)) <= 81 * len(starts)
