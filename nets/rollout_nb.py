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
from gogame.scoring_nb import area_score_nb

PATTERN_WEIGHTS = 4**8
RESPONSE_OFFSET = PATTERN_WEIGHTS
SAVE_ATARI = RESPONSE_OFFSET + 8
CAPTURE = SAVE_ATARI + 1
SELF_ATARI = CAPTURE + 1
WEIGHTS = SELF_ATARI + 1
MAX_FEATURES = 5  # active features of one candidate


@njit(cache=True, nogil=True)
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
    o = 3 - c
    empty_neighbours = 0
    captures = False
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        cq = b[col + q]
        if cq == nb.EMPTY:
            empty_neighbours += 1
        elif cq == o and nb.chain_in_atari_nb(b, b[head + q]):
            captures = True
    if captures:
        out[n] = CAPTURE
        n += 1
    # two empty neighbours are two liberties: only a move with fewer can be a self-atari, and
    # only then is the chain it forms walked
    if empty_neighbours < 2 and move_effects_nb(b, p, c, mark, stamp)[1] == 1:
        out[n] = SELF_ATARI
        n += 1
    return n


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
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


# --- incremental playouts ------------------------------------------------------------------
#
# A move changes the features of few candidates: those whose 3x3 neighbourhood it touched (the
# stone, the captured stones), those next to the last move before and after it (the response
# feature), the ko points, and the liberties of every chain whose liberties changed (the
# mover's chain, the opponent chains beside it, the chains beside captured stones): atari,
# capture, self-atari and legality depend on nothing else. So a playout keeps exp(logit) per
# point and colour and recomputes only the points a move made dirty, one dirty list per
# colour (each colour's weights are refreshed when it is to move).


@njit(cache=True, nogil=True)
def _touch_nb(dirty, stack, tops, p):
    for k in range(2):
        if dirty[k, p] == 0:
            dirty[k, p] = 1
            stack[k, tops[k]] = p
            tops[k] += 1


@njit(cache=True, nogil=True)
def _touch_block_nb(b, p, dirty, stack, tops):
    """``p`` and its 8 neighbours."""
    w = b[nb.H_W]
    for row in (-w, 0, w):
        for column in (-1, 0, 1):
            _touch_nb(dirty, stack, tops, p + row + column)


@njit(cache=True, nogil=True)
def _touch_liberties_nb(b, h, dirty, stack, tops, mark, stamp):
    """Every empty neighbour of the chain with head ``h`` (once per ``stamp``)."""
    if mark[h] == stamp:
        return
    mark[h] = stamp
    npts = b[nb.H_NP]
    w = b[nb.H_W]
    col = nb.HEADER + nb.F_COLOR * npts
    nxt = nb.HEADER + nb.F_NEXT * npts
    s = h
    while True:
        for k in range(4):
            q = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
            if b[col + q] == nb.EMPTY:
                _touch_nb(dirty, stack, tops, q)
        s = b[nxt + s]
        if s == h:
            break


@njit(cache=True, nogil=True)
def cache_reset_nb(b, weight, dirty, stack, tops):
    """Start a cache for board ``b``: every empty point dirty for both colours."""
    npts = b[nb.H_NP]
    emp = nb.HEADER + nb.F_EMPTY * npts
    weight[:, :] = 0.0
    dirty[:, :] = 0
    tops[:] = 0
    for i in range(b[nb.H_NEMPTY]):
        _touch_nb(dirty, stack, tops, b[emp + i])


@njit(cache=True, nogil=True)
def cache_refresh_nb(b, c, weights, weight, dirty, stack, tops, mark, counter):
    """Recompute ``weight[c - 1]`` (exp of the logit; 0 for a non-candidate) at the points
    dirty for ``c``."""
    npts = b[nb.H_NP]
    col = nb.HEADER + nb.F_COLOR * npts
    features = np.empty(MAX_FEATURES, np.int64)
    k = c - 1
    for j in range(tops[k]):
        p = stack[k, j]
        dirty[k, p] = 0
        if b[col + p] != nb.EMPTY or nb.is_eye_nb(b, p, c) or nb.legal_reason_nb(b, p, c, False) != nb.LEGAL:
            weight[k, p] = 0.0
            continue
        counter[0] += 1
        n = candidate_features_nb(b, p, c, mark, counter[0], features)
        logit = 0.0
        for f in range(n):
            logit += weights[features[f]]
        weight[k, p] = math.exp(min(logit, 500.0))
    tops[k] = 0


@njit(cache=True, nogil=True)
def cache_sample_nb(b, c, weight, rng_state):
    """A candidate of ``c`` drawn in proportion to its (fresh) weight, or 0 (pass) when none."""
    npts = b[nb.H_NP]
    emp = nb.HEADER + nb.F_EMPTY * npts
    k = c - 1
    total = 0.0
    for i in range(b[nb.H_NEMPTY]):
        total += weight[k, b[emp + i]]
    if total <= 0.0:
        return 0
    u = random_below_nb(rng_state, 1 << 30) / float(1 << 30) * total
    acc = 0.0
    last = 0
    for i in range(b[nb.H_NEMPTY]):
        q = b[emp + i]
        if weight[k, q] > 0.0:
            acc += weight[k, q]
            last = q
            if u < acc:
                return q
    return last


@njit(cache=True, nogil=True)
def cache_play_nb(b, p, c, dirty, stack, tops, mark, counter, captured):
    """``c`` plays the legal, non-suicidal ``p`` (0: passes); marks what it changed dirty.
    ``captured`` is scratch of length W*W."""
    npts = b[nb.H_NP]
    w = b[nb.H_W]
    col = nb.HEADER + nb.F_COLOR * npts
    head = nb.HEADER + nb.F_HEAD * npts
    nxt = nb.HEADER + nb.F_NEXT * npts
    o = 3 - c
    old_last = b[nb.H_LAST]
    old_ko = b[nb.H_KO]
    if old_last != 0:
        _touch_block_nb(b, old_last, dirty, stack, tops)
    if old_ko != 0:
        _touch_nb(dirty, stack, tops, old_ko)
    if p == 0:
        nb.pass_nb(b)
        return
    counter[0] += 1
    stamp = counter[0]
    n_captured = 0
    for k in range(4):  # the stones this move will capture, found before they go
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        if b[col + q] == o:
            h = b[head + q]
            if mark[h] != stamp and nb.chain_in_atari_nb(b, h):
                mark[h] = stamp
                s = h
                while True:
                    captured[n_captured] = s
                    n_captured += 1
                    s = b[nxt + s]
                    if s == h:
                        break
    nb.play_nb(b, p, c)
    _touch_block_nb(b, p, dirty, stack, tops)
    if b[nb.H_KO] != 0:
        _touch_nb(dirty, stack, tops, b[nb.H_KO])
    counter[0] += 1
    stamp = counter[0]
    _touch_liberties_nb(b, b[head + p], dirty, stack, tops, mark, stamp)
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        if b[col + q] == o:
            _touch_liberties_nb(b, b[head + q], dirty, stack, tops, mark, stamp)
    for i in range(n_captured):
        s = captured[i]
        _touch_block_nb(b, s, dirty, stack, tops)
        for k in range(4):
            q = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
            if b[col + q] == c:
                _touch_liberties_nb(b, b[head + q], dirty, stack, tops, mark, stamp)


@njit(cache=True, nogil=True)
def policy_playout_nb(b, to_move, weights, rng_state, max_stones):
    """A playout with both sides drawing from the rollout policy; ends at two passes or
    ``max_stones`` stones. Mutates ``b``; returns the area score, Black minus White.
    Incremental: only the candidates a move touched are re-featured."""
    npts = b[nb.H_NP]
    weight = np.empty((2, npts), np.float64)
    dirty = np.empty((2, npts), np.uint8)
    stack = np.empty((2, npts), np.int64)
    tops = np.zeros(2, np.int64)
    mark = np.zeros(npts, np.int64)
    counter = np.zeros(1, np.int64)
    captured = np.empty(npts, np.int64)
    cache_reset_nb(b, weight, dirty, stack, tops)
    c = to_move
    passes = 0
    stones = 0
    while stones < max_stones:
        cache_refresh_nb(b, c, weights, weight, dirty, stack, tops, mark, counter)
        p = cache_sample_nb(b, c, weight, rng_state)
        cache_play_nb(b, p, c, dirty, stack, tops, mark, counter, captured)
        if p != 0:
            passes = 0
            stones += 1
        else:
            passes += 1
            if passes >= 2:
                break
        c = 3 - c
    return area_score_nb(b)


@njit(cache=True, nogil=True)
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
