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
from tests.nets.reference_rollout import policy_playout_full_nb

WEIGHTS = Path(__file__).resolve().parents[2] / "nets" / "weights" / "rollout-9x9.safetensors"


def _starts(size: int) -> list[np.ndarray]:
    """The empty board and positions 2, 4, ... random moves in (49 on 9x9, 9 on 19x19)."""
    rng = np.random.default_rng(5)
    boards = [GameState(size).board.array.copy()]
    for count in range(2, 51 if size == 9 else 160, 1 if size == 9 else 16):
        game = GameState(size)
        for _ in range(count):
            game.play(int(rng.choice(game.legal_moves())), game.to_move)
        boards.append(game.board.array.copy())
    return boards


@pytest.mark.parametrize("size", [9, 19])
@pytest.mark.parametrize("kernel", [kernels.policy_playout_nb, policy_playout_full_nb],
                         ids=["incremental", "full-recomputation"])
def test_bench_rollout_policy_playouts(benchmark, kernel, size):
    benchmark.group = f"rollout-policy-playouts-{size}x{size}"
    weights = RolloutPolicy.load(WEIGHTS).weights
    starts = _starts(size)
    cap = 3 * size * size
    kernel(starts[0].copy(), 1, weights, make_rng_state(0), cap)  # compile or load from the cache

    def playouts() -> int:
        return sum(kernel(board.copy(), 1 + i % 2, weights, make_rng_state(i), cap) for i, board in enumerate(starts))

    benchmark.extra_info["playouts_per_round"] = len(starts)
    assert abs(benchmark(playouts)) <= size * size * len(starts)
