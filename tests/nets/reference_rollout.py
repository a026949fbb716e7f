"""The fast rollout policy's playout the slow, obvious way: every candidate's features recomputed
at every move. The reference the incremental playout (:func:`nets.rollout_nb.policy_playout_nb`)
is checked (tests/nets/test_rollout_policy.py) and timed (tests/nets/test_bench_rollout.py)
against; test-only."""
from __future__ import annotations

import numpy as np
from numba import njit

from gogame import board_nb as nb
from gogame.scoring_nb import area_score_nb
from nets.rollout_nb import sample_move_nb


@njit(cache=True)
def policy_playout_full_nb(b, to_move, weights, rng_state, max_stones):
    """:func:`policy_playout_nb` recomputing every candidate's features at every move: the
    reference the incremental playout is checked and timed against. Mutates ``b``."""
    npts = b[nb.H_NP]
    points = np.empty(npts, np.int64)
    probabilities = np.empty(npts, np.float64)
    mark = np.zeros(npts, np.int64)
    stamp = 0
    c = to_move
    passes = 0
    stones = 0
    while stones < max_stones:
        p = sample_move_nb(b, c, weights, rng_state, points, probabilities, mark, stamp)
        stamp += npts + 1
        if p != 0:
            nb.play_nb(b, p, c)
            passes = 0
            stones += 1
        else:
            nb.pass_nb(b)
            passes += 1
            if passes >= 2:
                break
        c = 3 - c
    return area_score_nb(b)
