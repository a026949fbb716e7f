"""Uniformly random, eye-avoiding playouts (numba), for benchmarks, rollouts and ownership.

One playout: each turn the side to move picks uniformly among the empty points that are legal
(not suicide, not the simple-ko point) and not its own true eye (``is_eye_nb``); it passes when
there is none. The game ends at two consecutive passes or when ``3 * N * N`` stones have been
placed, and is scored by area (Tromp-Taylor). These are exactly the semantics of the C reference in
``shared/bench/ref_playout.c``, so the statistics (stones per playout, Black's win rate) must match.

Randomness is xorshift64* in a one-element ``uint64`` array that the caller owns (``rng_state``),
with Lemire's unbiased range reduction.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from .board_nb import (
    BLACK,
    F_COLOR,
    F_EIDX,
    F_EMPTY,
    F_HEAD,
    H_LAST,
    H_W,
    H_NEMPTY,
    H_NP,
    H_SIZE,
    HEADER,
    LEGAL,
    WHITE,
    chain_in_atari_nb,
    chain_liberties_nb,
    first_liberties_nb,
    is_eye_nb,
    legal_reason_nb,
    pass_nb,
    play_nb,
)
from .scoring_nb import add_ownership_nb, area_score_nb

_MULTIPLIER = np.uint64(0x2545F4914F6CDD1D)


def make_rng_state(seed: int) -> np.ndarray:
    """A fresh xorshift64* state (a one-element uint64 array) from an integer seed (splitmix64)."""
    z = (seed + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return np.array([z or 1], dtype=np.uint64)


@njit(cache=True, nogil=True)
def random_below_nb(rng_state, n):
    """Uniform integer in [0, n), n >= 1, without modulo bias. Advances ``rng_state``."""
    bound = np.uint64(n)
    while True:
        x = rng_state[0]
        x ^= x >> np.uint64(12)
        x ^= x << np.uint64(25)
        x ^= x >> np.uint64(27)
        rng_state[0] = x
        product = ((x * _MULTIPLIER) >> np.uint64(32)) * bound
        low = product & np.uint64(0xFFFFFFFF)
        # reject the few low values that would bias the result (Lemire)
        if low >= bound or low >= (np.uint64(0x100000000) - bound) % bound:
            return np.int64(product >> np.uint64(32))


@njit(cache=True, nogil=True)
def random_move_nb(b, c, rng_state):
    """A uniformly random legal point for ``c`` that is not its own true eye, or 0 (pass).

    Samples the empty list without replacement, swapping rejected points to the end of the
    window, so that every acceptable point has the same chance. Reorders the empty list only."""
    npts = b[H_NP]
    emp = HEADER + F_EMPTY * npts
    eidx = HEADER + F_EIDX * npts
    n = b[H_NEMPTY]
    while n > 0:
        i = random_below_nb(rng_state, n)
        p = b[emp + i]
        if not is_eye_nb(b, p, c) and legal_reason_nb(b, p, c, False) == LEGAL:
            return p
        n -= 1
        q = b[emp + n]
        b[emp + i] = q
        b[eidx + q] = i
        b[emp + n] = p
        b[eidx + p] = n
    return 0


@njit(cache=True, nogil=True)
def playout_nb(b, to_move, rng_state, stats):
    """Play one random playout on ``b`` from its position with ``to_move`` to play. Mutates ``b``.

    ``stats`` (int64, length 3) receives stones placed, passes, and 1 when the stone cap ended
    the game. Returns the final area score, Black minus White, without komi."""
    size = b[H_SIZE]
    cap = 3 * size * size
    c = to_move
    consecutive_passes = 0
    stones = 0
    passes = 0
    capped = 0
    while True:
        p = random_move_nb(b, c, rng_state)
        if p != 0:
            play_nb(b, p, c)
            consecutive_passes = 0
            stones += 1
            if stones >= cap:
                capped = 1
                break
        else:
            pass_nb(b)
            passes += 1
            consecutive_passes += 1
            if consecutive_passes >= 2:
                break
        c = 3 - c
    stats[0] = stones
    stats[1] = passes
    stats[2] = capped
    return area_score_nb(b)


@njit(cache=True, nogil=True)
def run_playouts_nb(template, work, n_playouts, komi, rng_state, totals):
    """Play ``n_playouts`` playouts from ``template`` (Black to move), resetting ``work`` from it
    each time. Adds to ``totals`` (int64, length 6): playouts, stones, squared stones, passes,
    Black wins, cap hits."""
    stats = np.zeros(3, np.int64)
    for _ in range(n_playouts):
        work[:] = template
        score = playout_nb(work, BLACK, rng_state, stats)
        totals[0] += 1
        totals[1] += stats[0]
        totals[2] += stats[0] * stats[0]
        totals[3] += stats[1]
        totals[4] += 1 if score - komi > 0 else 0
        totals[5] += stats[2]


@njit(cache=True, nogil=True)
def ownership_nb(start, to_move, n_playouts, rng_state, ownership):
    """Average Tromp-Taylor owner of each point over ``n_playouts`` random playouts from
    ``start`` (not mutated): ``ownership`` (float64, length W*W) gets +1 for Black, -1 for White.
    Returns the mean area score, Black minus White, without komi."""
    work = start.copy()
    owner = np.empty(start[H_NP], np.int64)
    stats = np.zeros(3, np.int64)
    ownership[:] = 0.0
    score_total = 0.0
    for _ in range(n_playouts):
        work[:] = start
        score_total += playout_nb(work, to_move, rng_state, stats)
        add_ownership_nb(work, owner, ownership)
    for p in range(ownership.shape[0]):
        ownership[p] /= n_playouts
    return score_total / n_playouts


@njit(cache=True, nogil=True)
def _urgent_move_nb(b, c):
    """A capture-aware reply to the last move, or 0: capture an opponent chain next to it that is
    in atari, else save an own chain next to it that is in atari by extending (when that leaves
    it two or more liberties)."""
    last = b[H_LAST]
    if last == 0:
        return 0
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    head = HEADER + F_HEAD * npts
    mark = np.zeros(npts, np.int64)
    liberties = np.zeros(2, np.int64)
    for k in range(5):
        q = last if k == 4 else (last - w if k == 0 else (last - 1 if k == 1 else (last + 1 if k == 2 else last + w)))
        cq = b[col + q]
        if cq != BLACK and cq != WHITE:
            continue
        if not chain_in_atari_nb(b, b[head + q]):
            continue
        first_liberties_nb(b, q, liberties)
        liberty = liberties[0]
        if legal_reason_nb(b, liberty, c, False) != LEGAL:
            continue
        if cq != c:
            return liberty  # capture
        trial = b.copy()
        play_nb(trial, liberty, c)
        if chain_liberties_nb(trial, liberty, mark) >= 2:
            return liberty  # escape
    return 0


@njit(cache=True, nogil=True)
def capture_aware_playout_nb(b, to_move, rng_state, max_stones):
    """A playout whose players answer the last move by capturing or escaping when a chain next to
    it is in atari (``_urgent_move_nb``), and play uniformly random non-eye moves otherwise.
    Ends at two passes or ``max_stones`` stones. Mutates ``b``; returns the area score."""
    c = to_move
    consecutive_passes = 0
    stones = 0
    while stones < max_stones:
        p = _urgent_move_nb(b, c)
        if p == 0 or is_eye_nb(b, p, c):
            p = random_move_nb(b, c, rng_state)
        if p != 0:
            play_nb(b, p, c)
            consecutive_passes = 0
            stones += 1
        else:
            pass_nb(b)
            consecutive_passes += 1
            if consecutive_passes >= 2:
                break
        c = 3 - c
    return area_score_nb(b)
