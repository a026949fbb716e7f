"""Numba kernels of the network input features: AlphaGo's 48 policy planes (+1 for the value net).

Planes, from the side to move's view (AlphaGo, Silver et al. 2016, extended data table 2):

=======  ======================================================================================
planes   feature
=======  ======================================================================================
0-2      stone colour: own, opponent, empty
3        ones
4-11     turns since the stone was played: 1, 2, ..., 7, 8 or more
12-19    liberties of the stone's chain: 1, ..., 7, 8 or more
20-27    capture size: opponent stones a move here captures: 0, 1, ..., 6, 7 or more
28-35    self-atari size: own stones left in atari by a move here: 1, ..., 7, 8 or more
36-43    liberties after move: of the chain a move here forms: 1, ..., 7, 8 or more
44       ladder capture: a move here starts a ladder that captures an opponent chain
45       ladder escape: a move here saves an own chain in atari from the ladder
46       sensibleness: legal (simple ko) and not filling an own true eye
47       zeros
48       player colour (value network only): ones when Black is to move
=======  ======================================================================================

Move features (planes 20-46) are set only on sensible points. Liberty counts are exact.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

from .board_nb import (
    BLACK,
    EMPTY,
    F_AGE,
    F_COLOR,
    F_HEAD,
    F_NEXT,
    F_SIZE,
    H_MOVES,
    H_NP,
    H_SIZE,
    H_W,
    HEADER,
    LEGAL,
    chain_in_atari_nb,
    chain_liberties_nb,
    first_liberties_nb,
    is_eye_nb,
    legal_reason_nb,
    play_nb,
)

ALPHAGO_PLANES = 48
LADDER_DEPTH_LIMIT = 200  # plies of a ladder read before giving up (a 25x25 diagonal fits)


@njit(cache=True, nogil=True)
def _add_unique_nb(items, n, x):
    """Append ``x`` to ``items[:n]`` unless it is there already; returns the new length."""
    for i in range(n):
        if items[i] == x:
            return n
    items[n] = x
    return n + 1


@njit(cache=True, nogil=True)
def move_effects_nb(b, p, c, mark, stamp):
    """What ``c`` playing at empty ``p`` would do, without playing it: (opponent stones
    captured, exact liberties of the chain it forms, stones in that chain). ``mark`` is a scratch
    int64 array of length W*W holding values below ``stamp``, which this call uses."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    head = HEADER + F_HEAD * npts
    nxt = HEADER + F_NEXT * npts
    size = HEADER + F_SIZE * npts
    o = 3 - c
    captured_heads = np.zeros(4, np.int64)
    own_heads = np.zeros(4, np.int64)
    n_captured = 0
    n_own = 0
    captures = 0
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        cq = b[col + q]
        if cq == o or cq == c:
            h = b[head + q]
            if cq == o and chain_in_atari_nb(b, h):
                n = _add_unique_nb(captured_heads, n_captured, h)
                if n > n_captured:
                    n_captured = n
                    captures += b[size + h]
            elif cq == c:
                n_own = _add_unique_nb(own_heads, n_own, h)
    liberties = 0
    stones = 1
    mark[p] = stamp  # p itself is no liberty
    for j in range(n_own + 1):
        s = p if j == n_own else own_heads[j]
        start = s
        while True:
            for k in range(4):
                t = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
                if mark[t] == stamp:
                    continue
                ct = b[col + t]
                freed = False
                if ct == o:
                    ht = b[head + t]
                    for i in range(n_captured):
                        freed = freed or captured_heads[i] == ht
                if ct == EMPTY or freed:
                    mark[t] = stamp
                    liberties += 1
            if j == n_own:
                break
            stones += 1
            s = b[nxt + s]
            if s == start:
                break
    return captures, liberties, stones


@njit(cache=True, nogil=True)
def _can_capture_neighbour_nb(b, s):
    """True when some chain of the other colour touching the chain through ``s`` is in atari."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    head = HEADER + F_HEAD * npts
    nxt = HEADER + F_NEXT * npts
    enemy = 3 - b[col + s]
    t0 = s
    while True:
        for k in range(4):
            t = s - w if k == 0 else (s - 1 if k == 1 else (s + 1 if k == 2 else s + w))
            if b[col + t] == enemy and chain_in_atari_nb(b, b[head + t]):
                return True
        s = b[nxt + s]
        if s == t0:
            return False


@njit(cache=True, nogil=True)
def _extend_nb(b, s, mark, pair):
    """The defender of the chain through ``s`` (in atari, to move) extends at its liberty on
    ``b`` (mutated). Returns 0 when it escapes (or can capture an attacker chain in atari), 1
    when it is captured anyway, 2 when it is left with two liberties, written into ``pair``."""
    if _can_capture_neighbour_nb(b, s):
        return 0
    defender = b[HEADER + F_COLOR * b[H_NP] + s]
    if first_liberties_nb(b, s, pair) == 0:
        return 1
    liberty = pair[0]
    if legal_reason_nb(b, liberty, defender, False) != LEGAL:
        return 1
    play_nb(b, liberty, defender)
    liberties = chain_liberties_nb(b, s, mark)
    if liberties >= 3:
        return 0
    if liberties <= 1:
        return 1
    first_liberties_nb(b, s, pair)
    return 2


@njit(cache=True, nogil=True)
def ladder_captured_nb(b, s, mark):
    """The chain through ``s`` is in atari and its owner is to move: True when a ladder captures
    it. The defender's reply is forced (extend at the liberty; capturing an attacker chain in
    atari counts as an escape); the attacker tries both liberties at each step, depth first, with
    the positions of the current line kept on a stack. ``b`` is not mutated."""
    max_steps = LADDER_DEPTH_LIMIT // 2
    attacker = 3 - b[HEADER + F_COLOR * b[H_NP] + s]
    pairs = np.zeros((max_steps + 1, 2), np.int64)
    next_try = np.zeros(max_steps + 1, np.int64)
    first = b.copy()
    status = _extend_nb(first, s, mark, pairs[0])
    if status != 2:
        return status == 1
    line = [first]  # line[d]: the position where the attacker chooses its d-th atari
    while len(line) > 0:
        depth = len(line) - 1
        if next_try[depth] >= 2 or depth >= max_steps:
            line.pop()
            continue
        a = pairs[depth, next_try[depth]]
        next_try[depth] += 1
        here = line[depth]
        if legal_reason_nb(here, a, attacker, False) != LEGAL:
            continue
        trial = here.copy()
        play_nb(trial, a, attacker)
        if chain_liberties_nb(trial, a, mark) < 2 or chain_liberties_nb(trial, s, mark) != 1:
            continue  # the atari stone could be taken at once, or it is no atari
        status = _extend_nb(trial, s, mark, pairs[depth + 1])
        if status == 1:
            return True
        if status == 2:
            next_try[depth + 1] = 0
            line.append(trial)
    return False


@njit(cache=True, nogil=True)
def _ladder_features_nb(b, p, c, mark):
    """(ladder capture, ladder escape) for ``c`` playing the sensible point ``p``."""
    npts = b[H_NP]
    w = b[H_W]
    col = HEADER + F_COLOR * npts
    head = HEADER + F_HEAD * npts
    o = 3 - c
    wants_capture = False
    wants_escape = False
    for k in range(4):
        q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
        cq = b[col + q]
        if cq == o and chain_liberties_nb(b, q, mark) == 2:
            wants_capture = True
        elif cq == c and chain_in_atari_nb(b, b[head + q]):
            wants_escape = True
    if not (wants_capture or wants_escape):
        return False, False
    after = b.copy()
    play_nb(after, p, c)
    capture = False
    if wants_capture:
        for k in range(4):
            q = p - w if k == 0 else (p - 1 if k == 1 else (p + 1 if k == 2 else p + w))
            if after[col + q] == o and chain_in_atari_nb(after, after[head + q]):
                if ladder_captured_nb(after, q, mark):
                    capture = True
    escape = False
    if wants_escape:
        liberties = chain_liberties_nb(after, p, mark)
        if liberties >= 3:
            escape = True
        elif liberties == 2:
            # the attacker to move: the escape works when no atari on it starts a working ladder
            escape = True
            pair = np.zeros(2, np.int64)
            first_liberties_nb(after, p, pair)
            for i in range(2):
                a = pair[i]
                if legal_reason_nb(after, a, o, False) != LEGAL:
                    continue
                chased = after.copy()
                play_nb(chased, a, o)
                if chain_liberties_nb(chased, a, mark) >= 2 and chain_liberties_nb(chased, p, mark) == 1:
                    if ladder_captured_nb(chased, p, mark):
                        escape = False
    return capture, escape


@njit(cache=True, nogil=True)
def alphago_planes_nb(b, c, out):
    """Fill ``out`` (float32, at least 48 x size x size; zeroed here) with the 48 AlphaGo planes
    for ``c`` to move on board ``b``. ``b`` is not mutated."""
    npts = b[H_NP]
    w = b[H_W]
    n = b[H_SIZE]
    col = HEADER + F_COLOR * npts
    age = HEADER + F_AGE * npts
    moves = b[H_MOVES]
    o = 3 - c
    out[:ALPHAGO_PLANES] = 0.0
    mark = np.zeros(npts, np.int64)
    stamp_marks = np.zeros(npts, np.int64)
    stamp = 0
    for r in range(n):
        for x in range(n):
            p = (r + 1) * w + x + 1
            cp = b[col + p]
            out[3, r, x] = 1.0
            if cp == c or cp == o:
                out[0 if cp == c else 1, r, x] = 1.0
                turns = moves - b[age + p]
                out[4 + min(max(turns, 1), 8) - 1, r, x] = 1.0
                liberties = chain_liberties_nb(b, p, mark)
                out[12 + min(liberties, 8) - 1, r, x] = 1.0
                continue
            out[2, r, x] = 1.0
            if is_eye_nb(b, p, c) or legal_reason_nb(b, p, c, False) != LEGAL:
                continue
            out[46, r, x] = 1.0
            stamp += 1
            captures, liberties_after, stones = move_effects_nb(b, p, c, stamp_marks, stamp)
            out[20 + min(captures, 7), r, x] = 1.0
            if liberties_after == 1:
                out[28 + min(stones, 8) - 1, r, x] = 1.0
            out[36 + min(max(liberties_after, 1), 8) - 1, r, x] = 1.0
            capture, escape = _ladder_features_nb(b, p, c, mark)
            if capture:
                out[44, r, x] = 1.0
            if escape:
                out[45, r, x] = 1.0


@njit(cache=True, nogil=True)
def stone_planes_nb(b, c, out, own_plane, opponent_plane):
    """Set ``out[own_plane]`` / ``out[opponent_plane]`` to the stones of ``c`` / its opponent."""
    npts = b[H_NP]
    w = b[H_W]
    n = b[H_SIZE]
    col = HEADER + F_COLOR * npts
    for r in range(n):
        for x in range(n):
            cp = b[col + (r + 1) * w + x + 1]
            out[own_plane, r, x] = 1.0 if cp == c else 0.0
            out[opponent_plane, r, x] = 1.0 if cp == 3 - c else 0.0


__all__ = ["BLACK", "alphago_planes_nb", "stone_planes_nb", "move_effects_nb", "ladder_captured_nb"]


@njit(cache=True, parallel=True)
def alphago_planes_batch_nb(boards, to_move, out, colour_plane):
    """``alphago_planes_nb`` for each board of a (B, L) batch into ``out`` (B, >= 48, H, W);
    with ``colour_plane`` plane 48 is ones where Black is to move (the value network's 49th).
    Boards are independent: they are spread over numba's threads (``numba.set_num_threads``)."""
    for i in prange(boards.shape[0]):
        alphago_planes_nb(boards[i], to_move[i], out[i])
        if colour_plane:
            out[i, ALPHAGO_PLANES] = 1.0 if to_move[i] == BLACK else 0.0
