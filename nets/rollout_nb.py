"""Numba kernels of AlphaGo's fast rollout policy: a linear softmax over small local features.

For the side to move ``c`` and each candidate point (empty, legal, not ``c``'s own true eye), the
logit is the sum of the weights of the candidate's active features:

==========================  =========  ==========================================================
feature                     weights    active when
==========================  =========  ==========================================================
3x3 pattern                 65,536     always: the 8 neighbours (clockwise from the top-left),
                                       each empty / own / opponent / off-board, base 4
response to the last move   8          the candidate is one of the 8 points around the last move
                                       (one weight per relative position)
save atari                  1          the candidate is the liberty of an own chain in atari
capture                     1          the candidate captures
self-atari                  1          the candidate leaves its own chain with one liberty
==========================  =========  ==========================================================

So a move costs a few microseconds. Weights are one float32 vector (``WEIGHTS`` entries).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from gogame import board_nb as nb
from gogame.features_nb import move_effects_nb
from gogame.playout_nb import random_below_nb

PATTERN_WEIGHTS = 4**8
RESPONSE_OFFSET = PATTERN_WEIGHTS
SAVE_ATARI = RESPONSE_OFFSET + 8
CAPTURE = SAVE_ATARI + 1
SELF_ATARI = CAPTURE + 1
WEIGHTS = SELF_ATARI + 1
MAX_FEATURES = 5  # active features of one candidate


@njit(cache=True)
def candidate_features_nb(b, p, c, mark, stamp, out):
    """Write the indices of ``p``'s active features for ``c`` into ``out``; returns how many."""
    w = b[nb.H_W]
    npts = b[nb.H_NP]
    col = nb.HEADER + nb.F_COLOR * npts
    head = nb.HEADER + nb.F_HEAD * npts
    pattern = 0
    scale = 1
    for k in range(8):
        if k == 0:
            q = p - w - 1
        elif k == 1:
            q = p - w
        elif k == 2:
            q = p - w + 1
        elif k == 3:
            q = p + 1
        elif k == 4:
            q = p + w + 1
        elif k == 5:
            q = p + w
        elif k == 6:
            q = p + w - 1
        else:
            q = p - 1
        cq = b[col + q]
        state = 0 if cq == nb.EMPTY else (3 if cq == nb.BORDER else (1 if cq == c else 2))
        pattern += state * scale
        scale *= 4
    out[0] = pattern
    n = 1
    last = b[nb.H_LAST]
    if last != 0:
        d = p - last
        offsets = (-w - 1, -w, -w + 1, 1, w + 1, w, w - 1, -1)
        for k in range(8):
            if d == offsets[k]:
                out[n] = RESPONSE_OFFSET + k
                n += 1
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        if b[col + q] == c and nb.chain_in_atari_nb(b, b[head + q]):
            out[n] = SAVE_ATARI
            n += 1
            break
    captures, liberties, _stones = move_effects_nb(b, p, c, mark, stamp)
    if captures > 0:
        out[n] = CAPTURE
        n += 1
    if liberties == 1:
        out[n] = SELF_ATARI
        n += 1
    return n


@njit(cache=True)
def policy_nb(b, c, weights, points, probabilities, mark, stamp_base):
    """Candidates of ``c`` into ``points`` and their softmax probabilities; returns how many."""
    npts = b[nb.H_NP]
    emp = nb.HEADER + nb.F_EMPTY * npts
    features = np.empty(MAX_FEATURES, np.int64)
    n = 0
    top = -1e30
    for i in range(b[nb.H_NEMPTY]):
        p = b[emp + i]
        if nb.is_eye_nb(b, p, c) or nb.legal_reason_nb(b, p, c, False) != nb.LEGAL:
            continue
        k = candidate_features_nb(b, p, c, mark, stamp_base + n + 1, features)
        logit = 0.0
        for j in range(k):
            logit += weights[features[j]]
        points[n] = p
        probabilities[n] = logit
        if logit > top:
            top = logit
        n += 1
    total = 0.0
    for i in range(n):
        probabilities[i] = math.exp(probabilities[i] - top)
        total += probabilities[i]
    for i in range(n):
        probabilities[i] /= total
    return n


@njit(cache=True)
def sample_move_nb(b, c, weights, rng_state, points, probabilities, mark, stamp_base):
    """A move of ``c`` drawn from the rollout policy, or 0 (pass) without candidates."""
    n = policy_nb(b, c, weights, points, probabilities, mark, stamp_base)
    if n == 0:
        return 0
    u = random_below_nb(rng_state, 1 << 30) / float(1 << 30)
    acc = 0.0
    for i in range(n):
        acc += probabilities[i]
        if u < acc:
            return points[i]
    return points[n - 1]


@njit(cache=True)
def policy_playout_nb(b, to_move, weights, rng_state, max_stones):
    """A playout with both sides drawing from the rollout policy; ends at two passes or
    ``max_stones`` stones. Mutates ``b``; returns the area score, Black minus White."""
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
    return nb.area_score_nb(b)


@njit(cache=True)
def sgd_step_nb(b, c, move, weights, learning_rate, mark):
    """One step of supervised learning on (position, move played): gradient ascent on log pi(move).
    Returns log pi(move) before the step, or 0 when ``move`` is no candidate (nothing changes)."""
    npts = b[nb.H_NP]
    points = np.empty(npts, np.int64)
    probabilities = np.empty(npts, np.float64)
    mark[:] = 0
    n = policy_nb(b, c, weights, points, probabilities, mark, 0)
    target = -1
    for i in range(n):
        if points[i] == move:
            target = i
    if target < 0:
        return 0.0
    features = np.empty(MAX_FEATURES, np.int64)
    stamp = n + 10
    for i in range(n):
        k = candidate_features_nb(b, points[i], c, mark, stamp + i, features)
        grad = (1.0 if i == target else 0.0) - probabilities[i]
        for j in range(k):
            weights[features[j]] += learning_rate * grad
    return math.log(probabilities[target])
