"""The random playout kernel does the same work as the C reference (shared/bench/ref_playout.c):
its statistics must agree with the figures that program's README states."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gogame import board_nb as nb
from gogame.playout_nb import make_rng_state, random_below_nb, run_playouts_nb

# shared/bench/README.md: mean stones placed per playout and Black's win rate, with their errors
REFERENCE = {9: (107.37, 0.015, 0.4222, 0.0005), 19: (451.10, 0.06, 0.4611, 0.0011)}


@pytest.mark.parametrize("size, playouts", [(9, 200_000), (19, 30_000)])
def test_statistics_match_the_c_reference(size, playouts):
    template = np.zeros(nb.board_length(size), np.int64)
    nb.init_board_nb(template, size)
    totals = np.zeros(6, np.int64)
    run_playouts_nb(template, template.copy(), playouts, 7.5, make_rng_state(size), totals)
    count, stones, stones_sq, _, black_wins, cap_hits = (int(v) for v in totals)
    mean = stones / count
    stones_error = math.sqrt(stones_sq / count - mean * mean) / math.sqrt(count)
    win_rate = black_wins / count
    win_error = math.sqrt(win_rate * (1 - win_rate) / count)
    ref_mean, ref_mean_error, ref_win, ref_win_error = REFERENCE[size]
    # four combined standard errors: a real difference in the rules moves these by far more
    assert abs(mean - ref_mean) < 4 * math.hypot(stones_error, ref_mean_error), mean
    assert abs(win_rate - ref_win) < 4 * math.hypot(win_error, ref_win_error), win_rate
    assert cap_hits == 0


def test_random_below_is_uniform():
    rng_state = make_rng_state(5)
    counts = np.bincount([random_below_nb(rng_state, 7) for _ in range(70_000)], minlength=7)
    assert counts.sum() == 70_000 and np.all(np.abs(counts - 10_000) < 500)
