"""Benchmarks (pytest-benchmark) of the rules engine; skipped by the plain test run.

Run: ``python -m pytest tests/gogame/test_bench.py --benchmark-enable --benchmark-only``.
Compare with the C reference in the same run through ``tengen bench rules --reference``.
"""
from __future__ import annotations

import numpy as np
import pytest

from gogame import board_nb as nb
from gogame.bench import random_positions
from gogame.features import FEATURES_ALPHAGO_48
from gogame.playout_nb import make_rng_state, run_playouts_nb

PLAYOUTS_PER_ROUND = 200


@pytest.mark.parametrize("size", [9, 19])
def test_bench_random_playouts(benchmark, size):
    template = np.zeros(nb.board_length(size), np.int64)
    nb.init_board_nb(template, size)
    work = template.copy()
    rng_state = make_rng_state(1)
    totals = np.zeros(6, np.int64)
    run_playouts_nb(template, work, 10, 7.5, rng_state, totals)  # warm up: compile or load the cache
    benchmark.pedantic(run_playouts_nb, args=(template, work, PLAYOUTS_PER_ROUND, 7.5, rng_state, totals),
                       rounds=20, warmup_rounds=2)
    benchmark.extra_info["playouts_per_s"] = PLAYOUTS_PER_ROUND / benchmark.stats.stats.mean
    benchmark.extra_info["moves_per_playout"] = totals[1] / totals[0]


@pytest.mark.parametrize("size", [9, 19])
def test_bench_alphago48_features(benchmark, size):
    positions = random_positions(size, 8, size * size // 2)
    out = np.zeros((48, size, size), np.float32)
    FEATURES_ALPHAGO_48.fill(positions[0], out)

    def extract_all():
        for game in positions:
            FEATURES_ALPHAGO_48.fill(game, out)

    benchmark.pedantic(extract_all, rounds=20, warmup_rounds=2)
    benchmark.extra_info["features_per_s"] = len(positions) / benchmark.stats.stats.mean
